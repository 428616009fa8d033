"""Pages through the worker into a list of sinks: the loop `convert` runs."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing

from ..sinks import Job, PageResult, Planner, Sink
from ..sinks._base import FILM, RECORD, ROWS, TEXT
from ..sources import DEFAULT_MAX_BYTES, Page
from ._chunks import MOST_PAGES, chunk_worker
from ._pool import MAX_CHUNK, Relay, chunk_size, ordered_map
from ._spool import spool_chunk, spool_folder, unspool
from ._worker import crashed_job, is_kept, needs_of, page_worker


def plan_jobs(sinks: Sequence[Sink], pages: Iterable[Page]) -> Iterator[Job]:
    """The jobs, lazily, as the first sink that plans (the main output) plans them;
    every page converted if none does."""
    for sink in sinks:
        if isinstance(sink, Planner):
            return sink.plan(pages)
    return (Job(page) for page in pages)


def convert_pages(
    pages: Iterable[Page],
    sinks: Sequence[Sink],
    *,
    jobs: int = 1,
    total: int | None = None,
    indent: int | None = None,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    fail_on: frozenset[str] = frozenset(),
    require_sections: bool = False,
    stop: Callable[[], bool] | None = None,
) -> Generator[PageResult, None, None]:
    """Convert `pages` on `jobs` processes and write each result, in input order,
    to every sink; yield each result once the sinks have it.

    The sinks must be open; committing or aborting them is the caller's, as is
    stopping early (close the generator: the pool stops with it).  `total`,
    the number of pages if known, sizes the tasks sent to workers.  The
    results carry only what the sinks need.  `fail_on`: warning codes that fail
    a lenient page; `require_sections`: see ``parse``.  `stop()` turning true gives the
    pages in hand two seconds to finish (see ``ordered_map``): a run stopped by
    a signal ends within seconds, whatever the page in hand.
    A sink that fails to write raises only after every sink has the result, so
    that one failing output (a closed stdout, say) costs the others nothing.
    """
    needs = needs_of(sinks)
    rows = ROWS in needs  # built by the workers from the Films, a chunk at a time (_chunks)
    work = page_worker(indent, strict=strict, max_bytes=max_bytes, fail_on=fail_on,
                       needs=needs | {FILM} if rows else needs,
                       require_sections=require_sections)  # fmt: skip
    # With one job the chunks are converted here: their rows stay Arrow tables.
    whole = chunk_worker(work, keep_record=RECORD in needs, streams=jobs > 1) if rows else None
    results = ordered_map(
        work,
        plan_jobs(sinks, pages),
        jobs,
        crashed=crashed_job,
        inline=is_kept,
        chunk=chunk_size(total, jobs, MOST_PAGES if whole is not None else MAX_CHUNK),
        stop=stop,
        whole=whole,
        # JSON texts (~37 kB a reference page) through a file, not the pipe.
        relay=Relay(spool_chunk, unspool, spool_folder) if TEXT in needs else None,
    )
    with closing(results):
        for result in results:
            failure: OSError | None = None
            for sink in sinks:
                try:
                    sink.write(result)
                except OSError as exc:
                    failure = failure or exc
            if failure is not None:
                raise failure
            yield result
