"""JSON Schema of the export, and validation of exports against it.

Two validators, one schema.  `jsonschema` (the reference implementation)
checks the schema itself and explains failures path by path; every export the
library writes goes through `jsonschema_rs` first, which answers the same
question about 150 times faster (12 ms against 0.07 ms for the reference
page), so that validating costs nothing next to parsing.  The test suite
checks that the two agree.

Data that is no JSON value at all (a lone surrogate, a key that is not text,
NaN or an infinity, an integer of thousands of digits, nesting 100,000 deep)
gets the same answer as any other bad value: not valid, with its JSON path
named, never an exception from either validator.
"""

from __future__ import annotations

import json
import math
import re
import reprlib
from collections.abc import Iterator, Sequence
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import orjson

from .errors import Error

if TYPE_CHECKING:  # jsonschema is imported when a message is needed (~90 ms of start-up)
    from jsonschema.exceptions import ValidationError

SCHEMA_FILE = "film.schema.json"
INT64_MAX = 2**63 - 1  # the schema's bound on every integer: an int64 column holds it
# Deeper than any export nests (4 levels): past it a value is reported, not
# walked, so no validator recurses without bound.
MAX_DEPTH = 64

Path = tuple[str | int, ...]


@lru_cache(maxsize=1)
def _schema_text() -> str:
    return (resources.files("filmparse") / SCHEMA_FILE).read_text(encoding="utf-8")


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every export satisfies; a fresh copy."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def json_path(error: ValidationError) -> str:
    """$.reviews[2].rating style path of a validation error."""
    return _path_text(tuple(error.absolute_path))


def _path_text(parts: Path) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{_printable(part)}"
    return path


