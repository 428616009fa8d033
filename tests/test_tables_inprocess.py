"""Rows of chunks converted in the writing process (``-j 1``) stay Arrow tables,
with no IPC stream: the same tables, and the same files, as rows that crossed
from a worker."""

from __future__ import annotations

from pathlib import Path

import attrs
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filmparse._table_rows import Batch, chunk_rows
from filmparse._tables import TABLE_NAMES, TableBuilder
from filmparse.sinks import PageResult
from filmparse.sources import find_pages
from test_tables import make_folder, read_duckdb
from test_tables_chunks import convert_to, file_bytes, pool_results


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[PageResult]:
    return pool_results(tmp_path_factory.mktemp("inprocess"))


def chunked(results: list[PageResult], cuts: list[int], streams: bool) -> list[PageResult]:
    """The results in chunks ending at `cuts`, each result with its chunk's rows."""
    out: list[PageResult] = []
    for start, end in zip([0, *cuts], [*cuts, len(results)], strict=True):
        part = results[start:end]
        if part:
            rows = chunk_rows(part, streams=streams)
            out += [attrs.evolve(r, record=None, rows=(rows, i)) for i, r in enumerate(part)]
    return out


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_tables_of_in_process_rows_are_those_of_streamed_rows(
    pool: list[PageResult], data: st.DataObject
) -> None:
    picks = data.draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=40))
    results = [pool[pick] for pick in picks]  # repeats: the same page twice
    cuts = sorted(data.draw(st.lists(st.integers(1, len(results)), max_size=5, unique=True)))
    flushes = set(data.draw(st.lists(st.integers(0, len(results) - 1), max_size=4)))
    kept, streamed = chunked(results, cuts, False), chunked(results, cuts, True)
    assert all(isinstance(t, pa.Table) for r in kept if r.rows for t in r.rows[0].tables)
    assert all(isinstance(t, bytes) for r in streamed if r.rows for t in r.rows[0].tables)
    builder, by_tables, by_streams = TableBuilder(), Batch(), Batch()
    for index, (plain, one, other) in enumerate(zip(results, kept, streamed, strict=True)):
        if not plain.skipped:
            builder.add(plain)
            by_tables.add(one)
            by_streams.add(other)
        if index in flushes or index == len(results) - 1:
            expected, got, crossed = builder.tables(), by_tables.tables(), by_streams.tables()
            for name in TABLE_NAMES:
                assert got[name].equals(crossed[name]), name
                assert got[name].equals(expected[name]), name
                assert got[name].schema.equals(expected[name].schema), name


@pytest.mark.parametrize("kind", ["parquet", "duckdb"])
def test_one_job_writes_what_two_jobs_write(tmp_path: Path, kind: str) -> None:
    pages = list(find_pages(make_folder(tmp_path)[:-1])) * 2  # every page twice: duplicates
    out = {jobs: tmp_path / f"j{jobs}{'' if kind == 'parquet' else '.duckdb'}" for jobs in (1, 2)}
    one, two = (convert_to(kind, out[jobs], pages, jobs) for jobs in (1, 2))
    assert [r.rows is not None and isinstance(r.rows[0].tables[0], pa.Table) for r in one] == [
        not r.skipped for r in one
    ]
    assert all(r.rows is not None and isinstance(r.rows[0].tables[0], bytes) for r in two)
    assert [(r.path, r.sha256, r.ok) for r in one] == [(r.path, r.sha256, r.ok) for r in two]
    if kind == "parquet":
        assert file_bytes(out[1]) == file_bytes(out[2]) and file_bytes(out[1])
    else:
        first, second = read_duckdb(out[1]), read_duckdb(out[2])
        for name in TABLE_NAMES:
            assert first[name].equals(second[name]), name
