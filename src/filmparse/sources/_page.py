"""A page to convert: a path string, the output name it maps to, and how to read it."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from attrs import field, frozen

from ._read import DEFAULT_MAX_BYTES, read_page

#: Reads the page at a path, refusing more than max_bytes (None: no limit); raises
#: FilmParseError in section 'file' when it cannot.  Workers receive it pickled:
#: a module-level function, or a functools.partial of one (storage options, say).
Reader = Callable[[str, int | None], bytes]


@frozen
class Page:
    """A page of a run.

    `path` is the page as the run names it (``source.path`` of its export): a
    file path here, a URL for other sources.  `name` is its output name,
    '/'-separated, relative to the output folder, without '.json': the stem
    of a page given by name, or its path below the folder given.  `reader`
    gets its bytes; a source of pages elsewhere (object storage, say) gives
    its pages its own reader.
    """

    path: str
    name: str
    reader: Reader = field(default=read_page, repr=False)

    def read(self, max_bytes: int | None = DEFAULT_MAX_BYTES) -> bytes:
        return self.reader(self.path, max_bytes)


def source_path(path: str) -> str:
    """`path` as the outputs name it (``source.path``, the --errors report): always
    valid Unicode text.

    A file name that is not valid UTF-8 reaches Python with its undecodable
    bytes as lone surrogates (``os.fsdecode``), which no UTF-8 output can
    hold.  Each such byte is written as ``\\xNN`` (the ``backslashreplace``
    form: ``caf\\xe9.txt`` for the bytes ``caf\xe9.txt``) and, in such a name
    only, each backslash as ``\\x5c``, so the name's bytes can be recovered
    (``original_bytes``).  Every other path is kept as it is.
    """
    if not _has_surrogates(path):
        return path
    raw = os.fsencode(path)
    return raw.replace(b"\\", b"\\x5c").decode("utf-8", "backslashreplace")


def original_bytes(source: str) -> bytes:
    """The bytes of a file name that was not valid UTF-8, from its ``source_path``
    (a name that was valid UTF-8 is its own ``source_path``: encode it)."""
    if "\\x" not in source:
        return os.fsencode(source)
    return re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]), source.encode())


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def page_stem(filename: str) -> str:
    """'sub/page.txt.gz' -> 'page': the name without '.gz' and one more suffix."""
    base = os.path.basename(filename)
    return name_stem(base[:-3] if base[-3:].lower() == ".gz" else base)


def name_stem(base: str) -> str:
    """'page.txt' -> 'page': a file name (its '.gz' already taken off) without
    one more suffix; a name that would be left empty is kept whole."""
    stem, dot, _ = base.rpartition(".")
    return stem if dot and stem else base
