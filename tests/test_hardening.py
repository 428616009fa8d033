"""Hostile pages: huge lines, huge pages, odd characters, every section misplaced.

In both modes each page gives a Film or a FilmParseError (lenient: always a
Film, whose export satisfies the schema); never RecursionError, MemoryError or
any other exception; and it finishes.  There are no timing asserts: the pages
with one 5 MB line are parsed in a child process only so that a parser that
never finishes (a regex that backtracks on a long line) fails the test after
WATCHDOG seconds instead of hanging the suite; a linear parser needs well
under a second for them.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import pytest

import filmparse
from conftest import REFERENCE
from filmparse import Film, FilmParseError
from filmparse._render import HEADINGS
from filmparse.schema import is_valid, schema_errors

MB5 = 5_000_000
WATCHDOG = 8.0  # seconds for one child process: start-up, and both modes on a 5 MB page

# -- helpers -----------------------------------------------------------------


def both_modes(text: str) -> tuple[Film | FilmParseError, Film]:
    """The strict result (a Film or the FilmParseError) and the lenient Film.
    Any other exception escapes and fails the test."""
    strict: Film | FilmParseError
    try:
        strict = filmparse.parse(text)
    except FilmParseError as error:
        assert error.line >= 1 and error.column >= 1 and error.section and error.expected
        strict = error
    lenient = filmparse.parse(text, strict=False)
    data = filmparse.to_dict(lenient)
    assert is_valid(data), list(schema_errors(data))[:5]
    return strict, lenient


def codes(film: Film) -> list[str]:
    return [found.code for found in film.diagnostics]


# The child process: the page on stdin (UTF-8, surrogates passed through), a
# summary of each mode's outcome as JSON on stdout.
_CHILD = r"""
import json, sys
import filmparse
from filmparse.schema import is_valid

text = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
out = {}
for strict in (True, False):
    try:
        film = filmparse.parse(text, strict=strict)
    except filmparse.FilmParseError as error:
        out["strict" if strict else "lenient"] = {
            "error": [error.line, error.column, error.section]
        }
        continue
    out["strict" if strict else "lenient"] = {
        "title": len(film.title) if film.title is not None else None,
        "genres": list(film.genres),
        "dialogue": [[line.speaker, len(line.text)] for line in film.dialogue],
        "translations": [t.language_code for t in film.translations],
        "availability": [[a.country_code, list(a.offers)] for a in film.availability],
        "codes": [[d.code, d.line] for d in film.diagnostics],
        "valid": is_valid(filmparse.to_dict(film)),
    }
