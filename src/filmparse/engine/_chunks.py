"""The worker's side of the table outputs: a chunk of pages in, their results
and their table rows out.

Built here, on every core, the rows cross to the main process as one Arrow
IPC stream per table for the whole chunk (see ``_table_rows``), instead of an
export dict per page for the main process to unpickle and convert.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import partial

import attrs

from ..sinks._base import RECORD, ROWS, TEXT, Job, PageResult
from ..sources import DEFAULT_MAX_BYTES
from ._worker import convert_page

MOST_PAGES = 32  # pages per chunk: the Arrow overhead of a chunk spread over enough pages


def convert_chunk(
    jobs: list[Job],
    indent: int | None,
    *,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    needs: frozenset[str] = frozenset({ROWS}),
    require_sections: bool = False,
    fail_on: Collection[str] = frozenset(),
) -> list[PageResult]:
    """convert_page for each job, each result carrying its rows (the chunk's
    Rows, shared, and its index there); the record only if `needs` has it too."""
    from .._table_rows import chunk_rows  # pyarrow: loaded by the workers that need it

    wanted = needs | {RECORD}
    convert = partial(convert_page, indent=indent, strict=strict, max_bytes=max_bytes,
                      needs=wanted, require_sections=require_sections, fail_on=fail_on)  # fmt: skip
    results = [convert(job) for job in jobs]
    rows = chunk_rows(results)
    keep = RECORD in needs
    return [
        attrs.evolve(result, record=result.record if keep else None, rows=(rows, index))
        for index, result in enumerate(results)
    ]


def chunk_worker(
    indent: int | None,
    *,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    needs: frozenset[str] = frozenset({TEXT, ROWS}),
    require_sections: bool = False,
    fail_on: Collection[str] = frozenset(),
) -> Callable[[list[Job]], list[PageResult]]:
    """The picklable chunk function of `convert` when a sink needs rows (the
    settings as for ``page_worker``)."""
    return partial(
        convert_chunk,
        indent=indent,
        needs=needs,
        strict=strict,
        max_bytes=max_bytes,
        require_sections=require_sections,
        fail_on=frozenset(fail_on),
    )
