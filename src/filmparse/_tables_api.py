"""The table outputs' Python API, importable without pyarrow or duckdb.

The heavy modules are imported on first use, so ``import filmparse`` stays
light and a missing extra is a MissingExtraError naming it
(``pip install 'filmparse[parquet]'``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sinks._base import PageResult, Sink


def tables(results: Iterable[object]) -> dict[str, Any]:
    """Every table of `results` as a ``dict[str, pyarrow.Table]`` (empty tables too).

    `results` may hold what ``parse_many`` yields (``(path, Film)`` and
    ``(path, FilmParseError)`` pairs: each page is read again for its SHA-256,
    the ``page_id``), PageResults, or plain Films (no page bytes: their
    ``page_id`` is the SHA-256 of ``to_json(film, indent=None)`` and their
    ``source_path`` is null).
    """
    from ._table_inputs import tables as build

    return build(results)


def table_schemas() -> str:
    """The Arrow schema of every table, printable (``filmparse schema --tables``)."""
    from ._tables import schemas_text

    return schemas_text()


def _run(sink: Sink, results: Iterable[object], skip: set[str] | None = None) -> int:
    from ._table_inputs import as_result

    written = 0
    sink.open()
    try:
        for item in results:
            result: PageResult = as_result(item)
            if skip is not None and result.path in skip:
                continue
            sink.write(result)
            written += not result.skipped
    except BaseException:
        sink.abort()
        raise
    sink.commit()
    return written


def write_parquet(
    results: Iterable[object],
    folder: str | os.PathLike[str],
    *,
    pages_per_part: int | None = None,
    skip_existing: bool = False,
) -> int:
    """Stream `results` (as for ``tables``) to ``folder/<table>/part-NNNNN.parquet``
    (zstd, whole parts only); the number of pages written.

    ``skip_existing=True`` resumes an earlier run into `folder`: the pages of
    its complete parts are left out (filter your paths with
    ``parquet_done_paths(folder)`` first to save parsing them).  Without it a
    folder that already holds parts is refused (DatasetExistsError).
    """
    from .sinks._parquet import DEFAULT_PAGES_PER_PART, ParquetSink, done_paths

    sink = ParquetSink(
        folder,
        pages_per_part=pages_per_part or DEFAULT_PAGES_PER_PART,
        skip_existing=skip_existing,
    )
    skip = done_paths(folder) if skip_existing else None
    return _run(sink, results, skip)


def parquet_done_paths(folder: str | os.PathLike[str]) -> set[str]:
    """The pages (source paths) in the complete parts of a Parquet output."""
    from .sinks._parquet import done_paths

    return done_paths(folder)


def write_parquet_part(results: Iterable[object], destination: str, part: int) -> int:
    """Part number `part` of every table for `results`, at `destination` (a folder
    or an fsspec URL), each file atomic; the number of pages.  See write_part."""
    from .sinks._parquet import write_part

    return write_part(results, destination, part)


def write_duckdb(
    results: Iterable[object], path: str | os.PathLike[str], *, batch_pages: int | None = None
) -> int:
    """Load `results` (as for ``tables``) into the DuckDB database at `path`
    (created if missing), one transaction per batch of pages; pages converted
    before are replaced (by page_id).  The number of pages written."""
    from .sinks._duckdb import BATCH_PAGES, DuckDBSink

    return _run(DuckDBSink(path, batch_pages=batch_pages or BATCH_PAGES), results)
