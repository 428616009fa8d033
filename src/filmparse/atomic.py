"""Atomic file output: a file appears at its final path whole, or not at all.

Every output is written to a temporary file in the target's own folder, then
renamed over the target (an atomic step on POSIX and Windows).  A run that is
killed leaves at worst a temporary file, never half an output.  Temporary
files are hidden and recognisable, ``.<name>.filmparse-<8 hex>.tmp``, so that
a later run can sweep stale ones away and nothing mistakes them for outputs.

This protects against a killed process, not against a power cut: files are
not fsync'ed, which would cost more than the parsing on many file systems.
"""

from __future__ import annotations

import os
import re
import secrets
from contextlib import suppress
from types import TracebackType
from typing import TextIO

_MARK = ".filmparse-"
_TEMP_NAME = re.compile(r"^\..+\.filmparse-[0-9a-f]{8}\.tmp$")


def is_temp(name: str) -> bool:
    """Whether a file name is one of our temporary files."""
    return _TEMP_NAME.match(name) is not None


def _open_temp(target: str) -> tuple[int, str]:
    """Create a fresh temporary file next to `target` (and its folder if needed)."""
    folder, name = os.path.split(target)
    made_folder = False
    while True:
        temp = os.path.join(folder, f".{name}{_MARK}{secrets.token_hex(4)}.tmp")
        try:
            # 0o666 and the umask, like any other new file (mkstemp would give 0o600).
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:
            continue
        except FileNotFoundError:
            if made_folder or not folder:
                raise
            # Several workers may get here at once for the same folder: exist_ok.
            os.makedirs(folder, exist_ok=True)
            made_folder = True


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8) to `path` via a temporary file and a rename."""
    with AtomicFile(path) as handle:
        handle.write(text)


class AtomicFile:
    """A text file written under a temporary name and renamed into place.

    As a context manager it commits on success and discards on an exception.
    ``commit()`` renames the file into place; ``discard()`` removes it.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        fd, self.temp = _open_temp(self.path)
        try:
            self._handle: TextIO = open(fd, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        except BaseException:
            os.close(fd)
            os.unlink(self.temp)
            raise

    def write(self, text: str) -> None:
        self._handle.write(text)

    def commit(self) -> None:
        try:
            self._handle.close()
            os.replace(self.temp, self.path)
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


def sweep_temps(folder: str | os.PathLike[str], *, recursive: bool, name: str | None = None) -> int:
    """Remove the temporary files a killed run left in `folder`; how many.

    With `name`, only those of that one output file (``.<name>.filmparse-*``).
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
                    ):
                        with suppress(OSError):
                            os.unlink(entry.path)
                            removed += 1
        except OSError:
            continue  # an unreadable folder holds nothing we could remove
    return removed
