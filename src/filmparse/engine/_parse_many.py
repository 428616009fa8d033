"""``parse_many``: the engine for Python callers, yielding Films."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sized
from functools import partial
from typing import TypeVar

from ..errors import FilmParseError
from ..models import Film
from ..sources import DEFAULT_GLOB, DEFAULT_MAX_BYTES, find_pages
from ._pool import chunk_size, default_jobs, ordered_map
from ._worker import load_page, worker_died

P = TypeVar("P", bound="str | os.PathLike[str]")


def _parse_one(
    path: str | os.PathLike[str], strict: bool, max_bytes: int | None, require_sections: bool
) -> Film | FilmParseError:
    try:
        return load_page(
            os.fspath(path), strict=strict, max_bytes=max_bytes, require_sections=require_sections
        )[1]
    except FilmParseError as exc:
        return exc


def _parse_pair(
    path: P,
    *,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    require_sections: bool = False,
) -> tuple[P, Film | FilmParseError]:
    return path, _parse_one(path, strict, max_bytes, require_sections)


def _crashed_pair(path: P) -> tuple[P, Film | FilmParseError]:
    name: str | os.PathLike[str] = path
    return path, worker_died(os.fspath(name))


def _walked(paths: Iterable[P], glob: str) -> Iterator[P | str]:
    """Each path, a folder replaced by the pages found in it (``find_pages``)."""
    for path in paths:
        given: str | os.PathLike[str] = path
        if os.path.isdir(given):
            for page in find_pages([os.fspath(given)], glob):
                yield page.path
        else:
            yield path


def parse_many(
    paths: Iterable[P],
    jobs: int | None = None,
    *,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    require_sections: bool = False,
    glob: str = DEFAULT_GLOB,
) -> Iterator[tuple[P | str, Film | FilmParseError]]:
    """Parse many page files on `jobs` processes (default: every core).

    Yields ``(path, Film)`` or ``(path, FilmParseError)`` for each path, in
    input order, with each path as given.  A folder is walked as
    ``find_pages`` walks it (recursively, in name order, the files matching
    `glob`), each of its pages yielded with its path as a string.  Works the
    same from a script without an ``if __name__ == "__main__":`` guard, from
    ``python -c`` and from a notebook: workers never re-run the caller's
    ``__main__``.  `paths` is read lazily, so it may
    be a generator of millions of paths; memory stays flat.  A page that
    cannot be read (missing, a folder, corrupt gzip, more than `max_bytes`
    bytes, decompressed; None for no limit) yields a FilmParseError in
    section 'file'.  ``.gz`` files are decompressed.  With ``strict=False``
    pages are parsed leniently: only unreadable pages and text that is no film
    page (FATAL_CODES) give errors, and each Film carries its ``diagnostics``.
    ``require_sections``: see ``parse``.  With ``jobs=1`` all the work happens
    in this process.
    """
    count = default_jobs() if jobs is None else jobs
    if count < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if max_bytes is not None and max_bytes < 0:
        raise ValueError(f"max_bytes must be at least 0 (or None), not {max_bytes}")
    total = len(paths) if isinstance(paths, Sized) else None  # a guess, with folders
    chunk = chunk_size(total, count)
    parse_pair: Callable[[P | str], tuple[P | str, Film | FilmParseError]] = partial(
        _parse_pair, strict=strict, max_bytes=max_bytes, require_sections=require_sections
    )
    return ordered_map(parse_pair, _walked(paths, glob), count, crashed=_crashed_pair, chunk=chunk)
