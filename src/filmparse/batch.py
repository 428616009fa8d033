"""Batch conversion: many pages in, JSON out, on every core.

The engine behind ``filmparse convert`` and ``parse_many``:

* ``find_pages``: files, folders (walked recursively in name order) and ``-``
  (a list of paths on stdin) -> ``Page(path, name)``, lazily: one folder's
  listing at a time is held in memory, never the whole tree;
* ``read_page``: a page's bytes (``.gz`` decompressed), at most ``max_bytes``
  of them; any failure to read (or a page over the limit) is a
  ``FilmParseError`` in section ``file``, never a crash;
* ``ordered_map``: a function over a stream of items on worker processes,
  results in input order, with a bounded number of items in flight, so memory
  stays flat however many pages come in; a worker that dies costs only the
  page that killed it;
* ``convert_page``: the CLI's worker: read, parse, export, add ``source``,
  check against the schema, serialise, and (for ``-o DIR``) write the file
  atomically; it returns a small picklable ``Outcome`` (with the page's
  diagnostics when parsing leniently);
* ``parse_many``: the same engine for Python callers, yielding Films.
"""

from __future__ import annotations

import fnmatch
import gzip
import hashlib
import json
import multiprocessing
import os
import re
import select
import signal
import stat
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from itertools import islice
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from .atomic import write_atomic
from .diagnostics import Diagnostic
from .errors import FilmParseError
from .export import dumps, to_dict
from .models import Film
from .parser import parse_bytes
from .schema import SchemaError, check

T = TypeVar("T")
R = TypeVar("R")
P = TypeVar("P", bound="str | os.PathLike[str]")

DEFAULT_GLOB = "*.txt"
DEFAULT_MAX_BYTES = 10_000_000  # the largest page read (decompressed), in bytes
MAX_CHUNK = 8  # pages per task sent to a worker
TASKS_PER_JOB = 4  # tasks in flight per worker: enough to keep every core busy


def default_jobs() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


