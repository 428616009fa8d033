"""Typed tables of films: Arrow schemas derived from the models, results -> tables.

One row per entry, keyed by ``page_id`` (SHA-256 hex of the page's bytes, the
export's ``source.sha256``); child tables carry ``position``, the 0-based index
of the entry in page order.  Every schema here is derived from the attrs
models (Film and its entry classes), so a field added to a model appears in
its table with no change to this module; only ``problems`` (errors and
warnings, not film data) is spelled out.

Rows are built from the export dict (``to_dict`` plus ``source``), the same
data the JSON output holds, so the tables and the JSON cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from ._extras import MissingExtraError

try:
    import pyarrow as pa
except ImportError as exc:  # pragma: no cover - exercised by making the import fail
    raise MissingExtraError("pyarrow", "parquet", "table output (Arrow, Parquet)") from exc

from .batch import page_error, read_page
from .errors import FilmParseError
from .export import SCHEMA_VERSION, to_dict, to_json
from .models import Film
from .sinks._base import PageResult

# Small by nature, so int32 as the table says; other whole numbers are int64.
_INT32 = frozenset({"runtime_minutes", "year"})
# Lists of lines that get a table of their own (`cast` is an SQL keyword).
_LINE_TABLES = {"cast": "cast_lines", "crew": "crew_lines"}
_NOT_COLUMNS = frozenset({"diagnostics", "extra_sections"})  # page notes; a table of their own

PAGE_ID = pa.field("page_id", pa.string(), nullable=False)
POSITION = pa.field("position", pa.int32(), nullable=False)
PROBLEMS = pa.schema(
    [
        pa.field("page_id", pa.string()),  # null: the page could not be read
        pa.field("source_path", pa.string()),  # null: a plain Film, not a page
        pa.field("severity", pa.string(), nullable=False),  # "error" or "warning"
        pa.field("code", pa.string()),
        pa.field("line", pa.int64(), nullable=False),
        pa.field("column", pa.int64(), nullable=False),
        pa.field("section", pa.string(), nullable=False),
        pa.field("message", pa.string(), nullable=False),
        pa.field("expected", pa.string()),
    ]
)


def _arrow_type(name: str, hint: Any) -> tuple[pa.DataType, bool]:
    """The Arrow type of a model field's type hint, and whether it may be null."""
    args = get_args(hint)
    if get_origin(hint) in (Union, types.UnionType) and type(None) in args:
        (inner,) = (arg for arg in args if arg is not type(None))
        return _arrow_type(name, inner)[0], True
    if get_origin(hint) is tuple:  # tuple[X, ...]: a list, empty rather than null
        return pa.list_(_arrow_type(name, args[0])[0]), False
    simple = {str: pa.string(), float: pa.float64(), dt.date: pa.date32()}
    if hint is int:
        return (pa.int32() if name in _INT32 else pa.int64()), False
    if hint in simple or get_origin(hint) is Literal:
        return simple.get(hint, pa.string()), False
    raise TypeError(f"no Arrow type for the model field {name}: {hint!r}")


def _fields(cls: type) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [(field.name, hints[field.name]) for field in attrs.fields(cls)]


def _entry_class(hint: Any) -> type | None:
    """C for a tuple[C, ...] of an attrs class C (a child table), else None."""
    args = get_args(hint)
    if get_origin(hint) is tuple and args and attrs.has(args[0]):
        return typing.cast(type, args[0])
    return None


def _columns(cls: type) -> list[pa.Field]:
    return [pa.field(name, *_arrow_type(name, hint)) for name, hint in _fields(cls)]


@attrs.frozen
class Layout:
    """One table: its name, schema, and the Film field its rows come from
    (``None`` for ``films`` and ``problems``)."""

    name: str
    schema: pa.Schema
    field: str | None


