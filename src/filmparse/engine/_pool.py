"""The ordered, bounded process pool: work on every core, results in input order.

``ordered_map`` runs a function over a stream of items on worker processes,
with a bounded number of items in flight, so memory stays flat however many
come in; a worker that dies costs only the item that killed it.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import islice
from multiprocessing.context import BaseContext
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_CHUNK = 8  # pages per task sent to a worker
TASKS_PER_JOB = 4  # tasks in flight per worker: enough to keep every core busy
# Imported by the forkserver, so that each worker starts with the parser loaded.
_PRELOAD = __name__.rpartition(".")[0]


def default_jobs() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1



def _context() -> BaseContext:
    # forkserver: workers fork from a clean server that has imported filmparse,
    # not from this process and its threads (progress bar, pool manager).
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([_PRELOAD])
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
