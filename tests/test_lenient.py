"""Lenient mode: parse(text, strict=False) never raises and says what it repaired.

One small hand-written page per diagnostic code (diagnostics.CODES), with the
code, line, column and section of the diagnostic, the values read, and the
strict parse of the same page raising FilmParseError; then properties: valid
pages read exactly as in strict mode, and any text, bytes or corrupted copy of
the reference page reads into a Film whose export satisfies the schema, with
every non-blank line accounted for (a value, a label or a diagnostic).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import filmparse
from conftest import REFERENCE
from filmparse import Diagnostic, Film, FilmParseError, SourceMap
from filmparse.diagnostics import CODES
from filmparse.normalise import decode, normalise
from filmparse.schema import is_valid, schema_errors
from strategies import corrupted_pages, films, unknown_headings

# -- helpers -----------------------------------------------------------------


def unaccounted_lines(text: str, film: Film, source_map: SourceMap) -> list[tuple[int, str]]:
    """The non-blank lines of the normalised page that no value span, label span
    or diagnostic covers (the accounting invariant says: none)."""
    covered = source_map.covered_lines(film.diagnostics)
    lines = normalise(text, []).split("\n")
    return [(n, line) for n, line in enumerate(lines, 1) if line.strip() and n not in covered]


def check_lenient_film(film: Film) -> dict[str, Any]:
    """The export of a lenient Film validates and reads back as the same Film."""
    data = filmparse.to_dict(film)
    assert is_valid(data), list(schema_errors(data))
    assert filmparse.from_dict(data) == film
    return data


def lenient(text: str, require: bool = False) -> Film:
    """parse(text, strict=False), with the checks every lenient result must pass."""
    film = filmparse.parse(text, strict=False, require_sections=require)
    check_lenient_film(film)
    tracked, source_map = filmparse.parse_with_source_map(
        text, strict=False, require_sections=require
    )
    assert tracked == film
    assert unaccounted_lines(text, tracked, source_map) == []
    return film


def lenient_bytes(data: bytes) -> Film:
    film = filmparse.parse_bytes(data, strict=False)
    check_lenient_film(film)
    text = decode(data, [])
    assert lenient(text) == film
    return film


def strict(page: str | bytes, require: bool = False) -> Film:
    if isinstance(page, bytes):
        return filmparse.parse_bytes(page, require_sections=require)
    return filmparse.parse(page, require_sections=require)


def strict_error(page: str | bytes, require: bool = False) -> FilmParseError:
    with pytest.raises(FilmParseError) as caught:
        strict(page, require)
    return caught.value


# -- one page per diagnostic code ----------------------------------------------


@dataclass(frozen=True)
class Case:
    """A page, the diagnostic it gives (the `nth` with `code`), the codes of all
    its diagnostics, the exported values it reads to, and where strict mode
    stops (None: strict raises, position not compared)."""

    id: str
    page: str | bytes
    code: str
    line: int
    column: int
    section: str
    values: dict[str, Any]
    end_line: int | None = None  # None: the diagnostic's line; 0: not compared
    codes: tuple[str, ...] = ()
    strict_at: tuple[int, int] | None = None
    message: str = ""  # a part of the diagnostic's message
    nth: int = 0  # which diagnostic with `code` (0: the first)
    require: bool = False  # parse with require_sections


CASES = [
    Case(
        "FP001-windows-1252",
        "Heat\n\nCast\n\nJosé Ferrer\n".encode("cp1252"),
        "FP001", 5, 4, "encoding",
        {"title": "Heat", "cast": ["José Ferrer"]},
        strict_at=(5, 4),
        message="Windows-1252",
    ),
    Case(
        "FP001-latin-1",  # 0x81 is not Windows-1252 either; U+0081 is then a control char
        b"Heat\n\nCast\n\nA\x81B\xe9\n",
        "FP001", 5, 2, "encoding",
        {"title": "Heat", "cast": ["ABé"]},
        codes=("FP001", "FP003"),
        strict_at=(5, 2),
        message="Latin-1",
    ),
    Case(
        "FP001-after-byte-order-mark",  # the BOM must not shift the reported position
        b"\xef\xbb\xbfHeat\n\nCast\n\nJos\xe9\n",
        "FP001", 5, 4, "encoding",
        {"title": "Heat", "cast": ["José"]},
        strict_at=(5, 4),
        message="byte 0xe9",
    ),
    Case(
        "FP002-mojibake",
        "Heat\n\nCast\n\nJosÃ© Ferrer\nAl Pacino\n",
        "FP002", 5, 4, "encoding",
        {"cast": ["José Ferrer", "Al Pacino"]},
        strict_at=(5, 4),
    ),
    Case(
        "FP003-nul-in-value",
        "Heat\n\nRuntime 1\x0011 minutes\n",
        "FP003", 3, 10, "encoding",
        {"title": "Heat", "runtime_minutes": 111},
        strict_at=(3, 10),
        message="U+0000",
    ),
    Case(
        "FP003-several-on-a-line",  # one diagnostic a line, at the first
        "Heat\n\nCast\n\nA\x07l\x1b Pacino\n",
        "FP003", 5, 2, "encoding",
        {"cast": ["Al Pacino"]},
        strict_at=(5, 2),
        message="2 control character(s)",
    ),
    Case(
        "FP004-lone-surrogate",
        "Heat\n\nCast\n\nAl\ud83d Pacino\n",
        "FP004", 5, 3, "encoding",
        {"cast": ["Al\ufffd Pacino"]},
        strict_at=(5, 3),
        message="U+D83D",
    ),
    Case(
        "FP005-html",
        "\n  <html><body>Heat</body></html>\n",
        "FP005", 2, 1, "header",
        {"title": "<html><body>Heat</body></html>"},
        codes=("FP005", "FP105"),  # and so no film page: a batch counts it failed
        strict_at=(2, 1),
    ),
    Case(
        "FP101-unknown-section",
        "Heat\n\nReviews\n\nJane\n7.0/10\nGood.\n\nFun Facts\n\nIt is long.\nVery long.\n\n"
        "Media\n\nClip\nA clip\n",
        "FP101", 9, 1, "extra",
        {
            "reviews": [{"author": "Jane", "rating": 7.0, "content": "Good."}],
            "media": [{"kind": "clip", "title": "A clip"}],
            "extra_sections": {"Fun Facts": ["It is long.", "Very long."]},
        },
        end_line=12,
        message="Fun Facts",
    ),
    Case(
        "FP101-in-where-to-watch",  # the extra section runs to the next heading
        "Heat\n\nWhere to Watch\n\n🇺🇸 United States [US]\n\nStream\n\nBox Office\n\n"
        "$187 million\n\nCast\n\nAl Pacino\n",
        "FP101", 9, 1, "extra",
        {
            "availability": [
                {"country_code": "US", "country_name": "United States", "offers": ["stream"]}
            ],
            "cast": ["Al Pacino"],
            "extra_sections": {"Box Office": ["$187 million"]},
        },
        end_line=11,
        strict_at=(9, 1),
    ),
    Case(
        "FP102-out-of-order",
        "Heat\n\nCast\n\nAl Pacino\n\nOverview\n\nA heist.\n",
        "FP102", 7, 1, "overview",
        {"overview": "A heist.", "cast": ["Al Pacino"]},
        strict_at=(7, 1),
    ),
    Case(
        "FP103-repeated-section",
        "Heat\n\nCast\n\nAl Pacino\n\nCrew\n\nMichael Mann\n\nCast\n\nRobert De Niro\n",
        "FP103", 11, 1, "Cast",
        {"cast": ["Al Pacino", "Robert De Niro"], "crew": ["Michael Mann"]},
        end_line=0,
        strict_at=(11, 1),
        message="first on line 3",
    ),
    Case(
        "FP104-starts-with-a-heading",
        "Overview\n\nA heist.\n",
        "FP104", 1, 1, "header",
        {"title": None, "overview": "A heist."},
        strict_at=(1, 1),
    ),
    Case(
        "FP104-empty",
        "",
        "FP104", 1, 1, "header",
        {"title": None, "cast": []},
        codes=("FP104", "FP105"),
        strict_at=(1, 1),
    ),
    Case(
        "FP105-no-film-page",
        "Hello,\nthis is a note,\nnot a film page.\n",
        "FP105", 1, 1, "header",
        {"title": "Hello,", "tagline": "this is a note,"},
        codes=("FP204", "FP105"),  # the verdict on the whole page comes last
        strict_at=(3, 1),
    ),
    Case(
        "FP106-section-missing",  # only with require_sections
        "Heat\n\nOverview\n\nA heist.\n\nBackdrop\n",
        "FP106", 7, 9, "Available Languages",
        {"overview": "A heist."},
        strict_at=(7, 9),
        message="section 'Backdrop': sections 'Available Languages' and the 7 after it are missing",
        require=True,
    ),
    Case(
        "FP201-impossible-date",
        "Heat\n\nRelease Date 1995-02-30\nRuntime 170 minutes\n",
        "FP201", 3, 14, "header",
        {"release_date": None, "runtime_minutes": 170},
        strict_at=(3, 14),
        message="release_date set to null",
    ),
    Case(
        "FP201-vote-average-above-ten",
        "Heat\n\nVote Average 11/10\nVote Count 5\n",
        "FP201", 3, 14, "facts",
        {"vote_average": None, "vote_count": 5},
        strict_at=(3, 14),
    ),
    Case(
        "FP201-review-rating",
        "Heat\n\nReviews\n\nJane\nn/a/10\nGood.\n",
        "FP201", 6, 1, "Reviews",
        {"reviews": [{"author": "Jane", "rating": None, "content": "Good."}]},
        strict_at=(6, 1),
    ),
    Case(
        "FP202-translation-dropped",  # the whole entry: its three lines
        'Heat\n\nAvailable Languages\n\nDeutsch DE\nTitle: Heat\n""\nKlingon XX\nTitle: Q\n""\n'
        'Italiano IT\nTitle: Calore\n""\n',
        "FP202", 8, 1, "Available Languages",
        {
            "translations": [
                {"language": "Deutsch", "language_code": "de", "country_code": "DE",
                 "title": "Heat", "tagline": None},
                {"language": "Italiano", "language_code": "it", "country_code": "IT",
                 "title": "Calore", "tagline": None},
            ]
        },
        end_line=10,
        strict_at=(8, 1),
        message="Klingon",
    ),
    Case(
        "FP202-country-dropped",  # FP202 names the entry from its start; strict the value
        "Heat\n\nWhere to Watch\n\n🇺🇸 Nowhere [XX]\n\nStream\n\n🇫🇷 France [FR]\n\nbuy\n",
        "FP202", 5, 1, "Where to Watch",
        {"availability": [{"country_code": "FR", "country_name": "France", "offers": ["buy"]}]},
        end_line=7,
        strict_at=(5, 13),
    ),
    Case(
        "FP202-award-dropped",
        "Heat\n\nOscar Awards\n\nWins\n\nACTOR - 1995 Al Pacino\n\nNominations\n\n"
        "DIRECTING - 0995 Michael Mann\n",
        "FP202", 11, 1, "Oscar Awards",
        {
            "awards": [
                {"ceremony": "Oscar", "outcome": "won", "category": "ACTOR", "year": 1995,
                 "nominee": "Al Pacino"}
            ]
        },
        strict_at=(11, 13),
    ),
    Case(
        "FP203-repeated-field",
        "Heat\n\nRuntime 10 minutes\nRuntime 20 minutes\n",
        "FP203", 4, 9, "header",
        {"runtime_minutes": 10},
        strict_at=(4, 1),
        message="first on line 3",
    ),
    Case(
        "FP203-repeated-fact",
        "Heat\n\nOverview\n\nA heist.\n\nVote Count 10\nVote Count 20\n",
        "FP203", 8, 12, "facts",
        {"overview": "A heist.", "vote_count": 10},
        strict_at=(8, 1),
        message="first on line 7",
    ),
    Case(
        "FP203-watch-label-again",  # a label, no field: the header reports it itself
        "Heat\n\nRuntime 10 minutes\nWatch\nWatch\n",
        "FP203", 5, 1, "header",
        {"runtime_minutes": 10},
        strict_at=(5, 1),
        message="'Watch' given again (first on line 4)",
    ),
    Case(
        "FP203-awards-label-again",
        "Heat\n\nOscar Awards\n\nWins\n\nACTOR - 1995 Al Pacino\n\nWins\n\n"
        "DIRECTING - 1995 Michael Mann\n",
        "FP203", 9, 1, "Oscar Awards",
        {"awards": [
            {"ceremony": "Oscar", "outcome": "won", "category": "ACTOR", "year": 1995,
             "nominee": "Al Pacino"},
            {"ceremony": "Oscar", "outcome": "won", "category": "DIRECTING", "year": 1995,
             "nominee": "Michael Mann"},
        ]},
        strict_at=(9, 1),
        message="first on line 5",
    ),
    Case(
        "FP102-facts-before-the-overview",  # strict mode reads facts after the overview
        "Heat\n\nBudget $5\n\nOverview\n\nA heist.\n",
        "FP102", 5, 1, "overview",
        {"overview": "A heist.", "budget": 5},
        strict_at=(5, 1),
        message="after the fact lines (from line 3)",
    ),
    Case(
        "FP205-header-lines-out-of-order",
        "Heat\n\nRuntime 170 minutes\nRelease Date 1995-12-15\n",
        "FP205", 4, 1, "header",
        {"runtime_minutes": 170, "release_date": "1995-12-15"},
        strict_at=(4, 1),
        message="'Release Date' after 'Runtime'",
    ),
    Case(
        "FP205-header-line-under-the-overview",
        "Heat\n\nOverview\n\nA heist.\n\nVote Count 5\nRuntime 170 minutes\n",
        "FP205", 8, 1, "header",
        {"overview": "A heist.", "vote_count": 5, "runtime_minutes": 170},
        strict_at=(8, 1),
        message="under the Overview",
    ),
    Case(
        "FP205-facts-out-of-order",
        "Heat\n\nOverview\n\nA heist.\n\nVote Count 5\nBudget $5\n",
        "FP205", 8, 1, "facts",
        {"vote_count": 5, "budget": 5},
        strict_at=(8, 1),
        message="'Budget' after 'Vote Count'",
    ),
    Case(
        "FP205-wins-after-nominations",
        "Heat\n\nOscar Awards\n\nNominations\n\nDIRECTING - 1995 Michael Mann\n\nWins\n\n"
        "ACTOR - 1995 Al Pacino\n",
        "FP205", 9, 1, "Oscar Awards",
        {"awards": [
            {"ceremony": "Oscar", "outcome": "nominated", "category": "DIRECTING",
             "year": 1995, "nominee": "Michael Mann"},
            {"ceremony": "Oscar", "outcome": "won", "category": "ACTOR", "year": 1995,
             "nominee": "Al Pacino"},
        ]},
        strict_at=(9, 1),
    ),
    Case(
        "FP204-dialogue-line-without-colon",
        "Heat\n\nFamous Conversations\n\nBEN: hi\nno colon here\nSERA: yo\n",
        "FP204", 6, 1, "Famous Conversations",
        {"dialogue": [{"speaker": "BEN", "text": "hi"}, {"speaker": "SERA", "text": "yo"}]},
        strict_at=(6, 1),
    ),
    Case(
        "FP204-offer-cut-off-from-its-country",  # the offer still attaches to US
        "Heat\n\nWhere to Watch\n\n🇺🇸 United States [US]\n\nStream\n\n?? garbage ??\n\nrent\n\n"
        "🇫🇷 France [FR]\n\nbuy\n",
        "FP204", 9, 1, "Where to Watch",
        {
            "availability": [
                {"country_code": "US", "country_name": "United States",
                 "offers": ["stream", "rent"]},
                {"country_code": "FR", "country_name": "France", "offers": ["buy"]},
            ]
        },
        strict_at=(9, 1),
    ),
    Case(
        "FP204-unknown-offer-word",
        "Heat\n\nWhere to Watch\n\n🇺🇸 United States [US]\nStream\nlease\nrent\n",
        "FP204", 7, 1, "Where to Watch",
        {
            "availability": [
                {"country_code": "US", "country_name": "United States",
                 "offers": ["stream", "rent"]}
            ]
        },
        strict_at=(7, 1),
        message="unknown offer 'lease'",
    ),
    Case(
        "FP204-offer-with-no-country-above",
        "Heat\n\nWhere to Watch\n\nbuy\n\n🇫🇷 France [FR]\n\nrent\n",
        "FP204", 5, 1, "Where to Watch",
        {"availability": [{"country_code": "FR", "country_name": "France", "offers": ["rent"]}]},
        strict_at=(5, 1),
    ),
    Case(
        "FP204-offer-after-a-dropped-country",
        "Heat\n\nWhere to Watch\n\n🇺🇸 Nowhere [XX]\nStream\n?? garbage ??\nbuy\n",
        "FP204", 8, 1, "Where to Watch",
        {"availability": []},
        codes=("FP202", "FP204", "FP204"),
        strict_at=(5, 13),  # the first problem in page order, not the grammar's (7:1)
        nth=1,
    ),
    Case(
        "FP301-flag-mismatch",
        "Heat\n\nWhere to Watch\n\n🇫🇷 United States [US]\nStream\n",
        "FP301", 5, 1, "Where to Watch",
        {
            "availability": [
                {"country_code": "US", "country_name": "United States", "offers": ["stream"]}
            ]
        },
        strict_at=(5, 1),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_diagnostic(case: Case) -> None:
    if isinstance(case.page, bytes):
        film = lenient_bytes(case.page)
    else:
        film = lenient(case.page, case.require)
    assert [found.code for found in film.diagnostics] == list(case.codes or (case.code,))
    found = [found for found in film.diagnostics if found.code == case.code][case.nth]
    assert (found.line, found.column, found.section) == (case.line, case.column, case.section)
    if case.end_line != 0:
        assert found.end_line == (case.end_line or case.line)
    assert case.message in found.message
    assert found.name == CODES[case.code]
    data = filmparse.to_dict(film)
    for key, value in case.values.items():
        assert data[key] == value, key

    error = strict_error(case.page, case.require)
    assert error.code in {found.code for found in film.diagnostics}
    if case.strict_at is not None:
        assert (error.line, error.column) == case.strict_at


def test_every_code_has_a_case() -> None:
    assert {case.code for case in CASES} == set(CODES)


def test_diagnostics_are_in_page_order_and_printable() -> None:
    page = (
        "Heat\n\nRelease Date 1995-02-30\n\nCast\n\nAl\x00 Pacino\n\nOverview\n\nA heist.\n\n"
        "Famous Conversations\n\nno colon\n"
    )
    film = lenient(page)
    assert [(d.code, d.line) for d in film.diagnostics] == [
        ("FP201", 3),
        ("FP003", 7),
        ("FP102", 9),
        ("FP204", 15),
    ]
    assert str(film.diagnostics[0]).startswith("3:14: FP201 [header] impossible date")
    record = film.diagnostics[-1].as_record()
    assert (record["code"], record["line"], record["end_line"]) == ("FP204", 15, 15)


# -- what the diagnostics leave behind ------------------------------------------


def test_unknown_section_lines_go_to_extra_sections_and_to_dict() -> None:
    page = (
        "Heat\n\nReviews\n\nJane\n7.0/10\nGood.\n\nFun Facts\n\nIt is long.\n\nVery long.\n\n"
        "Famous Conversations\n\nBEN: hi\n\nFun Facts\n\nAnd loud.\n"
    )
    film = lenient(page)
    # a heading seen twice keeps one entry, its lines appended in page order
    assert film.extra_sections == {"Fun Facts": ("It is long.", "Very long.", "And loud.")}
    assert [(d.code, d.line, d.end_line) for d in film.diagnostics] == [
        ("FP101", 9, 13),
        ("FP101", 19, 21),
    ]
    data = filmparse.to_dict(film)
    assert list(data)[-1] == "extra_sections"
    assert data["extra_sections"] == {"Fun Facts": ["It is long.", "Very long.", "And loud."]}
    assert film.dialogue == (filmparse.DialogueLine("BEN", "hi"),)
    assert '"extra_sections": {\n    "Fun Facts": [' in filmparse.to_json(film)


def test_no_extra_sections_key_without_extra_sections() -> None:
    film = lenient("Heat\n\nCast\n\nAl Pacino\n")
    assert film.extra_sections == {}
    assert "extra_sections" not in filmparse.to_dict(film)


def test_strict_mode_has_no_extra_sections() -> None:
    # an unknown heading inside a free-text section is just more text
    page = "Heat\n\nCast\n\nAl Pacino\n\nFun Facts\n\nIt is long.\n"
    strict = filmparse.parse(page)
    assert strict.cast == ("Al Pacino", "Fun Facts", "It is long.")
    assert lenient(page) == strict
    # elsewhere it is an unexpected line
    error = strict_error("Heat\n\nFamous Conversations\n\nBEN: hi\n\nFun Facts\n\nIt is long.\n")
    assert (error.line, error.column, error.section) == (7, 1, "Famous Conversations")


def test_heading_repeated_with_entries_appends_them() -> None:
    page = "Heat\n\n" + "Famous Conversations\n\nBEN: hi\n\n" * 3
    film = lenient(page)
    assert [d.text for d in film.dialogue] == ["hi", "hi", "hi"]
    assert [(d.code, d.line, d.section) for d in film.diagnostics] == [
        ("FP103", 7, "Famous Conversations"),
        ("FP103", 11, "Famous Conversations"),
    ]


def test_lenient_diagnostic_type() -> None:
    found = Diagnostic("FP204", "x", 3, 2, "Cast", 5)
    assert list(found.lines()) == [3, 4, 5]
    assert found.name == "unparsed line"
    with pytest.raises(ValueError, match="code"):
        Diagnostic("FP999", "x", 1, 1, "Cast")


# -- valid pages: lenient mode reads what strict mode reads ----------------------


def test_reference_page_reads_as_in_strict_mode(reference_text: str) -> None:
    strict = filmparse.parse(reference_text)
    film = lenient(reference_text)
    assert film == strict
    assert film.diagnostics == ()
    assert film.extra_sections == {}
    assert filmparse.to_dict(film) == filmparse.to_dict(strict)
    assert lenient_bytes(REFERENCE.read_bytes()) == strict


@given(films())
def test_generated_films_read_back_leniently_without_diagnostics(film: Film) -> None:
    read = filmparse.parse(filmparse.render(film), strict=False)
    assert read.diagnostics == ()
    assert read == film


# -- anything at all: a Film, a valid export, every line accounted for ----------

REFERENCE_TEXT = REFERENCE.read_text(encoding="utf-8")


@given(
    corrupted_pages(REFERENCE_TEXT)
    | corrupted_pages(REFERENCE_TEXT, max_changes=12)
    | st.builds(
        lambda page, heading: f"{heading}\n\n{page}", corrupted_pages(REFERENCE_TEXT),
        unknown_headings(),
    )
)
def test_corrupted_reference_page_reads_leniently(text: str) -> None:
    lenient(text)


@given(st.text())
def test_random_text_reads_leniently(text: str) -> None:
    lenient(text)


@given(st.binary())
def test_random_bytes_read_leniently(data: bytes) -> None:
    lenient_bytes(data)


_FRAGMENTS = [
    "Heat", "", "", "Overview", "Backdrop", "Available Languages", "Where to Watch", "Cast",
    "Crew", "Reviews", "Famous Conversations", "Oscar Awards", "Media", "Trivia", "Box Office",
    "Watch", "Wins", "Nominations", "Title", "Title:", "Title: T", '""', '"T"', "Deutsch DE",
    "Klingon XX", "🇫🇷 France [FR]", "🇫🇷 France [US]", "Stream", "rent", "lease", "BEN: hi",
    "Jane", "7.0/10", "n/a/10", "Clip", "ACTOR - 1995 X", "ACTOR - 0995 X", "Budget $5",
    "Vote Average 11/10", "Runtime 5 minutes", "Release Date 2020-02-30", "Genres A, B",
    "Original Language xx", "<html>", "A\x00B", "CafÃ©", "x\u202ey",
]  # fmt: skip


@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=30))
def test_pages_of_format_fragments_read_leniently(fragments: list[str]) -> None:
    lenient("\n".join(fragments))
