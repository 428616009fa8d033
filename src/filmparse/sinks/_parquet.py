"""Parquet output: ``DIR/<table>/part-NNNNN.parquet`` (zstd), whole parts only.

A part holds the same pages in every table.  Its files are written under
temporary names (atomic.py's convention) and renamed into place, ``films``
last: a part is complete when every table has its file, and a killed run
leaves at most temporary files and an incomplete part, both removed by the
next run into DIR.  Resuming (``skip_existing``) keeps the complete parts,
skips their pages (``done_paths``) and numbers new parts after the highest, so
it ends with exactly the rows of an uninterrupted run.

Memory stays flat: rows are held for ``batch_pages`` pages at a time and
written as one row group of the part being filled, at most ``IN_FLIGHT``
batches behind.  The rows come built by the workers (``needs`` rows: see
_table_rows); results without them (the Python API's) are built here.

One background thread does the Arrow and Parquet work of the batches (decode,
concatenate, encode, compress, close, rename), in order: pyarrow releases the
GIL meanwhile, so with ``-j 1`` (pages converted in this process) it runs on
another core.  Its errors surface at the next ``write`` or at ``commit``.
"""

from __future__ import annotations

import io
import os
import re
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from typing import Any

from .._extras import MissingExtraError

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError as exc:  # pragma: no cover - exercised by making the import fail
    raise MissingExtraError("pyarrow", "parquet", "Parquet output") from exc

from .._table_inputs import as_result
from .._table_rows import Batch, Piece, assemble
from .._tables import SCHEMAS, TABLE_NAMES, TableBuilder, digest
from ..atomic import _open_temp, sweep_temps
from ._base import ROWS, PageResult

COMPRESSION = "zstd"


def _options(name: str) -> dict[str, Any]:
    """The writer options of table `name`: min/max statistics for the numbers and
    dates only.  Those of text cost a fifth of the encoding (73 -> 58 us a page)
    and 15% of the bytes, and prune nothing here: page ids are hashes, and
    a row group holds 256 pages of unsorted names and free text."""
    numeric = [field.name for field in SCHEMAS[name] if not _is_text(field.type)]
    return {"compression": COMPRESSION, "write_statistics": numeric}


def _is_text(arrow_type: pa.DataType) -> bool:
    return bool(pa.types.is_string(arrow_type) or pa.types.is_list(arrow_type))


# ~2 kB a page of zstd Parquet (the reference page, all tables): parts of ~40 MB.
DEFAULT_PAGES_PER_PART = 20_000
# Pages held in memory (~8 MB of Arrow rows), written as one row group.  A row
# group costs the encoder a fixed ~1.2 ms (a column chunk and a zstd stream per
# column, 60 of them): the sink's CPU a page, 2,000 generated pages in one
# process, 100 pages 89 us, 256 pages 59 us, 400 pages 56 us; 10,000 pages
# `-j 2`: 898, 745, 714 bytes a page, peak RSS 177, 201, 226 MB.
BATCH_PAGES = 256
IN_FLIGHT = 1  # batches handed to the writing thread and not written yet, at most
_PART = re.compile(r"^part-([0-9]{5,})\.parquet$")
# Renamed in this order: films last, so a part with its films file is whole.
WRITE_ORDER = (*(name for name in TABLE_NAMES if name != "films"), "films")


class DatasetExistsError(FileExistsError):
    """The folder already holds parts and the run was not asked to resume."""


def part_name(part: int) -> str:
    return f"part-{part:05d}.parquet"


def _part_numbers(folder: str, table: str) -> set[int]:
    try:
        names = os.listdir(os.path.join(folder, table))
    except (FileNotFoundError, NotADirectoryError):
        return set()
    return {int(match.group(1)) for match in map(_PART.match, names) if match}


def parts(folder: str | os.PathLike[str]) -> tuple[list[int], list[int]]:
    """(complete, incomplete) part numbers in `folder`, each sorted."""
    found = [_part_numbers(os.fspath(folder), table) for table in TABLE_NAMES]
    complete = set.intersection(*found)
    return sorted(complete), sorted(set.union(*found) - complete)


def clean(folder: str | os.PathLike[str]) -> int:
    """Remove what a killed run left in `folder` (temporary files, incomplete
    parts); how many files."""
    folder = os.fspath(folder)
    removed = sweep_temps(folder, recursive=True)
    for part in parts(folder)[1]:
        for table in TABLE_NAMES:
            with suppress(FileNotFoundError):
                os.unlink(os.path.join(folder, table, part_name(part)))
                removed += 1
    return removed


def _done_columns(
    folder: str, column: str, tables: tuple[str, ...] = ("films", "problems")
) -> Iterable[Any]:
    for part in parts(folder)[0]:
        for table in tables:  # every page written has a row in films or problems
            path = os.path.join(folder, table, part_name(part))
            yield from pq.read_table(path, columns=[column]).column(column).to_pylist()


def done_paths(folder: str | os.PathLike[str]) -> set[str]:
    """The source paths of the pages in the complete parts of `folder`: what a
    resumed run skips (failed pages too: their problems rows are written)."""
    return {path for path in _done_columns(os.fspath(folder), "source_path") if path}


