"""The worker's side of the table outputs: a chunk of pages in, their results
and their table rows out.

Built here, on every core, the rows cross to the main process as one Arrow
IPC stream per table for the whole chunk (see ``_table_rows``), instead of an
export dict per page for the main process to unpickle and convert.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ..sinks._base import Job, PageResult

MOST_PAGES = 32  # pages per chunk: the Arrow overhead of a chunk spread over enough pages


def convert_chunk(
    jobs: list[Job],
    convert: Callable[[Job], PageResult],
    *,
    keep_record: bool = False,
    streams: bool = True,
) -> list[PageResult]:
    """`convert` (a ``page_worker`` whose needs include the Film or the record) for each
    job, each result carrying its rows (the chunk's Rows, shared, and its index
    there); the record only if `keep_record`.  `streams`: the rows as Arrow
    IPC bytes, to cross processes; False for a chunk converted where it is
    written (``-j 1``), which keeps the tables."""
    from .._table_rows import ChunkRows  # pyarrow: loaded by the workers that need it

    chunk = ChunkRows()
    kept: list[dict[str, Any]] = []
    for job in jobs:
        result = convert(job)
        chunk.add(result)
        # Only the fields kept, not the result: its Film or export dropped now, not
        # after the chunk (32 exports held meanwhile, ~1,000 dicts each, kept the
        # cyclic collector busy: ~0.2-0.5 ms a page, in-process).
        kept.append({"path": result.path, "sha256": result.sha256,
                     "record": result.record if keep_record else None, "text": result.text,
                     "error": result.error, "diagnostics": result.diagnostics,
                     "skipped": result.skipped})  # fmt: skip
    rows = chunk.rows(streams=streams)
    # One PageResult a page, made here (attrs.evolve twice cost ~3 us a page).
    return [PageResult(**fields, rows=(rows, index)) for index, fields in enumerate(kept)]


def chunk_worker(
    convert: Callable[[Job], PageResult], *, keep_record: bool = False, streams: bool = True
) -> Callable[[list[Job]], list[PageResult]]:
    """The picklable chunk function of `convert` when a sink needs rows."""
    return partial(convert_chunk, convert=convert, keep_record=keep_record, streams=streams)
