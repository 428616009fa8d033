"""The promises between strict mode, lenient mode and the writer (issue 10).

On pages edited the way scraped pages drift (tests/modes_pages.py):
- a page strict mode accepts reads the same in lenient mode, with no diagnostics;
- every Film strict mode accepts can be written back by render, and reads back as itself;
- every page strict mode refuses has at least one lenient diagnostic;
- a Film read from a page survives the JSONL row the CLI writes for it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import filmparse
from conftest import REFERENCE
from filmparse import Film, FilmParseError, MediaItem, Review
from filmparse.export import read_jsonl
from filmparse.parser import _lenient_rules
from modes_pages import edited_pages

REFERENCE_TEXT = REFERENCE.read_text(encoding="utf-8")
PAGES = edited_pages() | edited_pages(st.just(REFERENCE_TEXT), max_edits=4)
# More edits: most of these pages are refused, so few examples are filtered out.
REFUSED_PAGES = edited_pages(max_edits=8) | edited_pages(st.just(REFERENCE_TEXT), max_edits=8)


def strict_or_none(page: str) -> Film | None:
    try:
        return filmparse.parse(page)
    except FilmParseError:
        return None


def lenient_rules(page: str) -> Film:
    """A lenient read by the lenient rules alone: parse(strict=False) takes the
    strict rules' Film for a page they read, which is what these tests check."""
    return _lenient_rules(page, False)[0]


# -- the examples the attack found ------------------------------------------------


@pytest.mark.parametrize(
    ("page", "field", "value"),
    [
        ("Heat\n\nReviews\n\nWuchak\n\nGreat film.\n", "reviews",
         (Review(author="Wuchak", rating=None, content="Great film."),)),
        ("Heat\n\nReviews\n\nWuchak\n\n6.0/10\n\nGreat film.\n\nCinemaSerf\n\nFine.\n", "reviews",
         (Review(author="Wuchak", rating=6.0, content="Great film."),
          Review(author="CinemaSerf", rating=None, content="Fine."))),
        ("Heat\n\nMedia\n\nClip\n\nOfficial Trailer\n\nTrailer\n\nAnother\n", "media",
         (MediaItem(kind="clip", title="Official Trailer"),
          MediaItem(kind="trailer", title="Another"))),
    ],
)  # fmt: skip
def test_a_blank_line_after_an_author_or_a_media_kind_reads_alike(
    page: str, field: str, value: object
) -> None:
    film = filmparse.parse(page)
    assert getattr(film, field) == value
    lenient = lenient_rules(page)
    assert lenient.diagnostics == ()
    assert lenient == film


def test_an_unknown_section_after_broken_reviews_is_still_one() -> None:
    # Strict mode refuses this page (the last line has no content line), so
    # lenient mode reads the reviews one by one and keeps the unknown section.
    page = "Heat\n\nReviews\n\nJane\n7.0/10\nGood.\n\nFun Facts\n\nIt is long.\nVery long.\n"
    assert strict_or_none(page) is None
    film = filmparse.parse(page, strict=False)
    assert film.reviews == (Review(author="Jane", rating=7.0, content="Good."),)
    assert film.extra_sections == {"Fun Facts": ("It is long.", "Very long.")}


