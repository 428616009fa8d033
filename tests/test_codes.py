"""Issue 11, parser side: every strict error has the lenient code of the same
problem and lists all the page's problems in page order; text that is no film
page fails in both modes; require_sections catches cut-off pages."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import filmparse
from conftest import FIXTURES, REFERENCE
from filmparse import parser
from filmparse.diagnostics import CODES, ERROR_CODES, FATAL_CODES, Diagnostic, first_fatal
from filmparse.errors import Problem
from filmparse.explain import explanation
from strategies import corrupted_pages

INVALID = sorted((FIXTURES / "invalid").glob("*.txt"))
DRIFTED = FIXTURES / "lenient" / "drifted.txt"
HEAT_DRIFTED = FIXTURES / "lenient" / "heat-drifted.txt"


def strict_error(data: bytes, **options: bool) -> filmparse.FilmParseError:
    with pytest.raises(filmparse.FilmParseError) as caught:
        filmparse.parse_bytes(data, **options)
    return caught.value


def codes(diagnostics: tuple[Diagnostic, ...]) -> list[str]:
    return [found.code for found in diagnostics]


# -- every strict error has a code, the lenient one --------------------------------


@pytest.mark.parametrize("page", INVALID, ids=[path.stem for path in INVALID])
def test_invalid_page_error_has_the_code_lenient_mode_reports_first(page: Path) -> None:
    data = page.read_bytes()
    error = strict_error(data)
    assert error.code in CODES
    lenient = filmparse.parse_bytes(data, strict=False)
    assert lenient.diagnostics, "every invalid fixture gives a lenient diagnostic"
    assert error.code == lenient.diagnostics[0].code
    # the error is the first of its problems, and they come in page order
    first = error.problems[0]
    assert (first.line, first.column, first.code) == (error.line, error.column, error.code)
    assert [(p.line, p.column) for p in error.problems] == sorted(
        (p.line, p.column) for p in error.problems if p.code != "FP105"
    ) + [(p.line, p.column) for p in error.problems if p.code == "FP105"]
    assert error.as_record()["code"] == error.code


def test_drifted_page_reports_line_18_first_and_every_problem() -> None:
    error = strict_error(DRIFTED.read_bytes())
    assert (error.line, error.column, error.section, error.code) == (18, 12, "facts", "FP201")
    assert error.message == "'lots' is not a whole number"
    assert error.expected == "a whole number such as 1524"
    assert str(error).splitlines()[1].strip() == "Vote Count lots"
    assert [(p.line, p.code) for p in error.problems] == [
        (18, "FP201"),
        (47, "FP301"),
        (277, "FP101"),
        (306, "FP204"),
    ]
    unknown = error.problems[2]
    assert "'Keywords'" in unknown.message and "strict=False" in unknown.message
    # the grammar's own failure at 282:1 was a knock-on of the unknown section
    assert all(problem.line != 282 for problem in error.problems)


def test_page_order_beats_the_order_of_the_steps() -> None:
    # decoding fails at 22:16, but line 17 repeats the vote count
    error = strict_error(HEAT_DRIFTED.read_bytes())
    assert (error.line, error.column, error.code) == (17, 12, "FP203")
    assert "the first value is kept" not in error.message  # strict mode keeps nothing
    assert {"FP001", "FP002", "FP102", "FP203"} <= {p.code for p in error.problems}


def test_grammar_error_takes_the_code_of_the_line() -> None:
    page = "Heat\n\nRelease Date 1995-10-27\n\nCast\n\nAl\n\nOverview\n\nA heist.\n"
    error = strict_error(page.encode())
    assert (error.line, error.code) == (9, "FP102")
    page = "Heat\n\nOverview\n\nA.\n\nCast\n\nAl\n\nCast\n\nBo\n"
    assert strict_error(page.encode()).code == "FP103"
    # a broken-off entry is one problem, at the place the grammar stopped
    error = strict_error(b"Heat\n\nReviews\n\nJane\n7.0/10")
    assert (error.line, error.column, error.code) == (6, 7, "FP204")
    assert [(p.line, p.code) for p in error.problems] == [(6, "FP204")]


def test_an_unknown_section_says_lenient_mode_would_keep_it() -> None:
    page = "Heat\n\nWatch\n\nTrivia\n\nShot in Las Vegas.\n"
    error = strict_error(page.encode())
    assert (error.line, error.code) == (5, "FP101")
    assert error.message.startswith("unknown section 'Trivia'") and "strict=False" in error.message
    assert filmparse.parse(page, strict=False).extra_sections == {"Trivia": ("Shot in Las Vegas.",)}


def test_code_and_problems_survive_pickling_and_with_path() -> None:
    error = strict_error(DRIFTED.read_bytes()).with_path("pages/drifted.txt")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.problems, copy.path) == (error.code, error.problems, error.path)
    assert str(copy) == str(error)
    record = copy.as_record()
    assert (record["path"], record["code"], record["line"]) == ("pages/drifted.txt", "FP201", 18)


def test_an_error_built_alone_is_its_own_problem() -> None:
    error = filmparse.FilmParseError(
        "cannot read", line=1, column=1, section="file", expected="a file"
    )
    assert error.code == "FP901" and error.code in ERROR_CODES  # page-level errors
    assert error.problems == (Problem(1, 1, "FP901", "file", "cannot read", "a file"),)


@given(st.data())
def test_every_strict_error_has_a_lenient_code_and_all_problems(data: st.DataObject) -> None:
    text = data.draw(corrupted_pages(REFERENCE.read_text(encoding="utf-8")))
    try:
        filmparse.parse(text)
    except filmparse.FilmParseError as error:
        lenient = filmparse.parse(text, strict=False)
        assert error.code in CODES
        assert error.code in codes(lenient.diagnostics)
        assert error.problems[0].code == error.code
        assert error.problems[0].line == error.line
        assert {p.code for p in error.problems} <= set(codes(lenient.diagnostics))
        assert [p.line for p in error.problems] == sorted(p.line for p in error.problems)


def test_a_valid_page_does_not_pay_for_the_lenient_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    text = REFERENCE.read_text(encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the lenient pass ran on a valid page")

    monkeypatch.setattr(parser, "_lenient", refuse)
    assert filmparse.parse(text).title == "Leaving Las Vegas"
    assert filmparse.parse(text, require_sections=True).title == "Leaving Las Vegas"


# -- junk is not a film ------------------------------------------------------------


def _random_bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


JUNK = {
    "binary": _random_bytes(11, 4096),
    "short-binary": _random_bytes(7, 40),
    "html": b"<!DOCTYPE html>\n<html><head><title>Heat</title></head>\n<body>Heat</body></html>\n",
    "plain-note": b"Dear all,\nthe meeting moves to Tuesday.\nRegards\n",
    "one-line": b"Just a line of text",
    "empty": b"",
}


@pytest.mark.parametrize("name", list(JUNK))
def test_junk_fails_in_both_modes(name: str) -> None:
    data = JUNK[name]
    error = strict_error(data)
    assert error.code in CODES
    film = filmparse.parse_bytes(data, strict=False)  # lenient parse never raises
    fatal = first_fatal(film.diagnostics)
    assert fatal is not None and fatal.code in FATAL_CODES and fatal.fatal
    assert "FP105" in codes(film.diagnostics)
    assert codes(film.diagnostics)[-1] == "FP105"  # the verdict on the page comes last
    assert "FP105" in {p.code for p in error.problems}


def test_no_film_page_error_when_nothing_else_is_wrong() -> None:
    error = strict_error(b"Hello there\nA second line\n")
    assert (error.line, error.column, error.code) == (1, 1, "FP105")
    assert error.message == "no section heading, header line or fact line: this is not a film page"


@pytest.mark.parametrize(
    "page",
    ["Heat\nWatch\n", "Heat\n\nRuntime 170 minutes\n", "Heat\n\nVote Count 5\n", "Heat\n\nCast\n"],
)
def test_a_heading_header_line_or_fact_makes_a_film_page(page: str) -> None:
    assert filmparse.parse(page).title == "Heat"
    film = filmparse.parse(page, strict=False)
    assert film.diagnostics == () and first_fatal(film.diagnostics) is None


def test_the_reference_page_is_no_junk() -> None:
    film = filmparse.parse_file(REFERENCE, strict=False)
    assert film.diagnostics == ()
    assert first_fatal(film.diagnostics) is None


# -- require_sections -----------------------------------------------------------


CUT = 230  # bytes: the page ends in the middle of a word of its overview


def _cut(size: int = CUT) -> bytes:
    return REFERENCE.read_bytes()[:size]


def _end(data: bytes) -> tuple[int, int]:
    """Line and column just after the last character."""
    text = data.decode()
    return text.count("\n") + 1, len(text.rpartition("\n")[2]) + 1


def test_a_page_cut_off_in_its_overview_passes_by_default() -> None:
    data = _cut()
    assert data.decode().endswith("lost everything be")
    assert filmparse.parse_bytes(data).title == "Leaving Las Vegas"
    assert filmparse.parse_bytes(data, strict=False).diagnostics == ()


def test_require_sections_refuses_a_cut_off_page() -> None:
    data = _cut()
    error = strict_error(data, require_sections=True)
    assert error.code == "FP106"
    assert (error.line, error.column) == _end(data)
    assert "after section 'Overview'" in error.message
    assert "sections 'Backdrop' and the 8 after it are missing" in error.message
    film = filmparse.parse_bytes(data, strict=False, require_sections=True)
    assert [(d.code, d.line, d.column) for d in film.diagnostics] == [("FP106", *_end(data))]
    assert first_fatal(film.diagnostics) is None  # a warning: --fail-on decides


def test_require_sections_names_a_gap_in_the_middle() -> None:
    text = REFERENCE.read_text(encoding="utf-8").replace("\nBackdrop\n", "\n\n", 1)
    assert filmparse.parse(text) == filmparse.parse(text, strict=False)  # fine by default
    error = strict_error(text.encode(), require_sections=True)
    assert error.code == "FP106"
    assert error.message == (
        "section 'Backdrop' is missing, between 'Overview' and 'Available Languages'"
    )
    assert error.source_line == "Available Languages"
    film = filmparse.parse(text, strict=False, require_sections=True)
    assert [(d.code, d.line) for d in film.diagnostics] == [("FP106", error.line)]


def test_require_sections_takes_a_whole_page_unchanged() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    expected = filmparse.parse(text)
    assert filmparse.parse(text, require_sections=True) == expected
    assert filmparse.parse(text, strict=False, require_sections=True).diagnostics == ()
    assert filmparse.parse_file(REFERENCE, require_sections=True) == expected
    film, source_map = filmparse.parse_with_source_map(text, require_sections=True)
    assert film == expected and len(source_map) > 0


def test_require_sections_in_every_entry_point(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(_cut())
    with pytest.raises(filmparse.FilmParseError) as caught:
        filmparse.parse_file(path, require_sections=True)
    assert (caught.value.code, caught.value.path) == ("FP106", str(path))
    with pytest.raises(filmparse.FilmParseError):
        filmparse.parse_with_source_map(_cut().decode(), require_sections=True)
    film, _ = filmparse.parse_with_source_map(
        _cut().decode(), strict=False, require_sections=True
    )
    assert codes(film.diagnostics) == ["FP106"]


def test_explain_shows_missing_sections_when_asked() -> None:
    data = _cut()
    assert explanation(data).diagnostics == ()
    shown = explanation(data, require_sections=True)
    assert codes(shown.diagnostics) == ["FP106"]
    line, _ = _end(data)
    last = shown.text.splitlines()[line - 1]
    assert last.startswith(f"{line}  ") and "FP106 section missing: the page ends after" in last
