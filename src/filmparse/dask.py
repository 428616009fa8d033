"""Run the conversion on a Dask cluster, reading and writing fsspec URLs.

>>> import filmparse.dask
>>> summary = filmparse.dask.convert(["s3://bucket/pages/"], jsonl="s3://bucket/films/",
...                                  errors="s3://bucket/problems/", scheduler="tcp://host:8786")

Inputs are plain paths, ``file://`` or any fsspec URL (``s3://bucket/prefix/``
needs ``filmparse[s3]``), listed lazily.  The pages go to the workers in
partitions of `pages_per_partition`; each worker converts its partition (with
the one-machine engine's own page conversion) and writes its parts straight
to the destination: ``jsonl`` and ``errors`` are folders of
``part-NNNNN.jsonl`` whose rows are, byte for byte, those of ``filmparse
convert --jsonl/--errors`` for the same pages; ``parquet`` is the tables'
dataset, ``<table>/part-NNNNN.parquet`` (``problems`` included).  A
``_manifest.json`` written last in each lists every part with its page and
row counts.  Needs ``filmparse[dask]`` (and ``[parquet]`` for ``parquet``).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from attrs import frozen

from ._distributed._listing import Partition, list_pages, partitions
from ._distributed._optional import MissingExtraError, require
from ._distributed._pages import parse_page
from ._distributed._parts import Output, PartitionReport, Plan, ResumeError
from ._distributed._reuse import (
    DEFAULT_GLOB,
    DEFAULT_MAX_BYTES,
    FATAL_CODES,
    Film,
    FilmParseError,
    Tally,
    default_jobs,
    summary_line,
)
from ._distributed._run import (
    RunError,
    absolute,
    prepare,
    remove_stale_parts,
    submit_all,
    write_manifests,
)

__all__ = [
    "DEFAULT_PAGES_PER_PARTITION",
    "MissingExtraError",
    "ResumeError",
    "RunError",
    "Summary",
    "convert",
    "read_pages",
]

DEFAULT_PAGES_PER_PARTITION = 200  # pages of ~30 kB: ~6 MB read and written per task
TASKS_PER_THREAD = 2  # partitions in flight per worker thread: one running, one queued
MANIFEST_INPUTS = 1000  # inputs listed in _manifest.json, at most


@frozen
class Summary:
    """The counts of a run, as the CLI's summary line has them."""

    pages: int
    ok: int
    failed: int
    skipped: int
    warnings: int
    partitions: int
    seconds: float
    warning_codes: tuple[tuple[str, int], ...] = ()
    failure_codes: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        tally = Tally(
            ok=self.ok,
            failed=self.failed,
            skipped=self.skipped,
            warning_codes=Counter(dict(self.warning_codes)),
            failure_codes=Counter(dict(self.failure_codes)),
        )
        return summary_line(tally, self.seconds)


def _urls(urls: str | Iterable[str]) -> Iterable[str]:
    """The inputs, as given: an iterator (say, stdin's lines) is read lazily."""
    return [urls] if isinstance(urls, str) else urls


def _recorded(urls: Iterable[str]) -> list[str] | None:
    """The inputs the manifest records: a short list, not a stream of millions."""
    if isinstance(urls, Sequence) and len(urls) <= MANIFEST_INPUTS:
        return list(urls)
    return None


def _check_size(pages_per_partition: int) -> None:
    if pages_per_partition < 1:
        raise ValueError(f"pages_per_partition must be at least 1, not {pages_per_partition}")


def read_pages(
    urls: str | Iterable[str],
    *,
    strict: bool = True,
    storage_options: dict[str, Any] | None = None,
    pages_per_partition: int = DEFAULT_PAGES_PER_PARTITION,
    glob: str = DEFAULT_GLOB,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    require_sections: bool = False,
    fail_on: Collection[str] = FATAL_CODES,
) -> Any:
    """A ``dask.bag.Bag`` of ``(path, Film | FilmParseError)``, one bag partition
    per `pages_per_partition` pages, in listing order.

    A bag's graph is built up front, so the listing is read here, on the
    client (the names only); ``convert`` streams it instead.  `strict`,
    `require_sections`, `fail_on`, `max_bytes`: as for ``parse_many`` and the
    engine's ``parse_page``.
    """
    _check_size(pages_per_partition)
    bag = require("dask.bag")
    delayed = require("dask").delayed
    options = dict(storage_options or {})
    parts = [
        delayed(_parse_partition, pure=True)(
            part, strict, max_bytes, options, require_sections, frozenset(fail_on)
        )
        for part in partitions(
            list_pages(_urls(urls), glob, storage_options=options), pages_per_partition
        )
    ]
    if not parts:
        return bag.from_sequence([], npartitions=1)
    return bag.from_delayed(parts)


def _parse_partition(
    partition: Partition,
    strict: bool,
    max_bytes: int | None,
    options: dict[str, Any],
    require_sections: bool,
    fail_on: frozenset[str],
) -> list[tuple[str, Film | FilmParseError]]:
    return [
        (
            name,
            parse_page(
                name,
                location,
                strict=strict,
                max_bytes=max_bytes,
                storage_options=options,
                require_sections=require_sections,
                fail_on=fail_on,
            ),
        )
        for name, location in zip(partition.names, partition.locations, strict=True)
    ]


