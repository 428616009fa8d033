"""Properties of the writer and the parser, checked with hypothesis."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import filmparse
from conftest import FIXTURES, REFERENCE
from filmparse import Film, FilmParseError
from filmparse.normalise import normalise
from strategies import corrupted_pages, films

SCHEMA = Draft202012Validator(filmparse.json_schema())
VALID = sorted((FIXTURES / "valid").glob("*.txt"))


# 1. parse(render(film)) == film
@given(films())
def test_parse_of_render_is_identity(film: Film) -> None:
    assert filmparse.parse(filmparse.render(film)) == film


# 2. from_dict(to_dict(film)) == film, and the export validates
@given(films())
def test_from_dict_of_to_dict_is_identity(film: Film) -> None:
    data = filmparse.to_dict(film)
    assert list(SCHEMA.iter_errors(data)) == []
    assert filmparse.from_dict(data) == film


# 3. pages under fixtures/valid/ survive render, and the reference page is
#    written back exactly as its normalised text
@pytest.mark.parametrize("page", VALID, ids=[p.stem for p in VALID])
def test_render_of_parse_reads_back(page: Path) -> None:
    film = filmparse.parse_file(page)
    assert filmparse.parse(filmparse.render(film)) == film


def test_reference_page_renders_to_its_normalised_text(reference_text: str) -> None:
    rendered = filmparse.render(filmparse.parse(reference_text))
    assert rendered == normalise(reference_text)


# 4. any text at all parses or raises FilmParseError; nothing else escapes
def _parses_or_fails_cleanly(text: str) -> None:
    try:
        film = filmparse.parse(text)
    except FilmParseError as error:
        assert error.line >= 1
        assert error.column >= 1
        assert error.section
        assert error.expected
    else:
        assert list(SCHEMA.iter_errors(filmparse.to_dict(film))) == []


@given(st.text())
def test_random_text_parses_or_raises_film_parse_error(text: str) -> None:
    _parses_or_fails_cleanly(text)


@given(st.binary())
def test_random_bytes_parse_or_raise_film_parse_error(data: bytes) -> None:
    with contextlib.suppress(FilmParseError):
        filmparse.parse_bytes(data)


@given(st.lists(st.sampled_from(["Heat", "", "Cast", "Reviews", "BEN: hi", "7.0/10",
                                 "Media", "Clip", "Title:", '""', "Budget $5", "Wins",
                                 "ACTOR - 1995 X", "🇫🇷 France [FR]", "rent", "Overview"]),
                max_size=25))  # fmt: skip
def test_pages_of_format_fragments_parse_or_fail_cleanly(fragments: list[str]) -> None:
    _parses_or_fails_cleanly("\n".join(fragments))


@given(corrupted_pages(REFERENCE.read_text(encoding="utf-8")))
def test_corrupted_reference_page_parses_or_fails_cleanly(text: str) -> None:
    _parses_or_fails_cleanly(text)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cast": ("Crew",)}, "section heading"),
        ({"tagline": "Runtime 5 minutes"}, "header or fact line"),
        ({"overview": "Budget $5 was spent."}, "fact or heading"),
        ({"title": "Heat\u00a0II"}, "U+00A0"),
    ],
)
def test_render_refuses_values_the_format_cannot_carry(
    change: dict[str, Any], message: str
) -> None:
    film = Film(**{"title": "Heat", **change})
    with pytest.raises(filmparse.RenderError, match=re.escape(message)):
        filmparse.render(film)


def test_from_dict_names_the_path_of_each_bad_value(reference_text: str) -> None:
    data = filmparse.to_dict(filmparse.parse(reference_text))
    data["reviews"][2]["rating"] = 11
    data["release_date"] = "1995-02-30"
    with pytest.raises(filmparse.SchemaError) as caught:
        filmparse.from_dict(data)
    assert str(caught.value).splitlines() == [
        "$.release_date: expected a date YYYY-MM-DD, or null, got '1995-02-30'",
        "$.reviews[2].rating: expected a number from 0 to 10, or null, got 11",
    ]
