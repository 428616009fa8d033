"""One page on a worker: read it (local path or fsspec URL), parse, export.

What a page becomes is what ``filmparse convert`` makes of it: the same JSON
text (``to_dict`` plus ``source``, schema-checked, one line) and the same
errors; a failure is a result, never an exception, so one bad page never
fails its partition.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from typing import Any

from ._listing import is_local
from ._optional import url_to_fs
from ._reuse import (
    DEFAULT_MAX_BYTES,
    Film,
    FilmParseError,
    PageResult,
    SchemaError,
    check,
    dumps,
    engine_parse_page,
    file_error,
    internal,
    read_at_most,
    read_page,
    to_dict,
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


def parse_page(
    name: str,
    location: str,
    *,
    strict: bool,
    max_bytes: int | None,
    storage_options: dict[str, Any] | None,
) -> tuple[bytes | None, Film | FilmParseError]:
    """The page's bytes (None if unreadable) and its Film or error."""
    try:
        data = read_bytes(location, name, max_bytes=max_bytes, storage_options=storage_options)
    except FilmParseError as exc:
        return None, exc
    try:  # the one-machine engine's own parse: the same failures (FATAL_CODES) alike
        return data, engine_parse_page(data, name, strict=strict)
    except FilmParseError as exc:
        return data, exc
    except Exception as exc:  # a bug in the parser must not stop the other pages
        return data, internal(name, f"{type(exc).__name__}: {exc}")


def convert_page(
    name: str,
    location: str,
    *,
    strict: bool,
    max_bytes: int | None,
    storage_options: dict[str, Any] | None,
) -> PageResult:
    """The JSONL row of a page, or its error, as ``filmparse convert --jsonl`` has it."""
    data, parsed = parse_page(
        name, location, strict=strict, max_bytes=max_bytes, storage_options=storage_options
    )
    sha256 = hashlib.sha256(data).hexdigest() if data is not None else None
    if isinstance(parsed, FilmParseError):
        return PageResult(name, sha256=sha256, error=parsed)
    try:
        record = to_dict(parsed)
        record["source"] = {"path": name, "sha256": sha256}
        check(record)
        text = dumps(record, None) + "\n"
    except SchemaError as exc:  # a bug: the export must fit its own schema
        error = internal(name, f"the export breaks the schema: {exc}")
        return PageResult(name, sha256=sha256, error=error)
    except Exception as exc:
        return PageResult(name, sha256=sha256, error=internal(name, f"{type(exc).__name__}: {exc}"))
    return PageResult(name, sha256=sha256, record=record, text=text, diagnostics=parsed.diagnostics)