@contextmanager
def _connect(client: Any, scheduler: str | None, jobs: int | None) -> Iterator[Any]:
    """The client to run on: the one given, one for `scheduler` (an address, or
    "local" for a local cluster of `jobs` worker processes), else the current
    default client, else a local cluster."""
    if client is not None:
        yield client
        return
    distributed = require("distributed")
    if scheduler is None:
        try:
            current = distributed.default_client()
        except ValueError:  # none: start a local cluster
            scheduler = "local"
        else:
            yield current
            return
    if scheduler != "local":
        with distributed.Client(scheduler) as connected:
            yield connected
        return
    # The statistical profiler samples every worker thread 100 times a second: ~10%
    # of a page's time here, for a dashboard no batch run looks at.
    quiet = require("dask").config.set({"distributed.worker.profile.enabled": False})
    with (
        quiet,
        distributed.LocalCluster(
            n_workers=jobs or default_jobs(),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # a cluster of this machine: not reachable from others
            dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def convert(
    urls: str | Iterable[str],
    *,
    parquet: str | None = None,
    jsonl: str | None = None,
    errors: str | None = None,
    client: Any = None,
    scheduler: str | None = None,
    jobs: int | None = None,
    strict: bool = True,
    skip_existing: bool = False,
    pages_per_partition: int = DEFAULT_PAGES_PER_PARTITION,
    storage_options: dict[str, Any] | None = None,
    progress: bool = False,
    glob: str = DEFAULT_GLOB,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    require_sections: bool = False,
    fail_on: Collection[str] = FATAL_CODES,
) -> Summary:
    """Convert the pages named by `urls` on a Dask cluster; the run's counts.

    `urls`: paths or fsspec URLs of pages and folders (prefixes), or an
    iterable of them, read lazily (so it may stream, as stdin's lines do).

    `jsonl`, `errors`: output folders (paths or URLs) of ``part-NNNNN.jsonl``.
    `parquet`: an output folder (path or URL) of ``<table>/part-NNNNN.parquet``,
    the tables of ``filmparse convert --parquet`` (a page is left out of
    ``films`` twice within a partition only: see the README).
    `strict`, `require_sections`, `fail_on`, `max_bytes`: what fails a page, as
    for the engine's ``parse_page`` on one machine.
    `client`: a ``distributed.Client`` to run on; else `scheduler` (an address
    such as ``tcp://host:8786``, or ``"local"``: a local cluster of `jobs`
    worker processes, default every core).  `skip_existing`: resume, running
    only the partitions whose parts are missing (same inputs and
    `pages_per_partition` as the run resumed, else ResumeError).  `progress`:
    a progress bar on stderr.  Page errors are rows of `errors`, never
    exceptions; RunError when a partition cannot be written (then no
    manifest is written, and ``skip_existing`` resumes the run).
    """
    started = time.perf_counter()
    _check_size(pages_per_partition)
    kinds = (("parquet", parquet), ("jsonl", jsonl), ("errors", errors))
    given = [(kind, url) for kind, url in kinds if url]
    if not given:
        raise ValueError("nowhere to write: give parquet, jsonl or errors (a folder or URL)")
    outputs = tuple(Output(kind, absolute(url)) for kind, url in given)
    if len({output.url.rstrip("/") for output in outputs}) < len(outputs):
        raise ValueError("parquet, jsonl and errors must be different folders")
    require("distributed")  # before anything is written
    if parquet:
        require("pyarrow", "parquet")
    options = dict(storage_options or {})
    plan = Plan(
        outputs,
        pages_per_partition,
        strict,
        max_bytes,
        options,
        skip_existing,
        require_sections=require_sections,
        fail_on=frozenset(fail_on),
    )
    names = _urls(urls)
    prepare(outputs, options)
    tqdm = require("tqdm").tqdm
    bar = tqdm(unit="page", file=sys.stderr, disable=not progress, dynamic_ncols=True)

    def done(report: PartitionReport) -> None:
        bar.update(report.pages)

    try:
        with _connect(client, scheduler, jobs) as connected:
            threads = sum(connected.nthreads().values()) or 1
            reports = submit_all(
                connected,
                partitions(list_pages(names, glob, storage_options=options), pages_per_partition),
                plan,
                in_flight=max(2, TASKS_PER_THREAD * threads),
                done=done,
            )
    finally:
        bar.close()
    remove_stale_parts(plan, len(reports))
    prepare(outputs, options)  # temporary files of workers that died mid-write
    write_manifests(plan, reports, {"inputs": _recorded(names), "glob": glob})
    fresh = [report for report in reports if not report.skipped]
    return Summary(
        pages=sum(report.pages for report in reports),
        ok=sum(report.ok for report in fresh),
        failed=sum(report.failed for report in fresh),
        skipped=sum(report.pages for report in reports if report.skipped),
        warnings=sum(report.warnings for report in fresh),
        partitions=len(reports),
        seconds=time.perf_counter() - started,
        warning_codes=_codes(report.warning_codes for report in fresh),
        failure_codes=_codes(report.failure_codes for report in fresh),
    )


def _codes(counts: Iterable[tuple[tuple[str, int], ...]]) -> tuple[tuple[str, int], ...]:
    total: Counter[str] = Counter()
    for pairs in counts:
        total.update(dict(pairs))
    return tuple(sorted(total.items()))