# A line whose text, without the spaces before it, opens something else: the
# Film render would refuse, so strict mode refuses the page where it stands.
DISGUISED = [
    ("title", "\u2028Reviews\nWatch\n", 1, "header", "FP201", {"title": "Reviews"}),
    ("tagline", "Heat\n\n\tRuntime 83 minutes\nWatch\n", 3, "header", "FP201",
     {"tagline": "Runtime 83 minutes"}),
    ("tagline-fact", "Heat\n\n\u3000Budget $5\nWatch\n", 3, "header", "FP201",
     {"tagline": "Budget $5"}),
    ("overview", "Heat\n\nOverview\n\nA heist.\n\n\tBudget $5 was spent.\n", 7, "overview",
     "FP202", {"overview": "A heist.\n\nBudget $5 was spent."}),
    ("cast", "Heat\n\nCast\n\nAl Pacino\n\tCrew\n", 6, "Cast", "FP202",
     {"cast": ("Al Pacino", "Crew")}),
    ("crew", "Heat\n\nCrew\n\n Media\n", 5, "Crew", "FP202", {"crew": ("Media",)}),
    ("review-author", "Heat\n\nReviews\n\n\u2003Media\nGood.\n", 5, "Reviews", "FP202",
     {"reviews": (Review(author="Media", rating=None, content="Good."),)}),
    ("review-content", "Heat\n\nReviews\n\nJane\n\tCast\n", 6, "Reviews", "FP202",
     {"reviews": (Review(author="Jane", rating=None, content="Cast"),)}),
    ("media-title", "Heat\n\nMedia\n\nClip\n\tReviews\n", 6, "Media", "FP202",
     {"media": (MediaItem(kind="clip", title="Reviews"),)}),
    ("media-kind", "Heat\n\nMedia\n\nCAST\nA clip\n", 5, "Media", "FP202",
     {"media": (MediaItem(kind="cast", title="A clip"),)}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("page", "line", "section", "code", "film"),
    [case[1:] for case in DISGUISED],  # (a Watch line: no FP105, the page is a film page)
    ids=[case[0] for case in DISGUISED],
)
def test_strict_mode_refuses_a_value_render_cannot_write(
    page: str, line: int, section: str, code: str, film: dict[str, Any]
) -> None:
    with pytest.raises(filmparse.RenderError):  # the value strict mode read before
        filmparse.render(Film(**{"title": "Heat", **film}))
    with pytest.raises(FilmParseError) as caught:
        filmparse.parse(page)
    assert (caught.value.line, caught.value.column, caught.value.section) == (line, 1, section)
    assert "once the spaces before it are stripped" in caught.value.message or (
        "a section heading" in caught.value.message
    )
    lenient = filmparse.parse(page, strict=False)
    assert [(d.code, d.line, d.section) for d in lenient.diagnostics] == [(code, line, section)]


def test_unrated_content_too_long_to_be_a_rating_is_written_back() -> None:
    # A rating line has at most 400 characters before "/10"; a longer line after
    # an author is the content, which render used to refuse for ending in /10.
    content = "x" * 401 + " 9/10"
    film = filmparse.parse(f"Heat\n\nReviews\n\nJane\n{content}\n")
    assert film.reviews == (Review(author="Jane", rating=None, content=content),)
    assert filmparse.parse(filmparse.render(film)) == film
    with pytest.raises(filmparse.RenderError, match="reads as a rating"):
        filmparse.render(Film(title="Heat", reviews=[Review("Jane", None, "short 9/10")]))


# -- the promises, over edited well-formed pages -----------------------------------


# Whole generated pages, each read three to five ways: half the profile's
# examples keep CI's run under its time limit (the deep profile still hunts).
HALF = settings(max_examples=max(30, settings().max_examples // 2))


@HALF
@given(PAGES)
def test_a_page_strict_mode_accepts_reads_alike_in_lenient_mode(page: str) -> None:
    film = strict_or_none(page)
    assume(film is not None)
    lenient = lenient_rules(page)
    assert lenient.diagnostics == ()
    assert lenient == film
    assert filmparse.to_json(lenient) == filmparse.to_json(film)


@HALF
@given(PAGES)
def test_every_film_strict_mode_accepts_renders_and_reads_back(page: str) -> None:
    film = strict_or_none(page)
    assume(film is not None)
    assert film is not None
    assert filmparse.parse(filmparse.render(film)) == film
    _jsonl_round_trip(film)  # and through the JSONL row convert --jsonl writes


@HALF
@given(REFUSED_PAGES)
def test_every_page_strict_mode_refuses_has_a_lenient_diagnostic(page: str) -> None:
    assume(strict_or_none(page) is None)
    assert lenient_rules(page).diagnostics != ()
    assert filmparse.parse(page, strict=False).diagnostics == lenient_rules(page).diagnostics


def test_a_u2028_in_the_overview_survives_a_jsonl_row() -> None:
    page = "Heat\n\nOverview\n\nA heist\u2028in two lines,\u2029and a third.\n\nBudget $5\n"
    film = filmparse.parse(page)
    assert film.overview == "A heist\u2028in two lines,\u2029and a third."
    _jsonl_round_trip(film)


def _jsonl_round_trip(film: Film) -> None:
    """page -> JSONL row (as convert --jsonl writes one) -> from_dict -> render -> parse."""
    row = (filmparse.to_json(film, indent=None) + "\n").encode("utf-8")
    ((number, data),) = list(read_jsonl(row + b"\n"))
    assert number == 1
    read = filmparse.from_dict(data)
    assert read == film
    assert filmparse.parse(filmparse.render(read)) == film
