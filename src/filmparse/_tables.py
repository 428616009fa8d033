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
from collections.abc import Iterable, Iterator
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from ._extras import MissingExtraError

try:
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError as exc:  # pragma: no cover - exercised by making the import fail
    raise MissingExtraError("pyarrow", "parquet", "table output (Arrow, Parquet)") from exc

from .errors import FilmParseError
from .export import to_dict, to_json
from .models import Film
from .sinks._base import PageResult
from .sources import page_error, read_page

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


# --- export dicts -> Arrow, in bulk -------------------------------------------------------
#
# A batch of exports becomes one Arrow struct array in a single C-level pass
# (pa.array over the dicts); the tables are its columns, and each child table
# the flattened list column, with page_id and position worked out from the
# list offsets.  Python only checks the few whole numbers that may not fit.


def _record_type() -> pa.DataType:
    """The struct type of an export: its film columns (dates still ISO text) and
    its entry lists."""
    fields = [
        pa.field(f.name, pa.string() if pa.types.is_date32(f.type) else f.type)
        for f in list(SCHEMAS["films"])[2:]
    ]
    for layout in LAYOUTS[1:-2]:
        columns = list(layout.schema)[2:]
        item = columns[0].type if layout.name in _LINE_TABLES.values() else pa.struct(columns)
        fields.append(pa.field(typing.cast(str, layout.field), pa.list_(item)))
    return pa.struct(fields)


_RECORD = _record_type()


def _int_limits(schema: pa.Schema) -> list[tuple[str, int, int]]:
    return [
        (f.name, -(2 ** (f.type.bit_width - 1)), 2 ** (f.type.bit_width - 1) - 1)
        for f in schema
        if pa.types.is_integer(f.type) and f.name != "position"
    ]


_CHILDREN = [typing.cast(str, layout.field) for layout in LAYOUTS[1:-2]]  # their Film fields
_FILM_INTS = _int_limits(SCHEMAS["films"])
_ENTRY_INTS = [(layout, ints) for layout in LAYOUTS[1:-2] if (ints := _int_limits(layout.schema))]


def _unfit(record: dict[str, Any]) -> str | None:
    """Why a value of the export does not fit its column (an int beyond 64 bits), if one."""
    checks = [(record, _FILM_INTS, "films")]
    for layout, ints in _ENTRY_INTS:
        checks += [(entry, ints, layout.name) for entry in record[typing.cast(str, layout.field)]]
    for data, ints, table in checks:
        for name, low, high in ints:
            value = data[name]
            if value is not None and not low <= value <= high:
                return f"{name} {value} does not fit the {table} column {name} ({low}..{high})"
    return None


def _extra_rows(page_id: str | None, sections: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    position = 0
    for heading, lines in sections.items():
        for line in lines or (None,):  # a heading without lines still has its row
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
    """The pages of a batch, turned into Arrow tables on demand.

    ``seen`` (page-id digests) keeps a page from entering ``films`` twice: a
    second copy of the same bytes gets a warning row in ``problems`` instead.
    """

    def __init__(self, seen: set[int] | None = None) -> None:
        self.seen: set[int] = set() if seen is None else seen
        self._clear()

    def _clear(self) -> None:
        self.pages = 0
        self._records: list[dict[str, Any]] = []
        self._keys: list[tuple[str | None, str | None]] = []  # (page_id, source_path)
        self._rows: dict[str, list[tuple[Any, ...]]] = {"extra_sections": [], "problems": []}
        self._entries = [0] * len(_CHILDREN)  # rows so far of each child table
        #: per page, the rows each table (TABLE_NAMES order) has once it is added
        self.ends: list[tuple[int, ...]] = []

    def add(self, result: PageResult) -> None:
        self._add(result)
        rows = self._rows
        self.ends.append((len(self._records), *self._entries,
                          len(rows["extra_sections"]), len(rows["problems"])))  # fmt: skip

    def _add(self, result: PageResult) -> None:
        self.pages += 1
        page_id, path = result.sha256, result.path or None  # "": a plain Film
        problems = self._rows["problems"]
        problems.extend(_warning_row(page_id, path, d) for d in result.diagnostics)
        if result.error is not None:
            problems.append(_error_row(page_id, path, result.error))
        record = result.record
        if record is None:
            return
        unfit = _unfit(record)
        if unfit is not None:
            error = page_error(result.path, unfit, section="output", expected="values that fit")
            problems.append(_error_row(page_id, path, error))
            return
        if page_id is not None:
            if digest(page_id) in self.seen:
                problems.append(duplicate_row(result))
                return
            self.seen.add(digest(page_id))
        self._records.append(record)
        for index, field in enumerate(_CHILDREN):
            self._entries[index] += len(record[field])
        self._keys.append((page_id, path))
        self._rows["extra_sections"].extend(_extra_rows(page_id, record.get("extra_sections", {})))

    def tables(self) -> dict[str, pa.Table]:
        """Every table (empty ones too); then the batch is forgotten."""
        films = pa.array(self._records, type=_RECORD)
        ids = pa.array([key[0] for key in self._keys], pa.string())
        paths = pa.array([key[1] for key in self._keys], pa.string())
        columns = dict(zip(_RECORD.names, films.flatten(), strict=True))
        scalars = map(_dates, columns.values(), list(SCHEMAS["films"])[2:])
        built = {"films": _table("films", [ids, paths, *scalars])}
        for layout in LAYOUTS[1:-2]:
            entries = columns[typing.cast(str, layout.field)]
            values = entries.flatten()
            parents = pc.list_parent_indices(entries)
            start = pc.take(entries.offsets, parents)
            position = pc.subtract(pa.array(range(len(values)), pa.int32()), start)
            fields = [values] if layout.name in _LINE_TABLES.values() else values.flatten()
            built[layout.name] = _table(layout.name, [pc.take(ids, parents), position, *fields])
        for name, rows in self._rows.items():
            built[name] = to_table(name, rows)
        self._clear()
        return {name: built[name] for name in TABLE_NAMES}


def _dates(column: pa.Array, field: pa.Field) -> pa.Array:
    """ISO text -> date32 for a date column, in Python: Arrow's first cast from
    text to date takes a second to set up."""
    if not pa.types.is_date32(field.type):
        return column
    return pa.array([v and dt.date.fromisoformat(v) for v in column.to_pylist()], pa.date32())


def _table(name: str, arrays: list[pa.Array]) -> pa.Table:
    schema = SCHEMAS[name]
    cast = [a if a.type == f.type else a.cast(f.type) for a, f in zip(arrays, schema, strict=True)]
    return pa.Table.from_arrays(cast, schema=schema)


def to_table(name: str, rows: list[tuple[Any, ...]]) -> pa.Table:
    """A table from row tuples (the few rows built in Python)."""
    schema = SCHEMAS[name]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return _table(name, [pa.array(v, type=f.type) for v, f in zip(columns, schema, strict=True)])


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