def _layouts() -> tuple[Layout, ...]:
    film_columns = [PAGE_ID, pa.field("source_path", pa.string())]
    children: list[Layout] = []
    for name, hint in _fields(Film):
        entry = _entry_class(hint)
        if name in _NOT_COLUMNS:
            continue
        if entry is not None:
            schema = pa.schema([PAGE_ID, POSITION, *_columns(entry)])
            children.append(Layout(name, schema, name))
        elif name in _LINE_TABLES:
            line = pa.field("line", pa.string(), nullable=False)
            children.append(Layout(_LINE_TABLES[name], pa.schema([PAGE_ID, POSITION, line]), name))
        else:
            film_columns.append(pa.field(name, *_arrow_type(name, hint)))
    extra = pa.schema(  # line null: an unknown section with no lines
        [PAGE_ID, pa.field("heading", pa.string(), nullable=False), POSITION, ("line", pa.string())]
    )
    return (
        Layout("films", pa.schema(film_columns), None),
        *children,
        Layout("extra_sections", extra, "extra_sections"),
        Layout("problems", PROBLEMS, None),
    )


LAYOUTS = _layouts()
SCHEMAS: dict[str, pa.Schema] = {layout.name: layout.schema for layout in LAYOUTS}
TABLE_NAMES = tuple(SCHEMAS)


def schemas_text() -> str:
    """The Arrow schema of every table, printable (``filmparse schema --tables``)."""
    return (
        "\n\n".join(
            f"{name}\n{schema.to_string(show_schema_metadata=False)}"
            for name, schema in SCHEMAS.items()
        )
        + "\n"
    )


# --- values: export form -> Arrow form, checked to fit ------------------------------------


class _Unfit(ValueError):
    """A value the model allows but its column cannot hold (an int beyond 64 bits)."""


def _converter(column: pa.Field) -> Callable[[Any], Any] | None:
    if pa.types.is_date32(column.type):
        return lambda value: value if value is None else dt.date.fromisoformat(value)
    if pa.types.is_integer(column.type):
        bits = column.type.bit_width
        low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

        def fits(value: Any) -> Any:
            if value is not None and not low <= value <= high:
                raise _Unfit(f"{column.name} {value} does not fit its column ({column.type})")
            return value

        return fits
    return None


def _getters(schema: pa.Schema, skip: int) -> list[tuple[str, Callable[[Any], Any] | None]]:
    return [(column.name, _converter(column)) for column in list(schema)[skip:]]


_FILM_GETTERS = _getters(SCHEMAS["films"], 2)  # after page_id, source_path
_ENTRY_GETTERS = {layout.name: _getters(layout.schema, 2) for layout in LAYOUTS}


def _values(
    data: dict[str, Any], getters: list[tuple[str, Callable[[Any], Any] | None]]
) -> list[Any]:
    return [data[name] if convert is None else convert(data[name]) for name, convert in getters]


