"""Table rows built where pages are converted, and put together where they are written.

A worker turns the results of its chunk of pages into Arrow tables
(``chunk_rows``: one IPC stream per table, and where each page's rows end), so
the main process neither unpickles export dicts nor converts them: a
``Batch`` only slices the chunks' tables per page and concatenates them.
Converted in the writing process (``-j 1``), a chunk keeps its tables as they
are: the same rows, without the IPC stream written and read back.
Results without rows (the Python API's, a page that killed its worker) are
built here, from their records, in the same order.

A page's bytes enter ``films`` once per output: the worker leaves out copies
within its chunk, the Batch those of earlier chunks (``seen``), each copy a
warning row in ``problems`` instead, as one TableBuilder over every page would.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

import pyarrow as pa

from ._tables import TABLE_NAMES, TableBuilder, decoded_ids, digest, duplicate_row, to_table
from .sinks._base import PageResult, Rows

_FILMS, _PROBLEMS = TABLE_NAMES.index("films"), TABLE_NAMES.index("problems")


class ChunkRows:
    """The rows of a chunk's results, added one by one as the worker converts
    them (so that a result may drop its export at once), then ``rows()``."""

    def __init__(self) -> None:
        self._builder = TableBuilder()

    def add(self, result: PageResult) -> None:
        builder = self._builder
        if not result.skipped:
            builder.add(result, result.film)
        else:  # no rows: it ends where the page before did
            builder.ends.append(builder.ends[-1] if builder.ends else (0,) * len(TABLE_NAMES))

    def rows(self, *, streams: bool = True) -> Rows:
        """Every table's rows so far, as Rows; then they are forgotten.

        `streams`: each table as Arrow IPC bytes, to cross to another process;
        else the tables themselves, for this process's sinks (``-j 1``)."""
        ends = self._builder.ends
        by_table = tuple(zip(*ends, strict=True)) if ends else ((),) * len(TABLE_NAMES)
        tables = self._builder.tables(encoded_ids=True)
        ordered = (tables[name] for name in TABLE_NAMES)
        return Rows(tuple(map(_ipc, ordered) if streams else ordered), by_table)


def chunk_rows(results: Iterable[PageResult], *, streams: bool = True) -> Rows:
    """The rows of every table for `results` (skipped ones have none)."""
    chunk = ChunkRows()
    for result in results:
        chunk.add(result)
    return chunk.rows(streams=streams)


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


# A piece of one table in a batch: rows [first, first + count) of table number
# `table` of a chunk's Rows (decoded by ``assemble``), or a table built already.
Piece: TypeAlias = "tuple[Rows, int, int, int] | pa.Table"


class Batch:
    """The rows of a batch of pages, in page order, ready as one table each.

    ``seen`` (page-id digests) is the output's: shared between batches, it keeps
    a page from entering ``films`` twice.  ``take`` is cheap (references to the
    chunks' rows, which stay encoded); ``assemble`` does the Arrow work, so a
    sink may run it on another thread (pyarrow releases the GIL meanwhile).
    """

    def __init__(self, seen: set[int] | None = None) -> None:
        self.seen: set[int] = set() if seen is None else seen
        self._built = TableBuilder(self.seen)  # results that come without rows
        self._run: tuple[Rows, int, int] | None = None  # pages [start, end) of one chunk
        self._clear()

    def _clear(self) -> None:
        self.pages = 0
        self._pieces: list[list[Piece]] = [[] for _ in TABLE_NAMES]

    def add(self, result: PageResult) -> None:
        self.pages += 1
        if result.rows is None:
            self._end_run()
            self._built.add(result)
            return
        self._end_built()
        rows, index = result.rows
        films = rows.ends[_FILMS]
        in_films = films[index] > (films[index - 1] if index else 0)
        if in_films and result.sha256 is not None:
            key = digest(result.sha256)
            if key in self.seen:  # its warnings, then why it is left out
                self._end_run()
                self._slice(rows, index, index + 1, (_PROBLEMS,))
                self._pieces[_PROBLEMS].append(to_table("problems", [duplicate_row(result)]))
                return
            self.seen.add(key)
        run = self._run
        if run is not None and run[0] is rows and run[2] == index:
            self._run = (rows, run[1], index + 1)
        else:
            self._end_run()
            self._run = (rows, index, index + 1)

    def _end_run(self) -> None:
        if self._run is not None:
            self._slice(*self._run, range(len(TABLE_NAMES)))
            self._run = None

    def _end_built(self) -> None:
        if self._built.pages:
            for pieces, table in zip(self._pieces, self._built.tables().values(), strict=True):
                pieces.append(table)

    def _slice(self, rows: Rows, start: int, end: int, tables: Iterable[int]) -> None:
        for number in tables:
            ends = rows.ends[number]
            first = ends[start - 1] if start else 0
            if ends[end - 1] > first:
                self._pieces[number].append((rows, number, first, ends[end - 1] - first))

    def take(self) -> list[list[Piece]]:
        """The batch's pieces, per table (TABLE_NAMES order), for ``assemble``;
        then the batch is forgotten."""
        self._end_run()
        self._end_built()
        pieces = self._pieces
        self._clear()
        return pieces

    def tables(self) -> dict[str, pa.Table]:
        """Every table (empty ones too), each in one chunk; then the batch is forgotten."""
        return assemble(self.take())


def assemble(pieces: list[list[Piece]]) -> dict[str, pa.Table]:
    """Every table of a batch's pieces (``Batch.take``), each in one chunk.

    Touches nothing shared: safe on another thread than the Batch's."""
    decoded: dict[tuple[int, int], pa.Table] = {}  # (id of its Rows, table number)
    keep: list[Rows] = []  # the Rows decoded, alive while their ids are keys

    def piece(item: Piece) -> pa.Table:
        if isinstance(item, pa.Table):
            return item
        rows, number, first, count = item
        key = (id(rows), number)
        if key not in decoded:
            keep.append(rows)
            table = rows.tables[number]
            if not isinstance(table, pa.Table):
                table = pa.ipc.open_stream(table).read_all()
            decoded[key] = decoded_ids(TABLE_NAMES[number], table)
        return decoded[key].slice(first, count)

    return {
        name: pa.concat_tables(list(map(piece, items))).combine_chunks()
        if items
        else to_table(name, [])
        for name, items in zip(TABLE_NAMES, pieces, strict=True)
    }
