"""The compiled grammar kept between runs: building it from its text costs
~30 ms of every start of the command, loading it back ~2 ms.

The cache is a pickle in the user's cache folder (``$XDG_CACHE_HOME`` or
``~/.cache``, then ``filmparse/``), named by a digest of everything the
compiled grammar follows from: the grammar's parts, the code that compiles
them (grammar.py, this module), parsimonious' own files and the Python
version.  So a changed grammar or library never reads a stale one.  A pickle
runs code when loaded, so only a file the user owns, that no one else may
write, is read.  It is written atomically (temp file + rename); any failure
to read or write it falls back to building, silently.
``FILMPARSE_GRAMMAR_CACHE=0`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_SWITCH = "FILMPARSE_GRAMMAR_CACHE"


def cache_folder() -> Path | None:
    """Where the cache lives; None when there is no home folder to put it in."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home == "~" or not os.path.isabs(home):
            return None  # not a relative ./~ in whatever folder we run in
        base = os.path.join(home, ".cache")
    return Path(base) / "filmparse"


def _key(parts: Iterable[tuple[str, str]], code: Iterable[str]) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for where, text in parts:
        digest.update(f"\0{where}\0{text}".encode("utf-8", "surrogatepass"))
    for path in code:  # the compiling code and parsimonious': their bytes
        with suppress(OSError):
            digest.update(b"\0" + Path(path).read_bytes())
    return digest.hexdigest()[:32]


def cached(
    parts: list[tuple[str, str]], code: Iterable[str], build: Callable[[], T], kind: type[T]
) -> T:
    """What `build()` gives for these grammar parts and compiling code (a `kind`),
    from the cache if it holds one."""
    folder = cache_folder()
    if folder is None or os.environ.get(_SWITCH, "1") == "0":
        return build()
    path = folder / f"grammar-{_key(parts, [__file__, *code])}.pickle"
    found = _load(path)
    if isinstance(found, kind):
        return found
    value = build()
    _store(path, value)
    return value


def _load(path: Path) -> object | None:
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not _trusted(info):
                return None
            found: object = pickle.load(handle)
            return found
    except Exception:  # missing, unreadable, truncated or from another version: rebuild
        return None


def _trusted(info: os.stat_result) -> bool:
    """A regular file of this user that neither group nor others may write."""
    own = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISREG(info.st_mode) and own and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _store(path: Path, value: object) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except Exception:  # a read-only home, a full disk, an unpicklable grammar: no cache
        with suppress(OSError):
            os.unlink(temp)