def page_rows(result: PageResult) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of one page in every table it has rows in (all checked first, so a
    page whose value does not fit becomes a problem, never half its rows)."""
    page_id, path = result.sha256, result.path or None  # "": a plain Film
    rows: dict[str, list[tuple[Any, ...]]] = {}
    if result.record is not None:
        record = result.record
        try:
            rows["films"] = [(page_id, path, *_values(record, _FILM_GETTERS))]
            for layout in LAYOUTS[1:-2]:
                entries = record[layout.field] if layout.field else ()
                if layout.name in _LINE_TABLES.values():
                    rows[layout.name] = [(page_id, i, line) for i, line in enumerate(entries)]
                else:
                    getters = _ENTRY_GETTERS[layout.name]
                    rows[layout.name] = [
                        (page_id, i, *_values(entry, getters)) for i, entry in enumerate(entries)
                    ]
            rows["extra_sections"] = list(_extra_rows(page_id, record.get("extra_sections", {})))
        except _Unfit as exc:
            error = page_error(
                result.path, str(exc), section="output", expected="values the tables hold"
            )
            return {"problems": [_error_row(page_id, path, error)]}
    problems = [_warning_row(page_id, path, d) for d in result.diagnostics]
    if result.error is not None:
        problems.append(_error_row(page_id, path, result.error))
    if problems:
        rows["problems"] = problems
    return rows


def _extra_rows(page_id: str | None, sections: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    position = 0
    for heading, lines in sections.items():
        for line in lines or (None,):
            yield page_id, heading, position, line
            position += 1


def _error_row(page_id: str | None, path: str | None, error: FilmParseError) -> tuple[Any, ...]:
    code = getattr(error, "code", None)
    return (page_id, path, "error", code, error.line, error.column, error.section,
            error.message, error.expected)  # fmt: skip


def _warning_row(page_id: str | None, path: str | None, diagnostic: Any) -> tuple[Any, ...]:
    return (page_id, path, "warning", diagnostic.code, diagnostic.line, diagnostic.column,
            diagnostic.section, diagnostic.message, None)  # fmt: skip


def duplicate_row(result: PageResult) -> tuple[Any, ...]:
    """The warning row of a page whose bytes are already in this output (left out)."""
    message = "the same page (same bytes, so the same page_id) is already in this output: left out"
    return (result.sha256, result.path or None, "warning", None, 1, 1, "file", message, None)


def digest(page_id: str) -> int:
    """8 bytes of a page id, to remember which pages an output holds (~80 bytes a page)."""
    return int(page_id[:16], 16)


class TableBuilder:
    """Rows of many pages, kept by table, turned into Arrow tables on demand.

    ``seen`` (page-id digests) keeps a page from entering ``films`` twice: a
    second copy of the same bytes gets a warning row in ``problems`` instead.
    """

    def __init__(self, seen: set[int] | None = None) -> None:
        self.seen: set[int] = set() if seen is None else seen
        self.pages = 0
        self._rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLE_NAMES}

    def add(self, result: PageResult) -> None:
        rows = page_rows(result)
        if "films" in rows and result.sha256 is not None:
            key = digest(result.sha256)
            if key in self.seen:
                rows = {"problems": [duplicate_row(result)]}
            else:
                self.seen.add(key)
        for name, table_rows in rows.items():
            self._rows[name].extend(table_rows)
        self.pages += 1

    def tables(self) -> dict[str, pa.Table]:
        """Every table (empty ones too), then the rows are forgotten."""
        built = {name: to_table(name, rows) for name, rows in self._rows.items()}
        self._rows = {name: [] for name in TABLE_NAMES}
        self.pages = 0
        return built


def to_table(name: str, rows: list[tuple[Any, ...]]) -> pa.Table:
    schema = SCHEMAS[name]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    arrays = [
        pa.array(values, type=field.type) for values, field in zip(columns, schema, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


# --- what the Python API accepts ----------------------------------------------------------


def as_result(item: object) -> PageResult:
    """A PageResult from a PageResult, a (path, Film | FilmParseError) pair of
    parse_many, or a plain Film.

    A pair's page is read again for its SHA-256 (page_id); a plain Film has no
    page bytes, so its page_id is the SHA-256 of its one-line JSON export
    (``to_json(film, indent=None)``) and its source_path is null.
    """
    if isinstance(item, PageResult):
        return item
    if isinstance(item, Film):
        page_id = hashlib.sha256(to_json(item, indent=None).encode("utf-8")).hexdigest()
        return PageResult("", page_id, record=to_dict(item), diagnostics=item.diagnostics)
    if isinstance(item, tuple) and len(item) == 2:
        path, outcome = os.fspath(item[0]), item[1]
        if isinstance(outcome, FilmParseError) and outcome.section == "file":
            return PageResult(path, None, error=outcome)
        try:
            page_id = hashlib.sha256(read_page(path, max_bytes=None)).hexdigest()
        except FilmParseError as exc:
            return PageResult(path, None, error=exc)
        if isinstance(outcome, FilmParseError):
            return PageResult(path, page_id, error=outcome)
        if isinstance(outcome, Film):
            record = to_dict(outcome)
            record["source"] = {"path": path, "sha256": page_id}
            return PageResult(path, page_id, record=record, diagnostics=outcome.diagnostics)
    raise TypeError(
        f"expected a PageResult, a (path, Film | FilmParseError) pair or a Film, got {item!r:.80}"
    )


def tables(results: Iterable[object]) -> dict[str, pa.Table]:
    """All the tables of `results` (see as_result), every one present, even empty."""
    builder = TableBuilder()
    for item in results:
        result = as_result(item)
        if not result.skipped:
            builder.add(result)
    return builder.tables()


# --- and back: the export of every page, from its rows ------------------------------------


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
