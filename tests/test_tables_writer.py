"""The Parquet sink's writing thread: its failures reach the run, an abort leaves
nothing behind, the backlog stays bounded, and the files are those of a sink
that writes each batch before taking the next page."""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from filmparse._tables import TABLE_NAMES
from filmparse.sinks import PageResult
from filmparse.sinks._parquet import IN_FLIGHT, ParquetSink, parts
from test_tables_chunks import as_chunks, file_bytes, pool_results


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[PageResult]:
    return as_chunks(pool_results(tmp_path_factory.mktemp("writer")), rowless=False)


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def feed(sink: ParquetSink, results: list[PageResult]) -> None:
    for result in results:
        sink.write(result)
    sink.commit()


def write_all(folder: Path, results: list[PageResult]) -> ParquetSink:
    sink = ParquetSink(folder, pages_per_part=5, batch_pages=2)
    sink.open()
    for result in results:
        sink.write(result)
    sink.commit()
    return sink


def test_a_failed_write_on_the_thread_fails_the_run_and_abort_leaves_nothing(
    tmp_path: Path, pool: list[PageResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0

    def failing(self: pq.ParquetWriter, table: Any, *args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", failing)
    sink = ParquetSink(tmp_path / "out", pages_per_part=5, batch_pages=2)
    sink.open()
    with pytest.raises(OSError, match="No space left"):  # at a later write, or at commit
        feed(sink, pool * 3)
    sink.abort()
    assert calls >= 1
    assert leftovers(tmp_path / "out") == []


def test_a_failed_part_keeps_the_parts_before_it(
    tmp_path: Path, pool: list[PageResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pq.ParquetWriter.close
    closed = 0

    def close_then_fail(self: pq.ParquetWriter) -> None:
        nonlocal closed
        real(self)
        closed += 1
        if closed > 11:  # every table's file of the first part, then the second fails
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(pq.ParquetWriter, "close", close_then_fail)
    sink = ParquetSink(tmp_path / "out", pages_per_part=5, batch_pages=2)
    sink.open()
    with pytest.raises(OSError, match="Input/output"):
        feed(sink, pool * 3)
    sink.abort()
    assert parts(tmp_path / "out") == ([0], [])
    first = sorted(f"{name}/part-00000.parquet" for name in TABLE_NAMES)
    assert leftovers(tmp_path / "out") == first


def test_the_backlog_stays_bounded(
    tmp_path: Path, pool: list[PageResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = threading.Event()  # never set: each batch waits a little, the writes go on
    real = ParquetSink._write_batch
    backlog: list[int] = []

    def write_slowly(self: ParquetSink, part: int, pieces: Any) -> None:
        slow.wait(0.01)
        real(self, part, pieces)

    monkeypatch.setattr(ParquetSink, "_write_batch", write_slowly)
    sink = ParquetSink(tmp_path / "out", pages_per_part=5, batch_pages=1)
    sink.open()
    for result in pool:
        sink.write(result)
        backlog.append(len(sink._pending))
    sink.commit()
    assert max(backlog) <= IN_FLIGHT
    assert sink.parts_written == list(range(len(sink.parts_written))) and sink.parts_written


def test_threaded_parts_are_the_bytes_of_written_batches(
    tmp_path: Path, pool: list[PageResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    threaded = write_all(tmp_path / "threaded", pool * 2)
    monkeypatch.setattr("filmparse.sinks._parquet.IN_FLIGHT", 0)  # each batch written at once
    inline = write_all(tmp_path / "inline", pool * 2)
    assert threaded.parts_written == inline.parts_written
    assert file_bytes(tmp_path / "threaded") == file_bytes(tmp_path / "inline")


def test_statistics_only_for_numbers_and_dates(tmp_path: Path, pool: list[PageResult]) -> None:
    write_all(tmp_path / "out", pool)
    for name in TABLE_NAMES:
        meta = pq.read_metadata(tmp_path / "out" / name / "part-00000.parquet")
        if not meta.num_rows:
            continue
        group = meta.row_group(0)
        for number in range(group.num_columns):
            column = group.column(number)
            numeric = column.physical_type in ("INT32", "INT64", "DOUBLE")
            assert column.is_stats_set == numeric, (name, column.path_in_schema)
            assert column.compression == "ZSTD"


WRITE_PICKLED = """
import pickle, sys
from filmparse.sinks._parquet import ParquetSink
sink = ParquetSink(sys.argv[1], pages_per_part=5, batch_pages=2)
sink.open()
with open(sys.argv[2], "rb") as handle:
    for result in pickle.load(handle):
        sink.write(result)
sink.commit()
print("pandas" in sys.modules, len(sink.parts_written))
"""


def test_writing_the_workers_rows_imports_no_pandas(tmp_path: Path, pool: list[PageResult]) -> None:
    """pyarrow's first ``pa.array`` imports pandas (~0.2 s, ~45 MB): the main process of
    a run with workers (rows from one chunk: no duplicate left to cut out) builds none."""
    results = tmp_path / "results.pickle"
    results.write_bytes(pickle.dumps(pool))
    command = [sys.executable, "-c", WRITE_PICKLED, str(tmp_path / "out"), str(results)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", str(len(parts(tmp_path / "out")[0]))]
    assert len(parts(tmp_path / "out")[0]) > 1
