"""A chunk's JSON texts from a worker to the main process through a file.

Through the pool's pipe, a chunk of reference pages is ~1.2 MB of results:
the worker pickles it and writes it 64 kB at a time, waiting for the main
process to read each piece (a thread hand-off and a copy in each process per
piece), and the main process copies it again to unpickle it.  Written to a
file on tmpfs instead, the texts cost the worker one ``writev`` and the main
process one ``pread`` a page, and the pipe carries only the small rest.

The spool folder belongs to one pool (``spool_folder``): the main process
removes it when the pool ends, and the next run removes a folder whose
process is gone (killed before it could).
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from attrs import frozen

from ..atomic import alive
from ..sinks._base import Job, PageResult

PREFIX = "filmparse-spool-"
# Chunks whose texts are smaller than this stay in the pipe: a file costs more.
MIN_BYTES = 64 * 1024
_SUPPORTED = hasattr(os, "writev") and hasattr(os, "pread")  # not on Windows
_names = itertools.count()


@frozen
class Spooled:
    """A chunk's results without their texts, which are in `path` one after
    another: `sizes[i]` bytes for result i (-1: it has none)."""

    path: str
    sizes: tuple[int, ...]
    results: list[PageResult]


def spool_chunk(
    run: Callable[[list[Job]], list[PageResult]], folder: str, jobs: list[Job]
) -> list[PageResult] | Spooled:
    """run(jobs), the texts written to a file of `folder` (in the worker).
    Any failure to write (a full tmpfs, say) sends them through the pipe."""
    results = run(jobs)
    texts = [result.text for result in results]
    if not _SUPPORTED or sum(len(text) for text in texts if text) < MIN_BYTES:
        return results
    path = os.path.join(folder, f"{os.getpid()}-{next(_names)}")
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _write_all(handle, [text for text in texts if text])
        finally:
            os.close(handle)
    except OSError:
        with suppress(OSError):
            os.unlink(path)
        return results
    for result in results:
        _set_text(result, None)
    return Spooled(path, tuple(len(text) if text else -1 for text in texts), results)


def _write_all(handle: int, texts: list[bytes]) -> None:
    """Every byte of `texts`, in as few writes as the kernel allows."""
    limit = os.sysconf("SC_IOV_MAX")
    for start in range(0, len(texts), limit):
        pieces = [memoryview(text) for text in texts[start : start + limit]]
        while pieces:
            written = os.writev(handle, pieces)
            while pieces and written >= len(pieces[0]):
                written -= len(pieces[0])
                pieces.pop(0)
            if pieces and written:
                pieces[0] = pieces[0][written:]


def unspool(chunk: list[PageResult] | Spooled) -> list[PageResult]:
    """The results of a chunk, their texts read back (in the main process);
    the file is removed once open."""
    if not isinstance(chunk, Spooled):
        return chunk
    handle = os.open(chunk.path, os.O_RDONLY)
    try:
        os.unlink(chunk.path)
        at = 0
        for result, size in zip(chunk.results, chunk.sizes, strict=True):
            if size >= 0:
                text = os.pread(handle, size, at)
                if len(text) != size:
                    raise OSError(f"spool file {chunk.path} cut short")
                _set_text(result, text)
                at += size
    finally:
        os.close(handle)
    return chunk.results


def _set_text(result: PageResult, text: bytes | None) -> None:
    # The result is this process's own (just built or just unpickled) and not
    # yet handed to anyone: setting the field beats a copy by attrs.evolve.
    object.__setattr__(result, "text", text)


@contextmanager
def spool_folder() -> Iterator[str]:
    """A new spool folder on tmpfs (/dev/shm) where there is one, else in the
    temporary folder; removed on exit, as are those of dead processes."""
    shm = "/dev/shm"
    parent = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else tempfile.gettempdir()
    _sweep(parent)
    folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sweep(parent: str) -> None:
    """Remove the spool folders of processes that no longer run."""
    with suppress(OSError):
        for entry in os.scandir(parent):
            if not entry.name.startswith(PREFIX):
                continue
            pid = entry.name[len(PREFIX) :].partition("-")[0]
            if pid.isdigit() and not alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)

