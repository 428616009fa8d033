"""The engine: runs the work of a batch on every core, results in input order.

``ordered_map`` and ``chunk_size`` are the pool (bounded, lazy, a dying
worker costs only its page); ``page_worker`` is the per-page work of
`convert` (read, parse, export, schema-check, only what the sinks need);
``convert_pages`` feeds the results to a list of sinks (``filmparse.sinks``);
``parse_many`` is the same engine for Python callers, yielding Films.
"""

from ._convert import convert_pages, plan_jobs
from ._parse_many import parse_many
from ._pool import MAX_CHUNK, TASKS_PER_JOB, chunk_size, default_jobs, ordered_map
from ._worker import (
    convert_page,
    crashed_job,
    is_kept,
    load_page,
    needs_of,
    page_worker,
    parse_page,
    worker_died,
)

__all__ = [
    "MAX_CHUNK",
    "TASKS_PER_JOB",
    "chunk_size",
    "convert_page",
    "convert_pages",
    "crashed_job",
    "default_jobs",
    "is_kept",
    "load_page",
    "needs_of",
    "ordered_map",
    "page_worker",
    "parse_many",
    "parse_page",
    "plan_jobs",
    "worker_died",
]
