"""Rows built by the workers a chunk at a time: the same tables, the same Parquet
bytes, as rows built in one place from every page's export."""

from __future__ import annotations

import os
from pathlib import Path

import attrs
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filmparse._table_rows import Batch, chunk_rows
from filmparse._tables import TABLE_NAMES, TableBuilder
from filmparse.engine import convert_page, convert_pages, crashed_job, ordered_map, page_worker
from filmparse.engine._chunks import convert_chunk
from filmparse.sinks import Job, PageResult
from filmparse.sinks._base import RECORD, ROWS
from filmparse.sinks._duckdb import DuckDBSink
from filmparse.sinks._parquet import ParquetSink
from filmparse.sources import Page, find_pages
from test_tables import make_folder, read_duckdb, read_parquet

RECORDS = frozenset({RECORD})


def die(path: str, max_bytes: int | None) -> bytes:
    """A page reader that kills the worker process (as the OOM killer would)."""
    os._exit(1)


def page(path: str) -> Page:
    return Page(path, os.path.basename(path))


def pool_results(root: Path) -> list[PageResult]:
    """Good, bad, lenient (warnings, extra sections), duplicate and unreadable pages,
    and one whose value does not fit its column."""
    pages = [page(path) for path in make_folder(root)]
    results = [convert_page(Job(page), None, needs=RECORDS) for page in pages]
    results += [convert_page(Job(page), None, strict=False, needs=RECORDS) for page in pages]
    good = next(result for result in results if result.record is not None)
    assert good.record is not None
    unfit = {**good.record, "budget": 2**70}
    results.append(attrs.evolve(good, sha256="f" * 64, record=unfit))
    results.append(PageResult("kept.txt", skipped=True))
    return results


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[PageResult]:
    return pool_results(tmp_path_factory.mktemp("chunks"))


def as_chunks(results: list[PageResult], rowless: bool) -> list[PageResult]:
    """The results as the sinks get them: from a worker's chunk (rows, no record),
    or without rows (a page that killed its worker, the Python API)."""
    if rowless:
        return results
    rows = chunk_rows(results)
    return [attrs.evolve(r, record=None, rows=(rows, i)) for i, r in enumerate(results)]


def both(results: list[PageResult], cuts: list[tuple[int, bool]], flushes: set[int]) -> None:
    """Batch over chunked results == TableBuilder over the results, batch by batch."""
    builder, batch = TableBuilder(), Batch()
    start = 0
    chunked: list[PageResult] = []
    for end, rowless in [*cuts, (len(results), False)]:
        chunked += as_chunks(results[start:end], rowless)
        start = end
    for index, (plain, result) in enumerate(zip(results, chunked, strict=True)):
        if not plain.skipped:
            builder.add(plain)
            batch.add(result)
        if index in flushes or index == len(results) - 1:
            expected, got = builder.tables(), batch.tables()
            for name in TABLE_NAMES:
                assert got[name].equals(expected[name]), name


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_chunked_rows_are_the_rows_of_one_builder(
    pool: list[PageResult], data: st.DataObject
) -> None:
    picks = data.draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=40))
    results = [pool[pick] for pick in picks]  # repeats: the same page twice
    ends = data.draw(st.lists(st.integers(0, len(results)), max_size=6, unique=True))
    cuts = [(end, data.draw(st.booleans())) for end in sorted(ends)]
    flushes = set(data.draw(st.lists(st.integers(0, len(results) - 1), max_size=4)))
    both(results, cuts, flushes)


def test_every_kind_of_page_in_one_chunk_and_each_alone(pool: list[PageResult]) -> None:
    both(pool + pool, [], set())
    both(pool + pool, [(i, False) for i in range(1, 2 * len(pool))], set())


def test_a_chunk_keeps_the_record_only_when_asked(tmp_path: Path) -> None:
    jobs = [Job(page(path)) for path in make_folder(tmp_path)[:3]]
    work = page_worker(None, needs=frozenset({ROWS, RECORD}))
    lean = convert_chunk(jobs, work)
    full = convert_chunk(jobs, work, keep_record=True)
    assert all(r.record is None and r.rows is not None for r in lean)
    assert [r.record for r in full] == [convert_page(j, None, needs=RECORDS).record for j in jobs]
    assert lean[0].rows is not None and all(r.rows and r.rows[0] is lean[0].rows[0] for r in lean)