class ParquetSink:
    """The Parquet dataset sink (see the module docstring)."""

    needs = frozenset({ROWS})

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        pages_per_part: int = DEFAULT_PAGES_PER_PART,
        skip_existing: bool = False,
        batch_pages: int = BATCH_PAGES,
    ) -> None:
        if pages_per_part < 1 or batch_pages < 1:
            raise ValueError("pages_per_part and batch_pages must be at least 1")
        self.folder = os.fspath(folder)
        self.pages_per_part = pages_per_part
        self.batch_pages = min(batch_pages, pages_per_part)
        self.skip_existing = skip_existing
        self.parts_written: list[int] = []
        # The writing thread's alone (abort's once the thread is idle).
        self._writers: dict[str, tuple[pq.ParquetWriter, str]] = {}
        self._part_pages = 0
        self._parts = 0  # parts this run handed to the thread (parts_written: written)
        self._thread: ThreadPoolExecutor | None = None
        self._pending: deque[Future[None]] = deque()

    def open(self) -> None:
        os.makedirs(self.folder, exist_ok=True)
        clean(self.folder)
        complete = parts(self.folder)[0]
        if complete and not self.skip_existing:
            raise DatasetExistsError(
                f"{self.folder} already holds a Parquet dataset ({len(complete)} parts): "
                "resume it (skip existing pages) or choose an empty folder"
            )
        ids = _done_columns(self.folder, "page_id", ("films",))
        seen = {digest(page_id) for page_id in ids}
        self._builder = Batch(seen)
        self._had_parts = bool(complete)
        self._next = complete[-1] + 1 if complete else 0
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="filmparse-parquet")

    def write(self, result: PageResult) -> None:
        if result.skipped:
            return
        self._builder.add(result)
        self._part_pages += 1
        if self._builder.pages >= self.batch_pages:
            self._flush()
        if self._part_pages >= self.pages_per_part:
            self._finish_part()

    def commit(self) -> None:
        """Write the last part (an empty one if the dataset would have none)."""
        if self._part_pages or not (self._had_parts or self._parts):
            self._finish_part()
        try:
            self._wait(0)
        finally:
            self._stop()

    def abort(self) -> None:
        with suppress(Exception):
            self._wait(0)  # the thread idle: its writers are this thread's now
        self._stop()
        for writer, temp in self._writers.values():
            with suppress(Exception):
                writer.close()
            with suppress(FileNotFoundError):
                os.unlink(temp)
        self._writers = {}

    def _submit(self, task: Callable[..., None], *args: object) -> None:
        if self._thread is None:
            raise RuntimeError("open() first")
        self._pending.append(self._thread.submit(task, *args))
        self._wait(IN_FLIGHT)

    def _wait(self, most: int) -> None:
        """Until at most `most` tasks are pending (failed ones raise: the first)."""
        pending = self._pending
        while len(pending) > most or (pending and pending[0].done()):
            pending.popleft().result()

    def _stop(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=True)
            self._thread = None
        self._pending.clear()

    def _flush(self) -> None:
        self._submit(self._write_batch, self._next, self._builder.take())

    def _finish_part(self) -> None:
        self._flush()
        self._submit(self._close_part, self._next)
        self._next += 1
        self._parts += 1
        self._part_pages = 0

    # --- on the writing thread ---------------------------------------------------------

    def _write_batch(self, part: int, pieces: list[list[Piece]]) -> None:
        tables = assemble(pieces)
        pieces.clear()  # the chunks' streams, freed before encoding (the task holds the list)
        if not self._writers:
            for name in TABLE_NAMES:
                target = os.path.join(self.folder, name, part_name(part))
                fd, temp = _open_temp(target)  # claims a fresh temporary name
                os.close(fd)
                writer = pq.ParquetWriter(temp, SCHEMAS[name], **_options(name))
                self._writers[name] = (writer, temp)
        for name in TABLE_NAMES:  # each table freed once written
            self._writers[name][0].write_table(tables.pop(name))

    def _close_part(self, part: int) -> None:
        for writer, _ in self._writers.values():
            writer.close()
        for name in WRITE_ORDER:
            os.replace(self._writers[name][1], os.path.join(self.folder, name, part_name(part)))
        self._writers = {}
        self.parts_written.append(part)


def _table_bytes(name: str, table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **_options(name))
    return buffer.getvalue()


def write_part(
    results: Iterable[object],
    destination: str,
    part: int,
    *,
    storage_options: dict[str, Any] | None = None,
    rows: dict[str, int] | None = None,
) -> int:
    """Write part number `part` of every table for `results` under `destination`
    (a folder or an fsspec URL such as ``s3://bucket/films``, opened with
    `storage_options`); the number of pages.  `rows`, if given, receives each
    table's row count.

    Each file is atomic: temporary name + rename on a local file system, one
    PUT (``fs.pipe``) on an object store; ``films`` goes last, so the part is
    complete once it is there.  For the distributed engine (``part`` =
    partition index).  Duplicate pages are left out within the part only.
    """
    builder = TableBuilder()
    for item in results:
        result = as_result(item)
        if not result.skipped:
            builder.add(result)
    pages = builder.pages
    tables = builder.tables()
    if rows is not None:
        rows.update((name, table.num_rows) for name, table in tables.items())
    local = destination.removeprefix("file://")
    if "://" not in local:
        for name in WRITE_ORDER:
            target = os.path.join(local, name, part_name(part))
            fd, temp = _open_temp(target)
            try:
                with open(fd, "wb") as handle:
                    handle.write(_table_bytes(name, tables[name]))
                os.replace(temp, target)
            except BaseException:
                with suppress(FileNotFoundError):
                    os.unlink(temp)
                raise
        return pages
    try:
        import fsspec
    except ImportError as exc:
        raise MissingExtraError("fsspec", "parquet", "Parquet output to a URL") from exc
    filesystem, root = fsspec.core.url_to_fs(destination, **(storage_options or {}))
    for name in WRITE_ORDER:
        filesystem.pipe(
            f"{root.rstrip('/')}/{name}/{part_name(part)}", _table_bytes(name, tables[name])
        )
    return pages
