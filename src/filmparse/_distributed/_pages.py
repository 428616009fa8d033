"""One page on a worker: read it from a local path or an fsspec URL.

The conversion itself is the one-machine engine's (``engine.convert_page``
with a ``sources.Page`` whose reader is `read_location`), so every page-level
behaviour (fatal codes, fail_on, require_sections, the export, its errors) is
the same; a failure is a result, never an exception.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Collection
from functools import partial
from typing import Any

from ._listing import is_local
from ._optional import url_to_fs
from ._reuse import (
    DEFAULT_MAX_BYTES,
    FATAL_CODES,
    Film,
    FilmParseError,
    Page,
    engine_parse_page,
    file_error,
    internal,
    page_stem,
    read_at_most,
    read_page,
    too_big,
)


def read_bytes(
    location: str,
    name: str,
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    storage_options: dict[str, Any] | None = None,
) -> bytes:
    """A page's bytes (``.gz`` decompressed); a FilmParseError naming `name` when
    it cannot be read or is over `max_bytes`, as ``read_page`` on one machine."""
    if is_local(location):
        try:
            return read_page(location, max_bytes)
        except FilmParseError as exc:
            raise exc.with_path(name) from None
    fs, path = url_to_fs(location, storage_options)
    gzipped = location.lower().endswith(".gz")
    try:
        with fs.open(path, "rb") as handle:
            size = getattr(handle, "size", None)
            if max_bytes is not None and not gzipped and size is not None and size > max_bytes:
                raise too_big(name, max_bytes, size=size)
            if gzipped:
                with gzip.GzipFile(fileobj=handle) as unzipped:
                    data = read_at_most(unzipped.read, max_bytes)
            else:
                data = read_at_most(handle.read, max_bytes)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise file_error(name, f"not a valid gzip file: {exc}") from None
    except FileNotFoundError:
        raise file_error(name, "cannot read the file: no such file or object") from None
    except IsADirectoryError:
        raise file_error(name, "this is a folder, not a page file") from None
    except OSError as exc:
        raise file_error(name, f"cannot read the file: {exc.strerror or exc}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise too_big(name, max_bytes, size=None if gzipped else len(data))
    return data


def read_location(
    location: str,
    storage_options: dict[str, Any] | None,
    name: str,
    max_bytes: int | None,
) -> bytes:
    """A ``sources.Reader`` (bound with functools.partial) for a page at `location`."""
    return read_bytes(location, name, max_bytes=max_bytes, storage_options=storage_options)


def page_at(name: str, location: str, storage_options: dict[str, Any] | None) -> Page:
    """The engine's Page for a page named `name` read from `location`."""
    return Page(name, page_stem(name), reader=partial(read_location, location, storage_options))


def parse_page(
    name: str,
    location: str,
    *,
    strict: bool,
    max_bytes: int | None,
    storage_options: dict[str, Any] | None,
    require_sections: bool = False,
    fail_on: Collection[str] = FATAL_CODES,
) -> Film | FilmParseError:
    """The page's Film or error, as ``parse_many`` gives it."""
    try:
        data = read_bytes(location, name, max_bytes=max_bytes, storage_options=storage_options)
        return engine_parse_page(
            data, name, strict=strict, require_sections=require_sections, fail_on=fail_on
        )
    except FilmParseError as exc:
        return exc
    except Exception as exc:  # a bug in the parser must not stop the other pages
        return internal(name, f"{type(exc).__name__}: {exc}")
