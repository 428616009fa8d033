"""The ordered, bounded process pool: work on every core, results in input order.

``ordered_map`` runs a function over a stream of items on worker processes,
with a bounded number of items in flight, so memory stays flat however many
come in; a worker that dies costs only the item that killed it.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, suppress
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from attrs import frozen

if TYPE_CHECKING:  # multiprocessing and concurrent.futures load only when a pool runs
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

T = TypeVar("T")
R = TypeVar("R")

# Pages per task sent to a worker.  A task costs the main process ~0.5-1 ms
# (its future, the call and result queues, the pool's manager and feeder
# threads): main-process CPU a page, `--jsonl -j 2`, 4,000 reference pages,
# load 3-5: 4 pages a task 288-325 us, 8: 208-248 us, 16: 158-177, 32: 125-162.
MAX_CHUNK = 32
TASKS_PER_JOB = 4  # tasks in flight per worker: enough to keep every core busy
POLL = 0.2  # seconds between checks of the workers while waiting for a result
DEAD_GRACE = 2.0  # seconds a dead worker may go unnoticed before the pool is broken by hand
STOP_GRACE = 2.0  # seconds the pages in hand get to finish once stop() turns true
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
    import multiprocessing

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
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        jobs, mp_context=_context(), initializer=_start_worker, initargs=(os.getpid(),)
    )


@contextmanager
def _without_main() -> Iterator[None]:
    """Hide the caller's __main__ while workers start.

    A worker started by forkserver or spawn re-runs the script (or ``-m``
    module) that started its parent, as ``__mp_main__``, so that functions
    defined there can be unpickled; a plain script that calls parse_many at
    its top level would then start workers from each worker.  The pool runs
    only functions of importable modules, so workers need no __main__: they
    are started as from ``python -c`` or a notebook, whatever the caller is.
    """
    main = sys.modules.get("__main__")
    if main is None or (getattr(main, "__spec__", None) is None and not hasattr(main, "__file__")):
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _submit(pool: ProcessPoolExecutor, fn: Callable[[T], R], item: T) -> Future[R]:
    from concurrent.futures.process import BrokenProcessPool

    try:
        with _without_main():  # a submit may start a worker
            return pool.submit(fn, item)
    except BrokenProcessPool as exc:  # broke since the last result: handled like the rest
        return _failed(exc)


def _failed(exc: BaseException) -> Future[R]:
    from concurrent.futures import Future

    future: Future[R] = Future()
    future.set_exception(exc)
    return future


def _done(result: R) -> Future[R]:
    from concurrent.futures import Future

    future: Future[R] = Future()
    future.set_result(result)
    return future


@frozen
class Relay(Generic[T, R]):
    """How a chunk's results cross from a worker to this process other than
    whole through the pool's pipe: ``pack(run, folder, items)`` runs the chunk
    in the worker and packs its results (``folder``: a folder of this pool's
    own, removed when it ends), ``unpack`` gives them back here (it is also
    given the plain lists of items computed here)."""

    pack: Callable[[Callable[[list[T]], list[R]], str, list[T]], Any]
    unpack: Callable[[Any], list[R]]
    folder: Callable[[], AbstractContextManager[str]]


class Stopped(Exception):
    """The caller asked the pool to stop while it waited for a result."""


def _wait(pool: ProcessPoolExecutor, future: Future[R], stop: Callable[[], bool] | None) -> None:
    """Wait until `future` is done, never forever: a worker that died without the
    pool noticing (killed while writing a result: the pool's reader then waits
    for the rest of it) breaks the pool by hand; `stop()` true raises Stopped."""
    dead_since: float | None = None
    while True:
        with suppress(TimeoutError):
            future.exception(timeout=POLL)
            return
        if stop is not None and stop():
            raise Stopped
        if not any(process.exitcode is not None for process in _processes(pool)):
            dead_since = None
        elif dead_since is None:
            dead_since = time.monotonic()
        elif time.monotonic() - dead_since > DEAD_GRACE:
            _break(pool)


def _processes(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    return list((getattr(pool, "_processes", None) or {}).values())


def _break(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and close this process's end of their result pipe,
    so that the pool's manager, even one blocked reading half a result, sees the
    end of it and fails every pending task with BrokenProcessPool."""
    for process in _processes(pool):
        with suppress(OSError, ValueError):
            process.kill()
    queue = getattr(pool, "_result_queue", None)
    writer = getattr(queue, "_writer", None)
    if writer is not None:
        with suppress(OSError):
            writer.close()


def _close(pool: ProcessPoolExecutor, *, finished: bool) -> None:
    """Shut the pool down: waiting for its workers after a finished run, killing
    them after a stop or an error, so that nothing waits on a page in hand."""
    if not finished:
        _break(pool)
    pool.shutdown(wait=True, cancel_futures=True)


