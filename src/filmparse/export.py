"""Typed models <-> plain dicts and JSON, in one place.

One cattrs converter serves both directions, so the export contract (key
order, dates as ISO strings, tuples as lists) is defined once.  to_dict
writes the same dicts with a function generated per model from its fields,
about twice as fast as the converter's (tested to agree with it).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import typing
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

import attrs
import cattrs
import orjson
from cattrs import transform_error
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .errors import reason
from .models import Film
from .schema import SchemaError, check

SCHEMA_VERSION = 1
# Keys an export may carry besides the Film's own fields (`source` names the
# page a batch row came from); they describe the record, not the film.
_RECORD_KEYS = ("schema_version", "source")

converter = cattrs.Converter(unstruct_collection_overrides={tuple: list})
converter.register_unstructure_hook(dt.date, dt.date.isoformat)
converter.register_structure_hook(dt.date, lambda value, _: dt.date.fromisoformat(value))
# Diagnostics describe the reading of a page, not the film: never exported.
converter.register_unstructure_hook(
    Film, make_dict_unstructure_fn(Film, converter, diagnostics=override(omit=True))
)
converter.register_structure_hook(
    Film, make_dict_structure_fn(Film, converter, diagnostics=override(omit=True))
)


def to_dict(film: Film) -> dict[str, Any]:
    """The export contract: schema_version first, then the Film's fields."""
    data: dict[str, Any] = _film_dict(film)
    if not data["extra_sections"]:  # only lenient parses have any: strict exports stay as they were
        del data["extra_sections"]
    return data


def _value_code(kind: Any, value: str, names: dict[str, Any]) -> str:
    """Python code for the unstructured form of `value` (code), a field of type `kind`."""
    args = typing.get_args(kind)
    origin = typing.get_origin(kind)
    if origin is tuple and attrs.has(args[0]):  # written inline: a call an entry cost 1/3 more
        item = f"x{len(names)}"
        names[item] = None  # (a fresh name for each nested comprehension)
        return f"[{_dict_code(args[0], item, names)} for {item} in {value}]"
    if origin is tuple:  # of str (or of Literal words)
        return f"list({value})"
    if origin is dict:
        return f"{{k: {_value_code(args[1], 'x', names)} for k, x in {value}.items()}}"
    if dt.date in args:  # dt.date | None
        return f"(None if {value} is None else {value}.isoformat())"
    return value


def _dict_code(cls: type, value: str, names: dict[str, Any], first: str = "") -> str:
    """Python code for the dict of the `cls` instance `value` (code)."""
    items = [first] if first else []
    for attribute in attrs.fields(attrs.resolve_types(cls)):
        if attribute.name != "diagnostics":
            code = _value_code(attribute.type, f"{value}.{attribute.name}", names)
            items.append(f"{attribute.name!r}: {code}")
    return "{" + ", ".join(items) + "}"


def _dict_function(cls: type, first: str = "") -> Callable[[Any], dict[str, Any]]:
    """A function of one `cls` instance to its dict, written out for its fields
    (and those of the models in its lists) as cattrs' converter would
    unstructure it (diagnostics left out)."""
    names: dict[str, Any] = {}
    source = f"def as_dict(o):\n    return {_dict_code(cls, 'o', names, first)}"
    exec(compile(source, f"<to_dict {cls.__name__}>", "exec"), names)
    function: Callable[[Any], dict[str, Any]] = names["as_dict"]
    return function


_film_dict = _dict_function(Film, f"'schema_version': {SCHEMA_VERSION}")


