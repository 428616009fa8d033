"""Atomic file output: a file appears at its final path whole, or not at all.

Every output is written to a temporary file in the target's own folder, then
renamed over the target (an atomic step on POSIX and Windows).  A run that is
killed leaves at worst a temporary file, never half an output.  Temporary
files are hidden and recognisable, ``.<name>.filmparse-<pid>-<8 hex>.tmp``, so
that a later run can sweep stale ones away and nothing mistakes them for outputs.
A temporary file is locked (``flock``) by the process writing it for as long as
it is open, so a sweep removes only those no live process owns (where there is
no ``flock``, the owner's pid in the name is checked instead), and a second run
writing the same file sees the first one and refuses (``OutputBusyError``).

This protects against a killed process, not against a power cut: files are
not fsync'ed, which would cost more than the parsing on many file systems.
"""

from __future__ import annotations

import errno
import os
import re
from contextlib import suppress
from types import TracebackType
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: the owner's pid in the name tells who is alive
    fcntl = None  # type: ignore[assignment]

_MARK = ".filmparse-"
_TEMP_NAME = re.compile(r"^\..+\.filmparse-(?:(\d+)-)?[0-9a-f]{8}\.tmp$")


class OutputBusyError(OSError):
    """Another live process is writing the same output file."""

    def __init__(self, path: str, owner: int | None) -> None:
        who = f"another filmparse run (pid {owner})" if owner else "another filmparse run"
        super().__init__(
            errno.EBUSY, f"{who} is writing it; wait for it to end or write elsewhere", path
        )


def is_temp(name: str) -> bool:
    """Whether a file name is one of our temporary files."""
    return _TEMP_NAME.match(name) is not None


# The random part of this process's temporary names, drawn once per process
# (the target's name already tells its files apart): one getrandom a run, not
# one a file.  A clash (two writers of one target in one process) draws anew.
_token: tuple[int, str] = (0, "")


def _suffix(fresh: bool = False) -> str:
    global _token
    pid = os.getpid()
    if fresh or _token[0] != pid:  # a forked worker draws its own
        _token = (pid, os.urandom(4).hex())
    return f"{_MARK}{pid}-{_token[1]}.tmp"


def _open_temp(target: str) -> tuple[int, str]:
    """Create a fresh temporary file next to `target` (and its folder if needed)."""
    folder, name = os.path.split(target)
    made_folder = False
    clash = False
    while True:
        temp = os.path.join(folder, f".{name}{_suffix(clash)}")
        try:
            # 0o666 and the umask, like any other new file (mkstemp would give 0o600).
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            if fcntl is not None:
                with suppress(OSError):  # no locks on this file system: the pid tells
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # ours while it is open
            return fd, temp
        except FileExistsError:
            clash = True
            continue
        except FileNotFoundError:
            if made_folder or not folder:
                raise
            # Several workers may get here at once for the same folder: exist_ok.
            os.makedirs(folder, exist_ok=True)
            made_folder = True


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write `text` (bytes as they are, a str as UTF-8) to `path` via a
    temporary file and a rename.

    The one-page-per-file output calls this for every page: it writes the
    bytes straight to the descriptor (no file object: no fstat, isatty and
    seek calls per file), six system calls in all.
    """
    # before the temp file: an unencodable text leaves none
    data = text.encode("utf-8") if isinstance(text, str) else text
    target = os.fspath(path)
    fd, temp = _open_temp(target)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if fcntl is None:  # Windows renames no open file
            os.close(fd)
            fd = -1
        os.replace(temp, target)  # still locked: no sweep can take it in between
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    finally:
        if fd >= 0:
            os.close(fd)


class AtomicFile:
    """A file written under a temporary name and renamed into place: bytes as
    they are, text as UTF-8.

    As a context manager it commits on success and discards on an exception.
    ``commit()`` renames the file into place; ``discard()`` removes it.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        fd, self.temp = _open_temp(self.path)
        try:
            self._handle: BinaryIO = open(fd, "wb")  # noqa: SIM115
        except BaseException:
            os.close(fd)
            os.unlink(self.temp)
            raise

    def write(self, text: str | bytes) -> None:
        self._handle.write(text.encode("utf-8") if isinstance(text, str) else text)

    def commit(self) -> None:
        try:
            if fcntl is None:  # Windows renames no open file
                self._handle.close()
                os.replace(self.temp, self.path)
            else:  # renamed while still locked: no sweep can take it in between
                self._handle.flush()
                os.replace(self.temp, self.path)
                self._handle.close()
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with suppress(OSError):
            self._handle.close()
        with suppress(FileNotFoundError):
            os.unlink(self.temp)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def owner(path: str | os.PathLike[str]) -> int | None:
    """The live process writing the temporary file at `path` (0 if its pid is
    unknown), or None when no live process owns it: a killed run's leftover."""
    match = _TEMP_NAME.match(os.path.basename(path))
    pid = int(match[1]) if match is not None and match[1] else 0
    if fcntl is None:
        return pid if pid and alive(pid) else None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None  # gone already
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return pid
    except OSError:  # no locks on this file system
        return pid if pid and alive(pid) else None
    finally:
        os.close(fd)
    return None


def alive(pid: int) -> bool:
    """Whether process `pid` runs (ours to signal or not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive, not ours to signal
    return True


def live_writer(path: str | os.PathLike[str], *, besides: str | None = None) -> int | None:
    """The live process (0: pid unknown) writing a temporary file of the output
    at `path`, other than `besides`; None if there is none."""
    folder, name = os.path.split(os.fspath(path))
    try:
        with os.scandir(folder or ".") as entries:
            temps = [
                entry.path
                for entry in entries
                if is_temp(entry.name) and entry.name.startswith(f".{name}{_MARK}")
            ]
    except OSError:
        return None
    for temp in temps:
        if besides is not None and os.path.basename(temp) == os.path.basename(besides):
            continue
        found = owner(temp)
        if found is not None:
            return found
    return None


def sweep_temps(folder: str | os.PathLike[str], *, recursive: bool, name: str | None = None) -> int:
    """Remove the temporary files a killed run left in `folder`; how many.

    With `name`, only those of that one output file (``.<name>.filmparse-*``).
    A temporary file a live process is writing is left alone.
    """
    removed = 0
    stack = [os.fspath(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if recursive and entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif is_temp(entry.name) and (
                        name is None or entry.name.startswith(f".{name}{_MARK}")
                    ) and owner(entry.path) is None:
                        with suppress(OSError):
                            os.unlink(entry.path)
                            removed += 1
        except OSError:
            continue  # an unreadable folder holds nothing we could remove
    return removed
