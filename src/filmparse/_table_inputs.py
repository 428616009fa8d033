"""What the tables' Python API accepts (``filmparse.tables``, ``write_parquet``):
results of a run, ``parse_many``'s (path, Film | FilmParseError) pairs, or plain
Films, each made the PageResult the table builder takes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ._tables import TableBuilder  # first: without pyarrow it names the extra to install
from .errors import FilmParseError
from .export import to_dict, to_json
from .models import Film
from .sinks._base import PageResult
from .sources import read_page

if TYPE_CHECKING:
    import pyarrow as pa


def as_result(item: object) -> PageResult:
    """A PageResult from a PageResult, a (path, Film | FilmParseError) pair of
    parse_many, or a plain Film.

    A pair's page is read again for its SHA-256 (page_id); a plain Film has no
    page bytes, so its page_id is the SHA-256 of its one-line JSON export
    (``to_json(film, indent=None)``) and its source_path is null.
    """
    if isinstance(item, PageResult):
        return item
    if isinstance(item, Film):
        page_id = hashlib.sha256(to_json(item, indent=None).encode("utf-8")).hexdigest()
        return PageResult("", page_id, record=to_dict(item), diagnostics=item.diagnostics)
    if isinstance(item, tuple) and len(item) == 2:
        path, outcome = os.fspath(item[0]), item[1]
        if isinstance(outcome, FilmParseError) and outcome.section == "file":
            return PageResult(path, None, error=outcome)
        try:
            page_id = hashlib.sha256(read_page(path, max_bytes=None)).hexdigest()
        except FilmParseError as exc:
            return PageResult(path, None, error=exc)
        if isinstance(outcome, FilmParseError):
            return PageResult(path, page_id, error=outcome)
        if isinstance(outcome, Film):
            record = to_dict(outcome)
            record["source"] = {"path": path, "sha256": page_id}
            return PageResult(path, page_id, record=record, diagnostics=outcome.diagnostics)
    raise TypeError(
        f"expected a PageResult, a (path, Film | FilmParseError) pair or a Film, got {item!r:.80}"
    )


def tables(results: Iterable[object]) -> dict[str, pa.Table]:
    """All the tables of `results` (see as_result), every one present, even empty."""
    builder = TableBuilder()
    for item in results:
        result = as_result(item)
        if not result.skipped:
            builder.add(result)
    return builder.tables()
