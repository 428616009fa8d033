"""Reading one page file: '.gz' decompressed, a size limit, every failure a typed error."""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from collections.abc import Callable

from ..errors import FilmParseError

DEFAULT_MAX_BYTES = 10_000_000  # the largest page read (decompressed), in bytes


def page_error(path: str, message: str, *, section: str, expected: str) -> FilmParseError:
    """An error about a page as a whole, not a place in it: line 1, column 1.

    Sections: 'file' (cannot be read), 'output' (its JSON cannot be written),
    'worker' (its worker process died), 'internal' (a bug, to report).
    """
    return FilmParseError(message, line=1, column=1, section=section, expected=expected, path=path)


def file_error(path: str, message: str) -> FilmParseError:
    """The error of a page that could not be read at all."""
    return page_error(path, message, section="file", expected="a readable UTF-8 page file")


def too_big(path: str, max_bytes: int, *, size: int | None) -> FilmParseError:
    """The error of a page over the size limit (`size` None: a .gz page, whose
    decompressed size is only known to be over it)."""
    if size is None:
        message = f"the page decompresses to more than the limit of {max_bytes:,} bytes"
    else:
        message = f"the page is {size:,} bytes, over the limit of {max_bytes:,} bytes"
    return page_error(
        path,
        message,
        section="file",
        expected=f"a page of at most {max_bytes:,} bytes",
    )


def read_page(path: str, max_bytes: int | None = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a page file, decompressed if its name ends in '.gz'.

    Raises FilmParseError (section 'file') for a file that is missing,
    unreadable, not a regular file, or not valid gzip, and for a page of
    more than `max_bytes` bytes (None: no limit).  A plain file is refused
    by its size, before anything is read; a gzip file is decompressed up to
    one byte past the limit and no further, so a gzip bomb costs at most
    `max_bytes` of memory.
    """
    try:
        # O_NONBLOCK: a FIFO named like a page must not hang the run.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            if stat.S_ISDIR(info.st_mode):
                raise file_error(path, "this is a folder, not a page file")
            raise file_error(path, "this is not a regular file")
        gzipped = path.lower().endswith(".gz")
        if max_bytes is not None and not gzipped and info.st_size > max_bytes:
            os.close(fd)
            raise too_big(path, max_bytes, size=info.st_size)
        with open(fd, "rb") as handle:
            if gzipped:
                with gzip.GzipFile(fileobj=handle) as unzipped:
                    data = read_at_most(unzipped.read, max_bytes)
            else:
                data = read_at_most(handle.read, max_bytes)  # it may have grown since fstat
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise file_error(path, f"not a valid gzip file: {exc}") from None
    except OSError as exc:
        raise file_error(path, f"cannot read the file: {exc.strerror or exc}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise too_big(path, max_bytes, size=None if gzipped else len(data))
    return data


def read_at_most(read: Callable[[int], bytes], max_bytes: int | None) -> bytes:
    """All that `read` gives, or its first max_bytes + 1 bytes (enough to know it
    is too long).  Shared with sources that read from other file objects."""
    if max_bytes is None:
        return read(-1)
    parts: list[bytes] = []
    wanted = max_bytes + 1
    while wanted > 0:
        part = read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)