def _map_list(fn: Callable[[T], R], items: list[T]) -> list[R]:
    return [fn(item) for item in items]


def _alone(whole: Callable[[list[T]], list[R]], item: T) -> R:
    (result,) = whole([item])
    return result


def _in_chunks(
    fn: Callable[[T], R],
    whole: Callable[[list[T]], list[R]],
    items: Iterable[T],
    chunk: int,
    inline: Callable[[T], bool] | None,
) -> Iterator[R]:
    """ordered_map in this process, `whole` over chunks of `chunk` items."""
    batch: list[T] = []
    for item in items:
        if inline is not None and inline(item):
            yield from whole(batch) if batch else ()
            batch = []
            yield fn(item)
            continue
        batch.append(item)
        if len(batch) >= chunk:
            yield from whole(batch)
            batch = []
    yield from whole(batch) if batch else ()


def chunk_size(total: int | None, jobs: int, most: int = MAX_CHUNK) -> int:
    """Items per task: up to `most`, to spread the cost of a task between
    processes over several pages, but few enough to give every worker at least
    four tasks when the total is known."""
    if total is None:
        return most
    return max(1, min(most, total // (jobs * TASKS_PER_JOB)))


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    jobs: int,
    *,
    crashed: Callable[[T], R],
    inline: Callable[[T], bool] | None = None,
    chunk: int = 1,
    stop: Callable[[], bool] | None = None,
    whole: Callable[[list[T]], list[R]] | None = None,
    relay: Relay[T, R] | None = None,
) -> Generator[R, None, None]:
    """fn(item) for each item, computed on `jobs` processes, yielded in input order.

    Items go to the workers `chunk` at a time; `items` is read lazily, at most
    jobs * chunk * TASKS_PER_JOB items ahead of the result being yielded, so
    memory stays flat however many there are.  `fn` must be picklable (a
    module-level function or a partial of one).  Items for which
    `inline(item)` is true are cheap and computed here.  If a worker process
    dies, the items that were in flight are run again one at a time, and one
    that kills its worker again yields `crashed(item)`; a dead worker never
    leaves the parent waiting.  Once `stop()` turns true, the items in hand
    get STOP_GRACE seconds to finish; a result still awaited then is given
    up, the workers are killed and the generator ends.  With jobs == 1
    everything runs in this process.  `whole`, if given, computes a chunk at
    once (one result per item, in order), in place of fn over its items; an
    item run alone is then a chunk of one.  `relay`, if given, carries the
    chunks' results (not those of items run alone) to this process.
    """
    chunk = max(1, chunk)
    if jobs <= 1:
        yield from map(fn, items) if whole is None else _in_chunks(fn, whole, items, chunk, inline)
        return
    limit = jobs * chunk * TASKS_PER_JOB
    run_chunk = partial(_map_list, fn) if whole is None else whole
    run_alone = fn if whole is None else partial(_alone, whole)
    source = iter(items)
    pending: deque[tuple[list[T], Future[list[R]]]] = deque()
    queued = 0  # items in `pending`
    from concurrent.futures.process import BrokenProcessPool

    unpack: Callable[[Any], list[R]] = list
    folders = ExitStack()
    if relay is not None:
        run_chunk = partial(relay.pack, run_chunk, folders.enter_context(relay.folder()))
        unpack = relay.unpack
    pool = _pool(jobs)
    finished = False
    stopping: list[float] = []  # when stop() was first seen true

    def given_up() -> bool:
        if stop is None or not stop():
            return False
        if not stopping:
            stopping.append(time.monotonic())
        return time.monotonic() - stopping[0] > STOP_GRACE

    def result_of(future: Future[Any]) -> BaseException | None:
        _wait(pool, future, given_up)
        return future.exception()

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
                finished = True
                return
            batch, future = pending.popleft()
            queued -= len(batch)
            error = result_of(future)
            if error is None:
                yield from unpack(future.result())
                continue
            if not isinstance(error, BrokenProcessPool):
                raise error  # fn itself failed: not ours to hide
            # A worker died: run what was lost again, each item alone.
            _close(pool, finished=False)
            pool = _pool(jobs)
            lost = [(batch, future), *pending]
            pending.clear()
            queued = 0
            for batch, future in lost:
                if not isinstance(future.exception(), BrokenProcessPool):
                    yield from unpack(future.result())
                    continue
                for item in batch:
                    alone = _submit(pool, run_alone, item)
                    if isinstance(result_of(alone), BrokenProcessPool):
                        _close(pool, finished=False)
                        pool = _pool(jobs)
                        yield crashed(item)
                    else:
                        yield alone.result()
    except Stopped:
        return
    finally:
        _close(pool, finished=finished)
        folders.close()
