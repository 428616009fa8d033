"""Sources: where the pages of a run come from.

A source is anything that yields ``Page`` objects in a stable order, lazily
(a listing of millions of pages is never held at once).  A page is a path
string (``source.path`` of its export), an output name, and a ``reader``
that gets its bytes, raising ``FilmParseError`` in section 'file' when it
cannot; the engine calls ``page.read(max_bytes)`` in the worker.  Local
files are ``find_pages`` (folders, stdin lists) read by ``read_page``
(``.gz``, size limits); a source elsewhere gives its pages its own reader
(``read_at_most`` and ``too_big`` keep its limits alike).
"""

from ._local import DEFAULT_GLOB, find_pages
from ._page import Page, Reader, original_bytes, page_stem, source_path
from ._read import DEFAULT_MAX_BYTES, file_error, page_error, read_at_most, read_page, too_big

__all__ = [
    "DEFAULT_GLOB",
    "DEFAULT_MAX_BYTES",
    "Page",
    "Reader",
    "file_error",
    "find_pages",
    "original_bytes",
    "page_error",
    "page_stem",
    "read_at_most",
    "read_page",
    "source_path",
    "too_big",
]
