"""Everything the distributed engine takes from the rest of filmparse, in one
place, so that moving those modules means repointing these imports only.

The engine must write exactly what ``filmparse convert --jsonl/--errors``
writes for a page, so it reuses the CLI's own pieces rather than copies.
"""

from __future__ import annotations

from ..atomic import sweep_temps, write_atomic
from ..batch import (
    DEFAULT_GLOB,
    DEFAULT_MAX_BYTES,
    default_jobs,
    file_error,
    find_pages,
    read_page,
    too_big,
)
from ..batch import _internal as internal
from ..batch import _read_at_most as read_at_most
from ..cli import _summary as summary_line
from ..cli import _Tally as Tally
from ..cli import error_record, warning_record
from ..errors import FilmParseError
from ..export import dumps, to_dict
from ..models import Film
from ..parser import parse_bytes
from ..schema import SchemaError, check
from ..sinks import PageResult, Sink

__all__ = [
    "DEFAULT_GLOB",
    "DEFAULT_MAX_BYTES",
    "Film",
    "FilmParseError",
    "PageResult",
    "SchemaError",
    "Sink",
    "Tally",
    "check",
    "default_jobs",
    "dumps",
    "error_record",
    "file_error",
    "find_pages",
    "internal",
    "parse_bytes",
    "read_at_most",
    "read_page",
    "summary_line",
    "sweep_temps",
    "to_dict",
    "too_big",
    "warning_record",
    "write_atomic",
]