def times_ten(items: list[int]) -> list[int]:
    if 3 in items:
        os._exit(1)
    return [item * 10 for item in items]


@pytest.mark.parametrize("jobs", [1, 2])
def test_ordered_map_runs_whole_chunks(jobs: int) -> None:
    items = [n for n in range(20) if n != 3]  # 3 kills its process
    got = ordered_map(abs, items, jobs, crashed=lambda item: -item, chunk=4, whole=times_ten,
                      inline=lambda item: item % 7 == 0)  # fmt: skip
    assert list(got) == [n if n % 7 == 0 else n * 10 for n in items]


def test_a_chunk_that_kills_its_worker_costs_only_that_item() -> None:
    got = ordered_map(abs, range(12), 2, crashed=lambda item: -item, chunk=4, whole=times_ten)
    assert list(got) == [0, 10, 20, -3, 40, 50, 60, 70, 80, 90, 100, 110]


def table_sink(kind: str, out: Path) -> ParquetSink | DuckDBSink:
    if kind == "parquet":
        return ParquetSink(out, pages_per_part=7, batch_pages=3)
    return DuckDBSink(out, batch_pages=5)


def convert_to(kind: str, out: Path, pages: list[Page], jobs: int) -> list[PageResult]:
    sink = table_sink(kind, out)
    sink.open()
    results = list(convert_pages(pages, [sink], jobs=jobs, total=len(pages)))
    sink.commit()
    return results


def write_to(kind: str, out: Path, results: list[PageResult]) -> None:
    sink = table_sink(kind, out)
    sink.open()
    for result in results:
        sink.write(result)
    sink.commit()


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.parquet"))}


@pytest.mark.parametrize("jobs", [1, 2])
def test_engine_parquet_is_byte_for_byte_the_api_parquet(tmp_path: Path, jobs: int) -> None:
    pages = list(find_pages(make_folder(tmp_path)[:-1])) * 2  # every page twice: duplicates
    results = convert_to("parquet", tmp_path / "engine", pages, jobs)
    assert all(r.rows is not None and r.record is None for r in results)
    api = ParquetSink(tmp_path / "api", pages_per_part=7, batch_pages=3)
    api.open()
    for each in pages:
        api.write(convert_page(Job(each), None, needs=RECORDS))
    api.commit()
    assert file_bytes(tmp_path / "engine") == file_bytes(tmp_path / "api")


@pytest.mark.parametrize("kind", ["parquet", "duckdb"])
def test_a_page_that_kills_its_worker_is_a_problems_row(tmp_path: Path, kind: str) -> None:
    good = list(find_pages(make_folder(tmp_path)[:-1]))
    pages = [*good[:5], Page(str(tmp_path / "die.txt"), "die", reader=die), *good[5:]]
    out = tmp_path / ("out" if kind == "parquet" else "out.duckdb")
    results = convert_to(kind, out, pages, 2)
    assert [r.path for r in results] == [p.path for p in pages]
    got = read_parquet(out) if kind == "parquet" else read_duckdb(out)
    died = [row for row in got["problems"].to_pylist() if row["section"] == "worker"]
    assert [(row["source_path"], row["page_id"]) for row in died] == [
        (str(tmp_path / "die.txt"), None)
    ]
    # The same rows as the same sink given every page's export, the dead one's error.
    plain = [crashed_job(Job(p)) if p.reader is die else convert_page(Job(p), None, needs=RECORDS)
             for p in pages]  # fmt: skip
    write_to(kind, tmp_path / f"api-{out.name}", plain)
    api = (read_parquet if kind == "parquet" else read_duckdb)(tmp_path / f"api-{out.name}")
    for name in TABLE_NAMES:
        assert sorted_rows(got[name]) == sorted_rows(api[name]), name
    assert got["films"].num_rows > 0


def sorted_rows(table: pa.Table) -> list[str]:
    return sorted(map(repr, table.to_pylist()))
