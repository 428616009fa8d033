"""A page to convert: a path string, the output name it maps to, and how to read it."""

from __future__ import annotations

import os
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


def page_stem(filename: str) -> str:
    """'sub/page.txt.gz' -> 'page': the name without '.gz' and one more suffix."""
    base = os.path.basename(filename)
    if base.lower().endswith(".gz"):
        base = base[:-3]
    stem, dot, _ = base.rpartition(".")
    return stem if dot and stem else base
