"""And back: the export of every page from its table rows (the inverse of the tables)."""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from ._tables import _LINE_TABLES, LAYOUTS, _fields
from .export import SCHEMA_VERSION
from .models import Film


def records(tables: dict[str, pa.Table]) -> Iterator[dict[str, Any]]:
    """The export dict (``to_dict`` plus ``source``) of every film in `tables`, in
    the order of ``films``: the inverse of the tables, whatever read them back."""
    by_page: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for layout in LAYOUTS[1:-1]:
        for row in tables[layout.name].to_pylist():
            by_page.setdefault(row["page_id"], {}).setdefault(layout.name, []).append(row)
    for film in tables["films"].to_pylist():
        children = by_page.get(film["page_id"], {})
        record: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        for layout in LAYOUTS[1:-1]:
            children.setdefault(layout.name, []).sort(key=lambda row: row["position"])
        for name, _ in _fields(Film):
            if name in film:
                value = film[name]
                record[name] = value.isoformat() if isinstance(value, dt.date) else value
        for layout in LAYOUTS[1:-2]:
            rows = children[layout.name]
            skip = {"page_id", "position"}
            if layout.name in _LINE_TABLES.values():
                record[typing.cast(str, layout.field)] = [row["line"] for row in rows]
            else:
                record[typing.cast(str, layout.field)] = [
                    {k: v for k, v in row.items() if k not in skip} for row in rows
                ]
        extra: dict[str, list[str]] = {}
        for row in children["extra_sections"]:
            lines = extra.setdefault(row["heading"], [])
            if row["line"] is not None:
                lines.append(row["line"])
        if extra:
            record["extra_sections"] = extra
        if film["source_path"]:
            record["source"] = {"path": film["source_path"], "sha256": film["page_id"]}
        yield record