print(json.dumps(out))
"""


def in_child(text: str) -> dict[str, Any]:
    """Parse `text` in both modes in a child process that must finish within WATCHDOG."""
    done: subprocess.CompletedProcess[bytes] | None = None
    # on a timeout the child is killed; fail below, without the child's script in the report
    with contextlib.suppress(subprocess.TimeoutExpired):
        done = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=text.encode("utf-8", "surrogatepass"),
            capture_output=True,
            timeout=WATCHDOG,
            check=False,
        )
    if done is None:
        pytest.fail(f"parsing did not finish within {WATCHDOG:.0f} s (child process killed)")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-3000:]
    outcome: dict[str, Any] = json.loads(done.stdout)
    assert "error" not in outcome["lenient"], "lenient mode raised"
    assert outcome["lenient"]["valid"]
    return outcome


# -- one 5 MB line -------------------------------------------------------------

WORDS = ("Leaving Las Vegas " * (MB5 // 18 + 1))[:MB5].strip()


@dataclass(frozen=True)
class HugeLine:
    id: str
    page: str
    strict: dict[str, Any] | None  # a summary subset, or None: a FilmParseError
    lenient: dict[str, Any]


HUGE_LINES = [
    HugeLine(
        "title",
        WORDS + "\nWatch\n",  # a title and a header line: the least that is a film page
        {"title": len(WORDS), "codes": []},
        {"title": len(WORDS), "codes": []},
    ),
    HugeLine(
        "dialogue-line",
        "Heat\n\nFamous Conversations\n\nBEN: " + WORDS + "\nSERA: Yes.\n",
        {"dialogue": [["BEN", len(WORDS)], ["SERA", 4]]},
        {"dialogue": [["BEN", len(WORDS)], ["SERA", 4]], "codes": []},
    ),
    HugeLine(
        "unparsed-dialogue-line",  # no colon: strict refuses it, lenient reports it
        "Heat\n\nFamous Conversations\n\n" + WORDS + "\nSERA: Yes.\n",
        None,
        {"dialogue": [["SERA", 4]], "codes": [["FP204", 5]]},
    ),
    HugeLine(
        "genres-with-a-long-run-of-spaces",
        "Heat\n\nGenres Drama" + " " * MB5 + ", Crime\n",
        {"genres": ["Drama", "Crime"]},
        {"genres": ["Drama", "Crime"], "codes": []},
    ),
    HugeLine(
        "country-line-with-many-brackets",  # no closing ']': not a country line
        "Heat\n\nWhere to Watch\n\n🇺🇸 " + "a [" * (MB5 // 3) + "\n\n🇫🇷 France [FR]\n\nbuy\n",
        None,
        {"availability": [["FR", ["buy"]]], "codes": [["FP204", 5]]},
    ),
    HugeLine(
        "translation-language-name",  # no language has this name
        'Heat\n\nAvailable Languages\n\n' + WORDS + ' DE\nTitle: T\n""\nDeutsch DE\nTitle:\n""\n',
        None,
        {"translations": ["de"], "codes": [["FP202", 5]]},
    ),
]


@pytest.mark.parametrize("case", HUGE_LINES, ids=[case.id for case in HUGE_LINES])
def test_a_single_5_mb_line(case: HugeLine) -> None:
    outcome = in_child(case.page)
    if case.strict is None:
        assert "error" in outcome["strict"]
    else:
        assert "error" not in outcome["strict"], outcome["strict"]
        for key, value in case.strict.items():
            assert outcome["strict"][key] == value, key
    for key, value in case.lenient.items():
        assert outcome["lenient"][key] == value, key


# -- many lines ----------------------------------------------------------------


def test_100_000_dialogue_lines() -> None:
    lines = [f"{('BEN', 'SERA')[n % 2]}: line {n}" for n in range(100_000)]
    page = "Heat\n\nFamous Conversations\n\n" + "\n".join(lines) + "\n"
    strict, lenient = both_modes(page)
    assert isinstance(strict, Film)
    assert len(strict.dialogue) == len(lenient.dialogue) == 100_000
    assert lenient == strict and lenient.diagnostics == ()
    assert strict.dialogue[99_999] == filmparse.DialogueLine("SERA", "line 99999")


def test_a_page_of_only_headings() -> None:
    page = "\n\n".join(HEADINGS) + "\n"
    strict, lenient = both_modes(page)
    assert isinstance(strict, FilmParseError)
    assert (strict.line, strict.column) == (1, 1)
    assert lenient == Film(title=None)
    assert codes(lenient) == ["FP104"]
    # with a title line they are a valid page of empty sections
    strict, lenient = both_modes("Heat\n\n" + page)
    assert strict == lenient == Film(title="Heat")
    assert lenient.diagnostics == ()
    # and in reverse order, each but the first is out of place
    strict, lenient = both_modes("Heat\n\n" + "\n\n".join(reversed(HEADINGS)) + "\n")
    assert isinstance(strict, FilmParseError)
    assert lenient == Film(title="Heat")
    assert codes(lenient) == ["FP102"] * (len(HEADINGS) - 1)


def test_a_heading_repeated_1000_times() -> None:
    strict, lenient = both_modes("Heat\n\n" + "Cast\n\n" * 1000)
    assert isinstance(strict, FilmParseError)
    assert (strict.line, strict.section) == (5, "Cast")
    assert lenient == Film(title="Heat")
    assert codes(lenient) == ["FP103"] * 999
    assert [found.line for found in lenient.diagnostics] == list(range(5, 2002, 2))
    # with entries under each: all of them kept, in page order
    strict, lenient = both_modes("Heat\n\n" + "Reviews\n\nJane\nGood.\n\n" * 1000)
    assert isinstance(strict, FilmParseError)
    assert len(lenient.reviews) == 1000
    assert codes(lenient) == ["FP103"] * 999


# -- odd characters ------------------------------------------------------------


def test_nul_bytes() -> None:
    strict, lenient = both_modes("Heat\x00\n\nCast\n\nAl\x00 Pacino\n\x00\x00\x00\n")
    assert isinstance(strict, FilmParseError)
    assert (strict.line, strict.column, strict.section) == (1, 5, "encoding")
    assert lenient == Film(title="Heat", cast=("Al Pacino",))
    assert [(d.code, d.line) for d in lenient.diagnostics] == [
        ("FP003", 1),
        ("FP003", 5),
        ("FP003", 6),
    ]
    # nothing but NUL bytes: an empty page
    strict, lenient = both_modes("\x00" * 100_000)
    assert isinstance(strict, FilmParseError)
    assert lenient == Film(title=None)
    assert sorted(set(codes(lenient))) == ["FP003", "FP104", "FP105"]  # no film page
    # as bytes
    with pytest.raises(FilmParseError):
        filmparse.parse_bytes(b"Heat\x00\n")
    assert filmparse.parse_bytes(b"Heat\x00\n", strict=False).title == "Heat"


def test_lone_surrogates() -> None:
    strict, lenient = both_modes("Heat\ud800\n\nCast\n\n\udfffAl Pacino\ud83d\n")
    assert isinstance(strict, FilmParseError)
    assert (strict.line, strict.column, strict.section) == (1, 5, "encoding")
    assert lenient == Film(title="Heat\ufffd", cast=("\ufffdAl Pacino\ufffd",))
    assert [(d.code, d.line, d.column) for d in lenient.diagnostics] == [
        ("FP004", 1, 5),
        ("FP004", 5, 1),
    ]
    filmparse.to_json(lenient).encode("utf-8")  # U+FFFD, not a surrogate, is written
    # a surrogate pair split the wrong way round, and a page of nothing else
    strict, lenient = both_modes("\udc00\ud800\n")
    assert isinstance(strict, FilmParseError)
    assert lenient.title == "\ufffd\ufffd"
    # surrogates encoded in UTF-8 bytes are not UTF-8
    with pytest.raises(FilmParseError):
        filmparse.parse_bytes(b"Heat\xed\xa0\x80\nWatch\n")
    assert codes(filmparse.parse_bytes(b"Heat\xed\xa0\x80\nWatch\n", strict=False)) == ["FP001"]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("Heat\u200f II\nWatch\n", Film(title="Heat II")),
        ("Heat\n\nCast\n\nAl \u202ePacino\n", Film(title="Heat", cast=("Al Pacino",))),
        ("Heat\n\nRuntime 1\u200e11 minutes\n", Film(title="Heat", runtime_minutes=111)),
        (
            "Heat\n\nFamous Conversations\n\nNEIL\u202e: Don't\u200f waste my time.\n",
            Film(title="Heat", dialogue=(filmparse.DialogueLine("NEIL", "Don't waste my time."),)),
        ),
        (
            "\u2067Heat\u2069\n\nGenres \u202aCrime\u202c, Drama\u061c\n",
            Film(title="Heat", genres=("Crime", "Drama")),
        ),
    ],
    ids=[
        "U+200F-title",
        "U+202E-cast",
        "U+200E-runtime",
        "U+202E-U+200F-dialogue",
        "isolates-and-embeddings",
    ],
)
def test_direction_marks_are_removed(page: str, expected: Film) -> None:
    strict, lenient = both_modes(page)
    assert strict == expected
    assert lenient == expected


# -- every section out of order ------------------------------------------------


def reversed_sections(text: str) -> tuple[str, list[int]]:
    """The page with its headed sections in reverse order (the header stays
    first), and the line numbers of its headings in the new page."""
    lines = text.split("\n")
    starts = [n for n, line in enumerate(lines) if line in HEADINGS]
    ends = [*starts[1:], len(lines)]
    blocks = [lines[start:end] for start, end in zip(starts, ends, strict=True)]
    out = lines[: starts[0]]
    headings: list[int] = []
    for block in reversed(blocks):
        while block and block[-1] == "":
            block = block[:-1]
        headings.append(len(out) + 1)
        out += [*block, ""]
    return "\n".join(out), headings


def test_every_section_out_of_order(reference_text: str) -> None:
    page, heading_lines = reversed_sections(reference_text)
    strict, lenient = both_modes(page)
    reference = filmparse.parse(reference_text)
    assert isinstance(strict, FilmParseError)
    assert strict.line == heading_lines[1]  # Media reads; Oscar Awards is out of place
    assert lenient == reference
    assert filmparse.to_dict(lenient) == filmparse.to_dict(reference)
    # one FP102 per heading but the first (Media), at the heading, naming its section
    assert codes(lenient) == ["FP102"] * (len(HEADINGS) - 1)
    assert [found.line for found in lenient.diagnostics] == heading_lines[1:]
    assert [found.section.lower() for found in lenient.diagnostics] == [
        heading.lower() for heading in reversed(HEADINGS[:-1])
    ]
    assert REFERENCE.read_text(encoding="utf-8") == reference_text
