"""Pages on the local file system: files, folders walked lazily, lists on stdin."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter

from ._page import Page, name_stem, page_stem

DEFAULT_GLOB = "*.txt"
_NAME = attrgetter("name")


def find_pages(
    inputs: Iterable[str],
    glob: str | Iterable[str] = DEFAULT_GLOB,
    *,
    stdin: Iterable[str] = (),
    exclude: str | os.PathLike[str] | None = None,
) -> Iterator[Page]:
    """Every page named by `inputs`, in a stable order, lazily.

    A file is taken as it is, whatever its name; a folder is walked
    recursively in name order, taking the files whose name (less a final
    '.gz') matches `glob` (one pattern, or several: any of them), skipping
    hidden entries ('.name'), symbolic links to folders and the folder
    `exclude` (the output folder); '-' reads one input per line from
    `stdin`.  A folder that cannot be listed, and a link that cannot be
    followed (a loop), are yielded as pages whatever their name, so that
    reading them fails and the loss is reported.  Only one folder's listing
    at a time is held in memory, never the whole tree.
    """
    patterns = [glob] if isinstance(glob, str) else list(glob)
    match = re.compile("|".join(map(fnmatch.translate, patterns)) or "(?!)").match
    excluded = _identity(exclude) if exclude is not None else None
    for given in inputs:
        if given == "-":
            for line in stdin:
                path = line.rstrip("\r\n")
                if path:
                    yield from _pages_of(path, match, excluded)
        else:
            yield from _pages_of(given, match, excluded)


def _unresolvable(entry: os.DirEntry[str]) -> bool:
    """Whether `entry`, a symbolic link, cannot be followed (a loop, say)."""
    try:
        entry.stat()
    except FileNotFoundError:
        return False  # dangling: taken or skipped by its name, and then fails to read
    except OSError:
        return True
    return False


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
                entries = sorted(listing, key=_NAME)
        except OSError:
            yield Page(folder, prefix.rstrip("/") or page_stem(folder))
            continue
        folders: list[tuple[str, str]] = []
        # The main process lists every page (twice: once to count them), so this
        # loop is kept lean: each entry's name is looked at once.
        for entry in entries:
            name = entry.name
            if name[:1] == ".":
                continue
            base = name[:-3] if name[-3:].lower() == ".gz" else name
            if entry.is_dir(follow_symlinks=False):
                if excluded is None or _identity(entry.path) != excluded:
                    folders.append((entry.path, f"{prefix}{name}/"))
                continue
            if entry.is_symlink():
                if _unresolvable(entry):
                    # A link loop (ELOOP) may be a folder or a page: a failed entry,
                    # never a reason to stop the walk or to drop it unseen.
                    yield Page(entry.path, prefix + name_stem(base))
                    continue
                if entry.is_dir():
                    continue  # a link to a folder is not followed
            if match(base) or match(name):
                yield Page(entry.path, prefix + name_stem(base))
        stack.extend(reversed(folders))  # files first, then sub-folders, in name order
