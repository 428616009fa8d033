"""Every whole number a page gives fits an int64 (schema.INT64_MAX), or is an error there."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import filmparse
from filmparse import Film, FilmParseError
from filmparse.schema import INT64_MAX, is_valid

# (page line for n, field, line of the value, its column, section)
LINES = [
    ("Budget ${n:,}", "budget", 3, 8, "facts"),
    ("Revenue ${n}", "revenue", 3, 9, "facts"),
    ("Vote Count {n:,}", "vote_count", 3, 12, "facts"),
    ("Runtime {n} minutes", "runtime_minutes", 3, 9, "header"),
]


@pytest.mark.parametrize(("line", "field", "row", "column", "section"), LINES)
def test_the_largest_int64_reads_and_one_more_is_refused(
    line: str, field: str, row: int, column: int, section: str
) -> None:
    film = filmparse.parse(f"Huge\n\n{line.format(n=INT64_MAX)}\n")
    assert getattr(film, field) == INT64_MAX
    assert is_valid(filmparse.to_dict(film))
    page = f"Huge\n\n{line.format(n=INT64_MAX + 1)}\n"
    with pytest.raises(FilmParseError) as caught:
        filmparse.parse(page)
    error = caught.value
    assert (error.line, error.column, error.section) == (row, column, section)
    assert f"at most {INT64_MAX}" in error.message
    lenient = filmparse.parse(page, strict=False)
    assert [(d.code, d.line, d.column) for d in lenient.diagnostics] == [("FP201", row, column)]
    assert getattr(lenient, field) is None


def test_thousands_of_digits_are_refused_at_once() -> None:
    page = "Huge\n\nVote Count " + "9" * 100_000 + "\n"
    started = time.process_time()
    with pytest.raises(FilmParseError, match=r"too large \(100000 digits\)"):
        filmparse.parse(page)
    assert time.process_time() - started < 1.0


@pytest.mark.parametrize("field", ["budget", "revenue", "vote_count", "runtime_minutes"])
def test_a_film_built_by_hand_is_bounded_too(field: str) -> None:
    values: dict[str, Any] = {"title": "Heat", field: INT64_MAX}
    assert getattr(Film(**values), field) == INT64_MAX
    for too_large in (INT64_MAX + 1, 10**5000):
        with pytest.raises(ValueError, match="too large"):
            Film(**{**values, field: too_large})


@given(st.integers(0, 2**70), st.sampled_from(LINES))
def test_a_page_number_reads_iff_an_export_can_hold_it(
    n: int, line: tuple[str, str, int, int, str]
) -> None:
    page = f"Huge\n\n{line[0].format(n=n)}\n"
    if n > INT64_MAX:
        with pytest.raises(FilmParseError):
            filmparse.parse(page)
        return
    film = filmparse.parse(page)
    assert getattr(film, line[1]) == n
    assert json.loads(filmparse.to_json(film))[line[1]] == n
    assert filmparse.from_dict(filmparse.to_dict(film)) == film
