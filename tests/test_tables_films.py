"""Table rows built from the Films (a run that writes no JSON) are the rows built
from their exports: same tables, types and all, same problems rows.

A table-only run makes no export and so runs no JSON Schema check: that is
sound because a Film's export always fits the schema (every schema rule is
one of the models' validators), which the properties below check on Films
built from hostile values, kept only when the models accept them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from typing import Any

import attrs
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import filmparse
from filmparse._table_inputs import as_result
from filmparse._table_rows import chunk_rows
from filmparse._tables import SCHEMAS, TABLE_NAMES, TableBuilder
from filmparse.engine import convert_page, page_worker
from filmparse.engine._chunks import convert_chunk
from filmparse.export import to_dict
from filmparse.models import Availability, Award, DialogueLine, MediaItem, Review, Translation
from filmparse.schema import is_valid, schema_errors
from filmparse.sinks import Job, PageResult
from filmparse.sinks._base import FILM, RECORD, ROWS
from filmparse.sinks._base import TEXT as TEXT_NEED
from filmparse.sources import Page
from strategies import films
from test_tables import make_folder

BOTH = frozenset({RECORD, FILM})


def page(path: str) -> Page:
    return Page(path, os.path.basename(path))


def tables_of(results: list[PageResult], from_films: bool) -> dict[str, pa.Table]:
    builder = TableBuilder()
    for result in results:
        builder.add(result, result.film if from_films else None)
    return builder.tables()


def agree(results: list[PageResult]) -> None:
    """Every result carries both its record and its Film: the two give equal tables."""
    by_record, by_film = tables_of(results, False), tables_of(results, True)
    assert list(by_film) == list(TABLE_NAMES)
    for name in TABLE_NAMES:
        assert by_film[name].schema.equals(SCHEMAS[name], check_metadata=True), name
        assert by_film[name].equals(by_record[name]), name


def summary(result: PageResult) -> tuple[Any, ...]:
    """What a result says, its error by its text (errors compare by identity)."""
    error = str(result.error) if result.error is not None else None
    return result.path, result.sha256, error, result.diagnostics, result.record, result.film


def with_film(film: filmparse.Film) -> PageResult:
    return attrs.evolve(as_result(film), film=film)


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[PageResult]:
    """Good, bad, lenient (warnings, extra sections), duplicate and unreadable
    pages, strict and lenient, each result with its record and its Film."""
    pages = [page(path) for path in make_folder(tmp_path_factory.mktemp("films"))]
    return [convert_page(Job(p), None, strict=strict, needs=BOTH)
            for strict in (True, False) for p in pages]  # fmt: skip


def test_fixture_pages_give_the_same_tables_from_films(pool: list[PageResult]) -> None:
    assert sum(r.film is not None for r in pool) > 10 and sum(not r.ok for r in pool) > 5
    assert all((r.film is None) == (r.record is None) for r in pool)
    agree(pool + pool)  # each again as a duplicate
    assert any(t.num_rows for t in tables_of(pool, True).values())


def test_fixture_films_exports_fit_the_schema(pool: list[PageResult]) -> None:
    for result in pool:
        if result.film is not None:
            assert is_valid(result.record), result.path


def test_a_table_only_page_carries_its_film_and_no_export(pool: list[PageResult]) -> None:
    ok = next(r for r in pool if r.film is not None and r.diagnostics)
    job = Job(page(ok.path))
    only = convert_page(job, None, strict=False, needs=frozenset({FILM, ROWS}))
    assert only.record is None and only.text is None and only.film == ok.film
    assert only.diagnostics == ok.diagnostics and only.sha256 == ok.sha256
    assert convert_page(job, None, strict=False, needs=frozenset()).film is None  # not asked
    with_text = convert_page(job, None, strict=False, needs=frozenset({TEXT_NEED, FILM, ROWS}))
    assert with_text.text is not None and with_text.film == ok.film  # the text still checked
    bad = next(r for r in pool if not r.ok and r.sha256 is not None)
    failed = convert_page(Job(page(bad.path)), None, needs=frozenset({FILM}))
    assert summary(failed) == summary(attrs.evolve(bad, film=None, record=None))


def test_unfit_values_of_a_film_are_the_same_problem_rows(pool: list[PageResult]) -> None:
    good = next(r for r in pool if r.film is not None and r.film.awards)
    film = good.film
    assert film is not None
    long_film = attrs.evolve(film, runtime_minutes=2**40)  # a valid Film, not an int32
    assert is_valid(to_dict(long_film))
    unfit = [attrs.evolve(good, sha256="e" * 64, film=long_film,
                          record={**to_dict(long_film), "source": good.record["source"]})]  # type: ignore[index]  # fmt: skip
    agree(unfit)
    (row,) = tables_of(unfit, True)["problems"].to_pylist()
    assert row["section"] == "output"
    assert "runtime_minutes 1099511627776 does not fit" in row["message"]
    assert tables_of(unfit, True)["films"].num_rows == 0


def test_a_chunk_of_films_gives_the_rows_of_a_chunk_of_records(pool: list[PageResult]) -> None:
    jobs = [Job(page(r.path)) for r in pool[: len(pool) // 2]]
    for keep_record in (False, True):  # (a sink that needs the record too)
        also = {RECORD} if keep_record else set()
        by_film = convert_chunk(jobs, page_worker(None, needs=frozenset({FILM, ROWS, *also})),
                                keep_record=keep_record)  # fmt: skip
        by_record = convert_chunk(jobs, page_worker(None, needs=frozenset({RECORD, ROWS})),
                                  keep_record=keep_record)  # fmt: skip
        assert all(r.film is None for r in by_film)
        assert any(r.record is not None for r in by_film) == keep_record
        film_rows, record_rows = by_film[0].rows, by_record[0].rows
        assert film_rows is not None and record_rows is not None
        assert film_rows[0] == record_rows[0]  # the same IPC bytes and ends
        assert list(map(summary, by_film)) == list(map(summary, by_record))
    rows = chunk_rows([attrs.evolve(r, record=None) for r in pool])
    assert rows == chunk_rows(pool)  # chunk_rows takes the Film when there is one


@settings(max_examples=40, deadline=None)
@given(st.lists(films(), max_size=5))
def test_generated_films_give_the_same_tables(generated: list[filmparse.Film]) -> None:
    agree([with_film(film) for film in generated])


# --- hostile values: whatever a Film accepts, its export fits the schema and its tables agree ---

TEXT = st.text(st.sampled_from("aZ é,:-_ \t\n\r\u2028\x85\u00a0ǅİKß0!/@[`{~"), max_size=6)
WHOLE = st.none() | st.integers(-3, 3) | st.integers(2**31 - 2, 2**31 + 1) | st.integers(
    2**63 - 2, 2**63 + 1
)
NUMBER = st.none() | st.floats(-1, 11) | st.sampled_from([float("nan"), float("inf"), 10.0, -0.0])
CODES = st.sampled_from(["en", "fr", "xx", "EN", "e", "eng", "US", "us", "GB", "ZZ", " fr"])


def accepted(instance: Any, values: dict[str, Any]) -> Any:
    """`instance` with each of `values` that its validators accept, one by one."""
    for name, value in values.items():
        with contextlib.suppress(ValueError, TypeError):
            instance = attrs.evolve(instance, **{name: value})
    return instance


SAFE: dict[type, Any] = {
    Translation: Translation("English", "en", "US"),
    Availability: Availability("US", "United States"),
    Review: Review("a", None, "b"),
    DialogueLine: DialogueLine("a", "b"),
    Award: Award("Oscar", "won", "c", 1999, "n"),
    MediaItem: MediaItem("clip", "t"),
}
FIELDS: dict[type, dict[str, st.SearchStrategy[Any]]] = {
    Translation: {"language": TEXT, "language_code": CODES, "country_code": CODES,
                  "title": st.none() | TEXT, "tagline": st.none() | TEXT},
    Availability: {"country_code": CODES, "country_name": TEXT,
                   "offers": st.lists(st.sampled_from(["stream", "Rent", "ads", "x"]))},
    Review: {"author": TEXT, "rating": NUMBER, "content": TEXT},
    DialogueLine: {"speaker": TEXT, "text": TEXT},
    Award: {"ceremony": st.sampled_from(["Oscar", "oscar", "Emmy"]),
            "outcome": st.sampled_from(["won", "Nominated", "lost"]), "category": TEXT,
            "year": st.integers(990, 10001), "nominee": TEXT},
    MediaItem: {"kind": TEXT, "title": TEXT},
}  # fmt: skip


@st.composite
def hostile_entry(draw: st.DrawFn, cls: type) -> Any:
    return accepted(SAFE[cls], {name: draw(values) for name, values in FIELDS[cls].items()})


def entries(cls: type) -> st.SearchStrategy[list[Any]]:
    return st.lists(hostile_entry(cls), max_size=3)


@st.composite
def hostile_films(draw: st.DrawFn) -> filmparse.Film:
    """A Film holding every hostile value drawn that the models accept."""
    values = {
        "title": draw(st.none() | TEXT),
        "tagline": draw(st.none() | TEXT),
        "release_date": draw(st.none() | st.dates() | st.sampled_from(["2020-02-30", "1999-1-1"])),
        "runtime_minutes": draw(WHOLE),
        "genres": draw(st.lists(TEXT, max_size=3)),
        "status": draw(st.none() | TEXT),
        "overview": draw(st.none() | TEXT),
        "budget": draw(WHOLE),
        "revenue": draw(WHOLE),
        "vote_average": draw(NUMBER),
        "vote_count": draw(WHOLE),
        "popularity": draw(NUMBER),
        "original_language": draw(st.none() | CODES),
        "translations": draw(entries(Translation)),
        "availability": draw(entries(Availability)),
        "cast": draw(st.lists(TEXT, max_size=3)),
        "crew": draw(st.lists(TEXT, max_size=3)),
        "reviews": draw(entries(Review)),
        "dialogue": draw(entries(DialogueLine)),
        "awards": draw(entries(Award)),
        "media": draw(entries(MediaItem)),
        "extra_sections": draw(st.dictionaries(TEXT, st.lists(TEXT, max_size=2), max_size=2)),
    }
    film: filmparse.Film = accepted(filmparse.Film(title="t"), values)
    return film


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_films(), min_size=1, max_size=4))
def test_any_film_the_models_accept_has_an_export_the_schema_accepts(
    accepted_films: list[filmparse.Film],
) -> None:
    for film in accepted_films:
        export = {**to_dict(film), "source": {"path": "p.txt", "sha256": "0" * 64}}
        assert is_valid(export), list(schema_errors(export))
    agree([with_film(film) for film in accepted_films])


def test_a_film_at_the_columns_edges() -> None:
    edge = filmparse.Film(title="ǅ", runtime_minutes=2**31, budget=2**63 - 1, popularity=0.0,
                          release_date=dt.date(1, 1, 1), media=(MediaItem("ǅx", "t"),))  # fmt: skip
    assert is_valid(to_dict(edge))
    agree([with_film(edge)])
    assert tables_of([with_film(edge)], True)["problems"].num_rows == 1  # runtime beyond int32

