"""Everything the distributed engine takes from the rest of filmparse, in one
place, so that moving those modules means repointing these imports only.

The engine must write exactly what ``filmparse convert --jsonl/--errors``
writes for a page, so it reuses the CLI's own pieces rather than copies.
"""

from __future__ import annotations

from ..atomic import sweep_temps, write_atomic
from ..cli._summary import Tally
from ..cli._summary import summary as summary_line
from ..diagnostics import FATAL_CODES
from ..engine import crashed_job, default_jobs
from ..engine._worker import _internal as internal
from ..engine._worker import convert_page as engine_convert_page
from ..engine._worker import parse_page as engine_parse_page
from ..errors import FilmParseError
from ..models import Film
from ..sinks import RECORD, TEXT, Job, PageResult, Sink
from ..sinks._report import error_record, warning_record
from ..sources import (
    DEFAULT_GLOB,
    DEFAULT_MAX_BYTES,
    Page,
    file_error,
    find_pages,
    page_stem,
    read_at_most,
    read_page,
    too_big,
)

__all__ = [
    "DEFAULT_GLOB",
    "DEFAULT_MAX_BYTES",
    "FATAL_CODES",
    "RECORD",
    "TEXT",
    "Film",
    "FilmParseError",
    "Job",
    "Page",
    "PageResult",
    "Sink",
    "Tally",
    "crashed_job",
    "default_jobs",
    "engine_convert_page",
    "engine_parse_page",
    "error_record",
    "file_error",
    "find_pages",
    "internal",
    "page_stem",
    "read_at_most",
    "read_page",
    "summary_line",
    "sweep_temps",
    "too_big",
    "warning_record",
    "write_atomic",
]
