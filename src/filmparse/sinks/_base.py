"""What every sink shares: the result of one page, and the sink interface.

A sink receives results in input order and makes them durable all at once
(``commit``) or not at all (``abort``): a killed run never leaves half an
output.  Sinks that write in parts (Parquet, DuckDB batches, distributed
JSONL parts) commit each part atomically as it fills, and ``commit`` then
flushes the last one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

from attrs import frozen

from ..diagnostics import Diagnostic
from ..errors import FilmParseError
from ..sources import Page

#: What a sink may need each result to carry (``Sink.needs``).
TEXT, RECORD, ROWS = "text", "record", "rows"
#: Not a sink's: the engine asks the worker for each page's Film, to build table
#: rows from in the worker (``film`` below), never sent to the main process.
FILM = "film"


@frozen
class Rows:
    """The table rows of a chunk of pages, built in the worker that converted them.

    ``tables``: each table's rows (TABLE_NAMES order) as an Arrow IPC stream,
    pages in order, or as the Arrow table itself when the chunk was converted
    in the process that writes it (``-j 1``: no stream to write and read back);
    ``ends``: per table, the row each page's rows end at (page i's rows are
    ``ends[t][i-1]:ends[t][i]``).  Shared by the results of the chunk (pickle
    keeps the sharing), so a chunk crosses processes once.
    """

    tables: tuple[Any, ...]  # bytes or pyarrow.Table (pyarrow not imported here)
    ends: tuple[tuple[int, ...], ...]


@frozen
class PageResult:
    """What became of one page, as the engine hands it to the sinks.

    ``path``: the page as named by the run (``source.path``).
    ``sha256``: SHA-256 hex of the page's (decompressed) bytes, the tables'
    ``page_id``; None when the page could not be read.
    ``record``: the export (``to_dict`` plus ``source``), when a sink needs it.
    ``text``: the same export as JSON text ('\\n'-ended), when a sink needs it,
    as UTF-8 bytes: orjson writes bytes and the outputs write bytes, so it is
    never decoded to ``str`` (nor pickled back from the worker as one).
    ``error``: why the page failed (then ``record`` and ``text`` are None).
    ``diagnostics``: the warnings of a lenient parse.
    ``skipped``: already converted by an earlier run (resuming).
    ``rows``: the page's table rows, as (its chunk's Rows, its index there),
    when a sink needs them.
    ``film``: the page's Film, in the worker only (``FILM``): its table rows
    are built from it, and it is dropped before the result leaves the worker.
    """

    path: str
    sha256: str | None = None
    record: dict[str, Any] | None = None
    text: bytes | None = None
    error: FilmParseError | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    skipped: bool = False
    rows: tuple[Rows, int] | None = None
    film: Any = None  # a Film (models imports nothing from sinks, but keep _base light)

    @property
    def ok(self) -> bool:
        return self.error is None


@frozen
class Job:
    """One page for the worker, as the run's output planned it.

    ``output``: the file the worker writes the page's JSON text to (one file
    per page, written where the page is converted), or None.  ``kept``: the
    page is already converted (resuming); its earlier row (UTF-8 bytes), or
    b'' when it lives in a file.
    """

    page: Page
    output: str | None = None
    kept: bytes | None = None


class Sink(Protocol):
    """Where results go.  ``open`` before the first ``write``; then exactly
    one of ``commit`` (make everything written durable) or ``abort``
    (leave nothing of this run behind, but parts already committed)."""

    #: what the sink needs each result to carry: "text", "record", "rows"
    #: (empty for a sink whose work is done by the worker, per ``Job.output``).
    needs: frozenset[str]

    def open(self) -> None: ...

    def write(self, result: PageResult) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


@runtime_checkable
class Planner(Protocol):
    """A sink that decides what becomes of each page (one per run: the main output).

    ``plan`` maps the pages, in order and lazily, to jobs: which to convert,
    which were done by an earlier run (resuming), where the worker writes.
    Without a planner every page is converted and handed to the sinks.
    """

    def plan(self, pages: Iterable[Page]) -> Iterator[Job]: ...


@runtime_checkable
class Sweeper(Protocol):
    """A sink whose outputs an earlier, killed run may have left temporary files at."""

    def sweep(self) -> int:
        """Remove them; how many."""
        ...