# --- finding pages ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """A page to convert: where to read it and the output name it maps to.

    `name` is relative to the output folder, '/'-separated, without '.json':
    the stem of a file given by name, or its path below the folder given.
    """

    path: str
    name: str


def page_stem(filename: str) -> str:
    """'sub/page.txt.gz' -> 'page': the name without '.gz' and one more suffix."""
    base = os.path.basename(filename)
    if base.lower().endswith(".gz"):
        base = base[:-3]
    stem, dot, _ = base.rpartition(".")
    return stem if dot and stem else base


def find_pages(
    inputs: Iterable[str],
    glob: str = DEFAULT_GLOB,
    *,
    stdin: Iterable[str] = (),
    exclude: str | os.PathLike[str] | None = None,
) -> Iterator[Page]:
    """Every page named by `inputs`, in a stable order, lazily.

    A file is taken as it is, whatever its name; a folder is walked
    recursively in name order, taking the files whose name (less a final
    '.gz') matches `glob`, skipping hidden entries ('.name'), symbolic links
    to folders and the folder `exclude` (the output folder); '-' reads one
    input per line from `stdin`.  A folder that cannot be listed is yielded
    as a page, so that reading it fails and the loss is reported.
    """
    match = re.compile(fnmatch.translate(glob)).match
    excluded = _identity(exclude) if exclude is not None else None
    for given in inputs:
        if given == "-":
            for line in stdin:
                path = line.rstrip("\r\n")
                if path:
                    yield from _pages_of(path, match, excluded)
        else:
            yield from _pages_of(given, match, excluded)


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _pages_of(
    path: str, match: Callable[[str], object], excluded: tuple[int, int] | None
) -> Iterator[Page]:
    if not os.path.isdir(path):
        yield Page(path, page_stem(path))
        return
    stack: list[tuple[str, str]] = [(path, "")]  # (folder, its name below `path`)
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            yield Page(folder, prefix.rstrip("/") or page_stem(folder))
            continue
        folders: list[tuple[str, str]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if excluded is None or _identity(entry.path) != excluded:
                    folders.append((entry.path, f"{prefix}{entry.name}/"))
            elif not entry.is_symlink() or not entry.is_dir():
                name = entry.name[:-3] if entry.name.lower().endswith(".gz") else entry.name
                if match(name) or match(entry.name):
                    yield Page(entry.path, prefix + page_stem(entry.name))
        stack.extend(reversed(folders))  # files first, then sub-folders, in name order


# --- reading and converting one page ------------------------------------------------------


def page_error(path: str, message: str, *, section: str, expected: str) -> FilmParseError:
    """An error about a page as a whole, not a place in it: line 1, column 1.

    Sections: 'file' (cannot be read), 'output' (its JSON cannot be written),
    'worker' (its worker process died), 'internal' (a bug, to report).
    """
    return FilmParseError(message, line=1, column=1, section=section, expected=expected, path=path)


def file_error(path: str, message: str) -> FilmParseError:
    """The error of a page that could not be read at all."""
    return page_error(path, message, section="file", expected="a readable UTF-8 page file")


def read_page(path: str, max_bytes: int | None = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a page file, decompressed if its name ends in '.gz'.

    Raises FilmParseError (section 'file') for a file that is missing,
    unreadable, not a regular file, or not valid gzip, and for a page of
    more than `max_bytes` bytes (None: no limit).  A plain file is refused
    by its size, before anything is read; a gzip file is decompressed up to
    one byte past the limit and no further, so a gzip bomb costs at most
    `max_bytes` of memory.
    """
    try:
        # O_NONBLOCK: a FIFO named like a page must not hang the run.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            if stat.S_ISDIR(info.st_mode):
                raise file_error(path, "this is a folder, not a page file")
            raise file_error(path, "this is not a regular file")
        gzipped = path.lower().endswith(".gz")
        if max_bytes is not None and not gzipped and info.st_size > max_bytes:
            os.close(fd)
            raise too_big(path, max_bytes, size=info.st_size)
        with open(fd, "rb") as handle:
            if gzipped:
                with gzip.GzipFile(fileobj=handle) as unzipped:
                    data = _read_at_most(unzipped.read, max_bytes)
            else:
                data = _read_at_most(handle.read, max_bytes)  # it may have grown since fstat
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise file_error(path, f"not a valid gzip file: {exc}") from None
    except OSError as exc:
        raise file_error(path, f"cannot read the file: {exc.strerror or exc}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise too_big(path, max_bytes, size=None if gzipped else len(data))
    return data


def _read_at_most(read: Callable[[int], bytes], max_bytes: int | None) -> bytes:
    """All that `read` gives, or its first max_bytes + 1 bytes (enough to know it
    is too long)."""
    if max_bytes is None:
        return read(-1)
    parts: list[bytes] = []
    wanted = max_bytes + 1
    while wanted > 0:
        part = read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def too_big(path: str, max_bytes: int, *, size: int | None) -> FilmParseError:
    """The error of a page over the size limit (`size` None: a .gz page, whose
    decompressed size is only known to be over it)."""
    if size is None:
        message = f"the page decompresses to more than the limit of {max_bytes:,} bytes"
    else:
        message = f"the page is {size:,} bytes, over the limit of {max_bytes:,} bytes"
    return page_error(
        path,
        message,
        section="file",
        expected=f"a page of at most {max_bytes:,} bytes",
    )


def load_page(
    path: str, *, strict: bool = True, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> tuple[bytes, Film]:
    """A page's bytes and its Film; every failure is a FilmParseError naming `path`.

    Lenient (``strict=False``): only a page that cannot be read fails; what
    the parser repaired or left out is in the Film's ``diagnostics``.
    """
    data = read_page(path, max_bytes)
    try:
        return data, parse_bytes(data, strict=strict)
    except FilmParseError as exc:
        raise exc.with_path(path) from None


def export_text(
    path: str,
    indent: int | None,
    *,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> tuple[str, tuple[Diagnostic, ...]]:
    """The JSON the CLI writes for one page: to_dict + `source`, schema-checked,
    '\\n'-ended; and the diagnostics of the page (none when strict)."""
    data, film = load_page(path, strict=strict, max_bytes=max_bytes)
    record = to_dict(film)
    record["source"] = {"path": path, "sha256": hashlib.sha256(data).hexdigest()}
    check(record)
    return dumps(record, indent) + "\n", film.diagnostics


@dataclass(frozen=True, slots=True)
class Job:
    """One page for `convert_page`.

    `output`: the file to write, or None to hand the JSON back.  `kept`: the
    page is already converted (resuming); its earlier JSONL row, or '' when it
    lives in a file.
    """

    path: str
    output: str | None = None
    kept: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one page: its JSON (unless written to a file) or its error,
    and the diagnostics of a lenient parse (Diagnostic is a small frozen attrs
    class: it pickles as its six fields)."""

    path: str
    text: str | None = None
    error: FilmParseError | None = None
    skipped: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()


def convert_page(
    job: Job,
    indent: int | None,
    *,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> Outcome:
    """Convert one page; never raises for a bad page (runs in a worker process)."""
    if job.kept is not None:
        return Outcome(job.path, text=job.kept or None, skipped=True)
    try:
        text, diagnostics = export_text(job.path, indent, strict=strict, max_bytes=max_bytes)
    except FilmParseError as exc:
        return Outcome(job.path, error=exc)
    except SchemaError as exc:  # a bug: the export must fit its own schema
        return Outcome(job.path, error=_internal(job.path, f"the export breaks the schema: {exc}"))
    except Exception as exc:  # a bug in the parser must not stop the other pages
        return Outcome(job.path, error=_internal(job.path, f"{type(exc).__name__}: {exc}"))
    if job.output is None:
        return Outcome(job.path, text=text, diagnostics=diagnostics)
    try:
        write_atomic(job.output, text)
    except OSError as exc:
        return Outcome(
            job.path,
            error=page_error(
                job.path,
                f"cannot write {job.output}: {exc.strerror or exc}",
                section="output",
                expected="a writable output folder",
            ),
            diagnostics=diagnostics,
        )
    return Outcome(job.path, diagnostics=diagnostics)


def _internal(path: str, what: str) -> FilmParseError:
    return page_error(
        path,
        f"internal error, please report it: {what}",
        section="internal",
        expected="no internal error",
    )


def worker_died(path: str) -> FilmParseError:
    """The error of a page whose worker process died while converting it."""
    return page_error(
        path,
        "the worker process died while converting this page (killed, or out of memory)",
        section="worker",
        expected="a page that converts without crashing its worker",
    )


# --- the ordered, bounded process pool ----------------------------------------------------


def _context() -> BaseContext:
    # forkserver: workers fork from a clean server that has imported filmparse,
    # not from this process and its threads (progress bar, pool manager).
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def _start_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group; the parent alone decides to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), name="watchdog", daemon=True).start()


def _exit_with(parent: int) -> None:
    """Exit when the process that owns the pool ends (killed with SIGKILL, say).

    A worker waits for tasks on a queue it also holds open for writing, so it
    never sees the end of it: without this it would wait forever.
    """
    try:
        handle = os.pidfd_open(parent) if hasattr(os, "pidfd_open") else None
    except ProcessLookupError:
        os._exit(1)
    except OSError:  # no pidfd here: poll instead
        handle = None
    if handle is not None:
        select.select([handle], [], [])  # readable once the process has ended
    else:
        while True:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                break
            except OSError:
                pass  # alive, but not ours to signal
            time.sleep(1)
    os._exit(1)


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        jobs, mp_context=_context(), initializer=_start_worker, initargs=(os.getpid(),)
    )


def _submit(pool: ProcessPoolExecutor, fn: Callable[[T], R], item: T) -> Future[R]:
    try:
        return pool.submit(fn, item)
    except BrokenProcessPool as exc:  # broke since the last result: handled like the rest
        future: Future[R] = Future()
        future.set_exception(exc)
        return future


def _done(result: R) -> Future[R]:
    future: Future[R] = Future()
    future.set_result(result)
    return future


def _map_list(fn: Callable[[T], R], items: list[T]) -> list[R]:
    return [fn(item) for item in items]


def chunk_size(total: int | None, jobs: int) -> int:
    """Items per task: up to MAX_CHUNK, to spread the cost of a task between
    processes over several pages, but few enough to give every worker at least
    four tasks when the total is known."""
    if total is None:
        return MAX_CHUNK
    return max(1, min(MAX_CHUNK, total // (jobs * TASKS_PER_JOB)))


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    jobs: int,
    *,
    crashed: Callable[[T], R],
    inline: Callable[[T], bool] | None = None,
    chunk: int = 1,
) -> Generator[R, None, None]:
    """fn(item) for each item, computed on `jobs` processes, yielded in input order.

    Items go to the workers `chunk` at a time; `items` is read lazily, at most
    jobs * chunk * TASKS_PER_JOB items ahead of the result being yielded, so
    memory stays flat however many there are.  `fn` must be picklable (a
    module-level function or a partial of one).  Items for which
    `inline(item)` is true are cheap and computed here.  If a worker process
    dies, the items that were in flight are run again one at a time, and one
    that kills its worker again yields `crashed(item)`.  With jobs == 1
    everything runs in this process.
    """
    if jobs <= 1:
        yield from map(fn, items)
        return
    chunk = max(1, chunk)
    limit = jobs * chunk * TASKS_PER_JOB
    run_chunk = partial(_map_list, fn)
    source = iter(items)
    pending: deque[tuple[list[T], Future[list[R]]]] = deque()
    queued = 0  # items in `pending`
    pool = _pool(jobs)

    def send(batch: list[T]) -> None:
        if batch:
            pending.append((batch, _submit(pool, run_chunk, batch)))

    try:
        while True:
            if limit - queued >= chunk:  # room for a whole chunk: read on
                batch: list[T] = []
                for item in islice(source, limit - queued):
                    queued += 1
                    if inline is not None and inline(item):
                        send(batch)
                        batch = []
                        pending.append(([item], _done([fn(item)])))
                        continue
                    batch.append(item)
                    if len(batch) == chunk:
                        send(batch)
                        batch = []
                send(batch)
            if not pending:
                return
            batch, future = pending.popleft()
            queued -= len(batch)
            error = future.exception()
            if error is None:
                yield from future.result()
                continue
            if not isinstance(error, BrokenProcessPool):
                raise error  # fn itself failed: not ours to hide
            # A worker died: run what was lost again, each item alone.
            pool.shutdown(wait=True)
            pool = _pool(jobs)
            lost = [(batch, future), *pending]
            pending.clear()
            queued = 0
            for batch, future in lost:
                if not isinstance(future.exception(), BrokenProcessPool):
                    yield from future.result()
                    continue
                for item in batch:
                    try:
                        result = _submit(pool, fn, item).result()
                    except BrokenProcessPool:
                        pool.shutdown(wait=True)
                        pool = _pool(jobs)
                        result = crashed(item)
                    yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- the library entry point --------------------------------------------------------------


def _parse_one(
    path: str | os.PathLike[str], strict: bool, max_bytes: int | None
) -> Film | FilmParseError:
    try:
        return load_page(os.fspath(path), strict=strict, max_bytes=max_bytes)[1]
    except FilmParseError as exc:
        return exc


def _parse_pair(
    path: P, *, strict: bool = True, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> tuple[P, Film | FilmParseError]:
    return path, _parse_one(path, strict, max_bytes)


def _crashed_pair(path: P) -> tuple[P, Film | FilmParseError]:
    name: str | os.PathLike[str] = path
    return path, worker_died(os.fspath(name))


def parse_many(
    paths: Iterable[P],
    jobs: int | None = None,
    *,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> Iterator[tuple[P, Film | FilmParseError]]:
    """Parse many page files on `jobs` processes (default: every core).

    Yields ``(path, Film)`` or ``(path, FilmParseError)`` for each path, in
    input order, with each path as given.  `paths` is read lazily, so it may
    be a generator of millions of paths; memory stays flat.  A page that
    cannot be read (missing, a folder, corrupt gzip, more than `max_bytes`
    bytes, decompressed; None for no limit) yields a FilmParseError in
    section 'file'.  ``.gz`` files are decompressed.  With ``strict=False``
    pages are parsed leniently: only unreadable pages give errors, and each
    Film carries its ``diagnostics``.  With ``jobs=1`` all the work happens
    in this process.
    """
    count = default_jobs() if jobs is None else jobs
    if count < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if max_bytes is not None and max_bytes < 0:
        raise ValueError(f"max_bytes must be at least 0 (or None), not {max_bytes}")
    total = len(paths) if isinstance(paths, Sized) else None
    chunk = chunk_size(total, count)
    parse_pair: Callable[[P], tuple[P, Film | FilmParseError]] = partial(
        _parse_pair, strict=strict, max_bytes=max_bytes
    )
    return ordered_map(parse_pair, paths, count, crashed=_crashed_pair, chunk=chunk)


# --- planning the CLI's jobs --------------------------------------------------------------


class OutputNames:
    """Output names handed out in this run, so that no page overwrites another.

    A name already taken gets a numbered suffix: 'page' -> 'page.2' ->
    'page.3'.  Names that differ only in case count as the same (they are
    one file on macOS and Windows).  Only an 8-byte digest of each name is
    kept: about 80 bytes a page.
    """

    def __init__(self) -> None:
        self._taken: set[int] = set()

    def claim(self, name: str) -> str:
        candidate, number = name, 1
        while not self._take(candidate):
            number += 1
            candidate = f"{name}.{number}"
        return candidate

    def _take(self, name: str) -> bool:
        key = name.casefold().encode("utf-8", "surrogatepass")
        digest = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
        if digest in self._taken:
            return False
        self._taken.add(digest)
        return True


def output_path(folder: str, name: str) -> str:
    """Where the page named `name` ('sub/page') is written under `folder`."""
    return os.path.join(folder, *name.split("/")) + ".json"


def file_jobs(
    pages: Iterable[Page],
    folder: str,
    *,
    skip_existing: bool,
    renamed: Callable[[Page, str], None],
) -> Iterator[Job]:
    """Jobs writing folder/<name>.json; `renamed(page, target)` hears of each suffixed name."""
    names = OutputNames()
    for page in pages:
        name = names.claim(page.name)
        target = output_path(folder, name)
        if name != page.name:
            renamed(page, target)
        kept = "" if skip_existing and os.path.exists(target) else None
        yield Job(page.path, target, kept)


def row_jobs(pages: Iterable[Page], previous: Iterator[tuple[str, str]]) -> Iterator[Job]:
    """Jobs handing back JSONL rows; rows of `previous` (an earlier run) are kept.

    An interrupted run wrote the rows of a prefix of the pages, in order, less
    the pages that failed.  Walking both in step keeps every earlier row whose
    page comes next and converts the rest, so the new file is the one an
    uninterrupted run would have written, in flat memory.
    """
    waiting = next(previous, None)
    for page in pages:
        if waiting is not None and waiting[0] == page.path:
            yield Job(page.path, kept=waiting[1])
            waiting = next(previous, None)
        else:
            yield Job(page.path)


def converter(
    indent: int | None, *, strict: bool = True, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> Callable[[Job], Outcome]:
    """The picklable worker function of the CLI for a run's JSON indent, parsing
    mode and page size limit (settings of the run, so not repeated in every Job)."""
    return partial(convert_page, indent=indent, strict=strict, max_bytes=max_bytes)


def crashed_job(job: Job) -> Outcome:
    return Outcome(job.path, error=worker_died(job.path))


def is_kept(job: Job) -> bool:
    return job.kept is not None


def previous_rows(path: str | None) -> Generator[tuple[str, str], None, None]:
    """(source path, row) of each row of an earlier JSONL output, while they parse."""
    if path is None:
        return
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115
    except FileNotFoundError:
        return
    with handle:
        for row in handle:
            try:
                source: Any = json.loads(row)["source"]["path"]
            except (ValueError, KeyError, TypeError):
                return
            if not isinstance(source, str) or not row.endswith("\n"):
                return
            yield source, row