def _printable(text: str) -> str:
    """`text`, with lone surrogates escaped so that it can be printed or encoded."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_SURROGATE = re.compile("[\ud800-\udfff]")
_shown = reprlib.Repr()  # a value in a message: long strings and lists cut short
_shown.maxstring = _shown.maxother = 80
_shown.maxlevel = 3


class _Refused:
    """Stands in for a value the reference validator must not see (its repr
    would fail or recurse): any schema type refuses it, and messages show
    `what` instead."""

    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = what

    def __repr__(self) -> str:
        return self.what


def _not_json(value: Any, path: Path, depth: int, found: list[tuple[Path, str]]) -> Any:
    """`value` with what no JSON text can hold replaced by a _Refused, each
    one added to `found` with its path; recursion stops at MAX_DEPTH."""
    if isinstance(value, str):
        if value.isascii() or not _SURROGATE.search(value):
            return value
        found.append((path, f"expected Unicode text, got {_shown.repr(value)} (a lone surrogate)"))
        return _Refused(repr(value))
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):  # from 2**64 on a repr costs more than the value is worth
        return value if value.bit_length() <= 64 else _Refused(_huge(value))
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        found.append((path, f"expected a finite number (JSON has no NaN or Infinity), got {value}"))
        return _Refused(str(value))
    if not isinstance(value, dict | list | tuple):
        found.append((path, f"expected a JSON value, got a {type(value).__name__}"))
        return _Refused(f"a {type(value).__name__}")
    if depth >= MAX_DEPTH:
        found.append((path, f"expected at most {MAX_DEPTH} levels of nesting, got more"))
        return _Refused(f"a {type(value).__name__} nested more than {MAX_DEPTH} deep")
    if not isinstance(value, dict):  # a tuple too: jsonschema_rs takes it for an array
        return [_not_json(item, (*path, i), depth + 1, found) for i, item in enumerate(value)]
    clean = {}
    for key, item in value.items():
        if not isinstance(key, str):
            found.append(((*path, repr(key)), f"expected a text key, got {type(key).__name__}"))
        elif not key.isascii() and _SURROGATE.search(key):
            found.append(((*path, key), "expected a text key, got one with a lone surrogate"))
        else:
            clean[key] = _not_json(item, (*path, key), depth + 1, found)
    return clean


def _plain_json(data: Any) -> bool:
    """Whether `data` reads back as itself from its JSON text (so holds nothing
    _not_json would replace): the native-code answer for most bad exports."""
    try:
        return bool(orjson.loads(orjson.dumps(data)) == data)
    except (TypeError, ValueError, RecursionError):  # orjson.JSONEncodeError is a TypeError
        return False


def _huge(value: int) -> str:
    digits = int(value.bit_length() * math.log10(2)) + 1
    return f"an integer of about {digits:,} digits"


def _sort_key(path: Path) -> list[str]:
    return [str(part) for part in path]


def schema_errors(data: Any) -> Iterator[tuple[str, str]]:
    """Every (json path, message) where `data` breaks the schema, in path order."""
    found: list[tuple[Path, str]] = []
    clean = data if _plain_json(data) else _not_json(data, (), 0, found)
    errors = _reference_errors(clean)
    # sorted() is stable: a value that is no JSON comes before what the schema says of it
    problems: Sequence[tuple[Path, str | ValidationError]] = sorted(
        [*found, *errors], key=lambda item: _sort_key(item[0])
    )
    reported: set[Path] = set()
    for parts, problem in problems:
        if isinstance(problem, str):
            reported.add(parts)
            yield _path_text(parts), problem
        elif parts not in reported or problem.validator in ("required", "additionalProperties"):
            reported.add(parts)  # one message per bad value: its pattern *and* format failing
            yield _path_text(parts), _message(problem)


def _reference_errors(data: Any) -> list[tuple[Path, ValidationError]]:
    """The reference validator's errors, found fast: jsonschema_rs points at
    the bad parts (one dialogue line of 261, say) and jsonschema explains just
    those, about 100 times sooner than it reads the whole export."""
    root = _validator()
    try:
        pointed = {tuple(e.instance_path) for e in _fast_validator().iter_errors(data)}
    except (TypeError, ValueError, RecursionError):  # a stand-in: jsonschema_rs cannot read it
        return _errors(root, data, ())
    if not pointed:  # the two agree (tested): valid data costs no Python validation
        return []
    if not isinstance(data, dict):
        return _errors(root, data, ())
    errors = _errors(root.evolve(schema=_root_only()), data, ()) if () in pointed else []
    properties = root.schema["properties"]
    for unit in sorted({_unit(data, path) for path in pointed if path}, key=_sort_key):
        key, *index = unit
        schema = properties[key]["items"] if index else properties[key]
        value = data[key][index[0]] if index else data[key]
        errors += _errors(root.evolve(schema=schema), value, unit)
    return errors


def _unit(data: dict[str, Any], path: Path) -> Path:
    """What to check again for an error at `path`: an entry of a list, or a
    top-level value."""
    key = path[0]
    if len(path) > 1 and isinstance(data.get(str(key)), list) and isinstance(path[1], int):
        return path[:2]
    return path[:1]


@lru_cache(maxsize=1)
def _root_only() -> dict[str, Any]:
    """The schema's own keywords on the record (type, required keys, no
    others) without those of its values."""
    schema = json_schema()
    schema["properties"] = dict.fromkeys(schema["properties"], True)
    return schema


def _errors(validator: Any, value: Any, prefix: Path) -> list[tuple[Path, ValidationError]]:
    return [((*prefix, *e.absolute_path), e) for e in validator.iter_errors(value)]


def _message(error: ValidationError) -> str:
    """ "expected <what the schema describes>, got <value>" where the schema says."""
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    shown = _printable(_shown.repr(error.instance))
    if description and error.validator not in ("required", "additionalProperties"):
        return f"expected {description}, got {shown}"
    if error.validator == "type":  # jsonschema's message would quote all of a large value
        kinds = error.validator_value
        kinds = " or ".join(kinds) if isinstance(kinds, list) else kinds
        return f"expected {kinds}, got {shown}"
    message = _printable(error.message)
    return message if len(message) <= 300 else f"{message[:300]}..."


@lru_cache(maxsize=1)
def _fast_validator() -> Any:
    # (The reference implementation vets the schema in tests/test_reference_page.py.)
    return jsonschema_rs.validator_for(json_schema(), validate_formats=True)


def is_valid(data: Any, *, encoded: bytes | None = None) -> bool:
    """Whether `data` satisfies the schema (the fast validator).

    orjson's writer, in native code like jsonschema_rs, first refuses what is
    no JSON value: keys that are not text, lone surrogates, integers beyond
    64 bits (jsonschema_rs takes 10**5000 for any number) and nesting past
    255 levels; jsonschema_rs refuses NaN and the infinities.  `encoded`:
    orjson's text of `data` (any options), when the caller wrote it anyway:
    it proves the same, so it is not written again.
    """
    try:
        if encoded is None:
            orjson.dumps(data)
        return bool(_fast_validator().is_valid(data))
    except (TypeError, ValueError, RecursionError):  # orjson.JSONEncodeError is a TypeError
        return False


class SchemaError(Error):
    """An export that does not satisfy the schema; `.problems` lists them.

    str() gives one "<json path>: <message>" line per problem.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{path}: {message}" for path, message in problems))


def problems(data: Any, *, encoded: bytes | None = None) -> list[tuple[str, str]]:
    """Every (json path, message) where `data` breaks the schema; [] when it fits.

    The fast validator answers; only a bad value pays for the messages.
    `encoded`: see ``is_valid``."""
    if is_valid(data, encoded=encoded):
        return []
    return list(schema_errors(data)) or [("$", "does not match the schema")]


def check(data: Any, *, encoded: bytes | None = None) -> None:
    """Raise SchemaError naming every problem unless `data` fits the schema.
    `encoded`: orjson's text of `data`, if the caller has it (see ``is_valid``)."""
    found = problems(data, encoded=encoded)
    if found:
        raise SchemaError(found)