def to_json(film: Film, indent: int | None = 2) -> str:
    """JSON text of to_dict(film); indent=None gives one compact line."""
    return dumps(to_dict(film), indent)


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON text, UTF-8 kept readable.  orjson writes the same bytes as the json
    module (tested) about 30 times faster; json covers what orjson cannot
    (other indents, integers beyond 64 bits)."""
    encoded = orjson_text(data, indent)
    if encoded is not None:
        return encoded.decode("utf-8")
    return _json_text(data, indent)


def dumps_bytes(data: Any, indent: int | None = 2, *, newline: bool = False) -> bytes:
    """``dumps(data, indent)`` (and a '\\n' after it if `newline`) as UTF-8
    bytes: what the batch outputs write, never decoded to ``str`` and back."""
    encoded = orjson_text(data, indent, newline=newline)
    if encoded is not None:
        return encoded
    return (_json_text(data, indent) + ("\n" if newline else "")).encode("utf-8")


def orjson_text(data: Any, indent: int | None, *, newline: bool = False) -> bytes | None:
    """orjson's bytes of ``dumps_bytes(data, indent, newline=newline)``, or None
    where dumps writes with json instead (another indent, an integer beyond 64
    bits).  Bytes from here prove `data` is JSON, as ``schema.is_valid`` wants."""
    if indent not in (None, 2):
        return None
    option = orjson.OPT_INDENT_2 if indent == 2 else 0
    if newline:
        option |= orjson.OPT_APPEND_NEWLINE
    try:
        return orjson.dumps(data, option=option)
    except TypeError:  # orjson.JSONEncodeError: e.g. an integer beyond 64 bits
        return None


def _json_text(data: Any, indent: int | None) -> str:
    separators = (",", ":") if indent is None else None
    return json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)


def from_dict(data: Any) -> Film:
    """The Film of an export: the inverse of to_dict.

    The data is checked against the JSON Schema first; SchemaError lists every
    bad value with its JSON path ("$.reviews[2].rating: expected a number
    from 0 to 10, or null, got 11").  Whatever `data` is, SchemaError is the
    only error raised.
    """
    check(data)
    fields = {key: value for key, value in data.items() if key not in _RECORD_KEYS}
    try:
        return converter.structure(fields, Film)
    except Exception as exc:  # a model check the schema cannot express (an unknown ISO code)
        problems = [_located(line) for line in transform_error(exc, format_exception=_reason)]
        raise SchemaError(problems) from None


def _reason(exc: BaseException, _: object) -> str:
    return reason(exc)


def _located(line: str) -> tuple[str, str]:
    """cattrs' "<message> @ $.translations[1]" as (path, message)."""
    message, at, path = line.rpartition(" @ ")
    return (path, message) if at else ("$", line)


class JSONTextError(SchemaError):
    """Text that is not one JSON value: malformed, not UTF-8, NaN or Infinity,
    a number too large for a double, nested deeper than 1024 levels.

    ``line`` and ``column`` are 1-based and count in the text given (for a
    JSONL row: in that row); ``problems`` is ``[("$", message)]``.
    """

    def __init__(self, reason: str, line: int, column: int) -> None:
        self.reason, self.line, self.column = reason, line, column
        super().__init__([("$", f"not valid JSON at line {line}, column {column}: {reason}")])


def loads(text: str | bytes) -> object:
    """The JSON value of `text`; JSONTextError unless it is strictly valid JSON.

    orjson is strict where json.loads is not (NaN, Infinity, 1e400 read as
    inf) and stops at 1024 levels where json.loads recurses until
    RecursionError.  The value may still break the schema: check it, or
    from_dict it.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise _text_error(text, exc) from None


def _text_error(text: str | bytes, exc: orjson.JSONDecodeError) -> JSONTextError:
    """Where orjson stopped; for text that is not UTF-8 (where orjson says
    line 1 column 1) the first bad byte or lone surrogate."""
    if "UTF-8" not in exc.msg:
        return JSONTextError(exc.msg, exc.lineno, exc.colno)
    try:
        decoded = text.decode("utf-8") if isinstance(text, bytes) else text
        decoded.encode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError) as bad:
        where = bad.object[: bad.start]
        prefix = where if isinstance(where, str) else where.decode("utf-8")
        line = prefix.count("\n") + 1
        column = len(prefix) - (prefix.rfind("\n") + 1) + 1
        what = "a lone surrogate" if isinstance(text, str) else "bytes that are not UTF-8"
        return JSONTextError(f"{what} ({bad.reason})", line, column)
    return JSONTextError(exc.msg, exc.lineno, exc.colno)


def read_jsonl(
    source: bytes | str | Iterable[bytes] | Iterable[str],
) -> Iterator[tuple[int, object | JSONTextError]]:
    """(line number, value or JSONTextError) for each row of JSONL, streaming.

    `source` is the whole text, or a file opened in binary mode (or any
    iterable of lines).  Rows end at "\n" only: a row's strings may hold
    U+2028 or U+0085, where str.splitlines would cut them.  Blank lines are
    skipped but counted; a bad row is handed back as its error, so a caller
    reports it with its line number and goes on.
    """
    lines: Iterable[bytes | str]
    if isinstance(source, bytes):
        lines = io.BytesIO(source)  # a binary stream splits at b"\n" alone
    elif isinstance(source, str):
        lines = _rows(source)
    else:  # bytes and str are iterables too: mypy cannot narrow them away
        lines = cast("Iterable[bytes | str]", source)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, loads(line)
        except JSONTextError as exc:
            yield number, exc


def _rows(text: str) -> Iterator[str]:
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end
