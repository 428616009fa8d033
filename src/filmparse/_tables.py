"""Typed tables of films: Arrow schemas derived from the models, results -> tables.

One row per entry, keyed by ``page_id`` (SHA-256 hex of the page's bytes, the
export's ``source.sha256``); child tables carry ``position``, the 0-based index
of the entry in page order.  Every schema here is derived from the attrs
models (Film and its entry classes), so a field added to a model appears in
its table with no change to this module; only ``problems`` (errors and
warnings, not film data) is spelled out.

Rows are built from the export dict (``to_dict`` plus ``source``), the same
data the JSON output holds (and schema-checked), or, when a run writes no
JSON, from the Film that export would be made of, by the same field names:
the tables and the JSON cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from array import array
from collections.abc import Callable, Iterator
from operator import attrgetter, getitem, itemgetter
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from ._extras import MissingExtraError

try:
    import pyarrow as pa
except ImportError as exc:  # pragma: no cover - exercised by making the import fail
    raise MissingExtraError("pyarrow", "parquet", "table output (Arrow, Parquet)") from exc

from .errors import FilmParseError
from .models import Film
from .sinks._base import PageResult
from .sources import page_error

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


# --- export dicts -> Arrow columns -------------------------------------------------------
#
# Each page's export is spread over one Python list per column as it is added
# (str, int, float, None: objects the cyclic collector does not track, so a
# chunk held in memory costs it nothing), and a table is one ``pa.array`` per
# column at the end.  The column lists are those of the schemas above, keyed
# by the export's field names: nothing about a table is spelled out twice.
# Python only checks the few whole numbers that may not fit.


@attrs.frozen
class _Child:
    """How a child table's columns come from an export: its Film field, and
    the entry keys of its columns (None: the entries are the lines themselves)."""

    field: str
    keys: tuple[str, ...] | None


_CHILD_LAYOUTS = LAYOUTS[1:-2]  # the tables of Film's entry lists, in TABLE_NAMES order
_CHILD_COLUMNS = [
    _Child(typing.cast(str, layout.field),
           None if layout.name in _LINE_TABLES.values() else tuple(layout.schema.names[2:]))
    for layout in _CHILD_LAYOUTS
]  # fmt: skip
_FILM_KEYS = tuple(SCHEMAS["films"].names[2:])  # after page_id, source_path
_FILM_DATES = frozenset(f.name for f in SCHEMAS["films"] if pa.types.is_date32(f.type))


def _int_limits(schema: pa.Schema) -> list[tuple[str, int, int]]:
    return [
        (f.name, -(2 ** (f.type.bit_width - 1)), 2 ** (f.type.bit_width - 1) - 1)
        for f in schema
        if pa.types.is_integer(f.type) and f.name != "position"
    ]


_FILM_INTS = _int_limits(SCHEMAS["films"])
_ENTRY_INTS = [(layout, ints) for layout in _CHILD_LAYOUTS if (ints := _int_limits(layout.schema))]


def _unfit(data: Any, get: Callable[[Any, str], Any] = getitem) -> str | None:
    """Why a value does not fit its column (an int beyond its bits), if one: of an
    export dict (`get` getitem) or of a Film (`get` getattr), the same fields."""
    checks = [(data, _FILM_INTS, "films")]
    for layout, ints in _ENTRY_INTS:
        entries = get(data, typing.cast(str, layout.field))
        checks += [(entry, ints, layout.name) for entry in entries]
    for values, ints, table in checks:
        for name, low, high in ints:
            value = get(values, name)
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
        self._films: list[list[Any]] = [[] for _ in SCHEMAS["films"]]
        # A child's films row and position: int32 arrays, to Arrow without a copy.
        self._children: list[list[Any]] = [
            [array("i"), array("i"), *([] for _ in t.schema.names[2:])] for t in _CHILD_LAYOUTS
        ]
        self._rows: dict[str, list[tuple[Any, ...]]] = {"extra_sections": [], "problems": []}
        #: per page, the rows each table (TABLE_NAMES order) has once it is added
        self.ends: list[tuple[int, ...]] = []

    def add(self, result: PageResult, film: Film | None = None) -> None:
        """Add a result's rows: from its record, or from `film` if given (its
        Film, whose export the record would be: the same rows, without one)."""
        self._add(result, film)
        rows = self._rows
        self.ends.append((len(self._films[0]), *(len(child[1]) for child in self._children),
                          len(rows["extra_sections"]), len(rows["problems"])))  # fmt: skip

    def _add(self, result: PageResult, film: Film | None) -> None:
        self.pages += 1
        page_id, path = result.sha256, result.path or None  # "": a plain Film
        problems = self._rows["problems"]
        problems.extend(_warning_row(page_id, path, d) for d in result.diagnostics)
        if result.error is not None:
            problems.append(_error_row(page_id, path, result.error))
        # The export's fields are the Film's attributes, by the same names (to_dict).
        data: Any
        get: Callable[[Any, str], Any]
        entry_get: Callable[[str], Callable[[Any], Any]]
        if film is not None:
            data, get, entry_get, extra = film, getattr, attrgetter, film.extra_sections
        elif result.record is not None:
            data, get, entry_get = result.record, getitem, itemgetter
            extra = data.get("extra_sections", {})
        else:
            return
        unfit = _unfit(data, get)
        if unfit is not None:
            error = page_error(result.path, unfit, section="output", expected="values that fit")
            problems.append(_error_row(page_id, path, error))
            return
        if page_id is not None:
            if digest(page_id) in self.seen:
                problems.append(duplicate_row(result))
                return
            self.seen.add(digest(page_id))
        films = self._films
        films[0].append(page_id)
        films[1].append(path)
        for column, key in zip(films[2:], _FILM_KEYS, strict=True):
            value = get(data, key)
            if film is None and key in _FILM_DATES and value:  # the export's ISO text
                value = dt.date.fromisoformat(value)
            column.append(value)
        for columns, child in zip(self._children, _CHILD_COLUMNS, strict=True):
            entries = get(data, child.field)
            if not entries:
                continue
            count = len(entries)
            columns[0].extend(array("i", (len(films[0]) - 1,)) * count)  # its films row
            columns[1].extend(_POSITIONS[:count] if count <= len(_POSITIONS) else range(count))
            if child.keys is None:
                columns[2].extend(entries)
            else:
                for column, key in zip(columns[2:], child.keys, strict=True):
                    column.extend(map(entry_get(key), entries))
        self._rows["extra_sections"].extend(_extra_rows(page_id, extra))

    def tables(self, *, encoded_ids: bool = False) -> dict[str, pa.Table]:
        """Every table (empty ones too); then the batch is forgotten.

        `encoded_ids`: the child tables' page_id dictionary-encoded (indices
        into the films rows), for a chunk's rows to cross processes in fewer
        bytes (53 -> 33 kB a generated page); ``decoded_ids`` gives the table
        of the schema back."""
        ids = pa.array(self._films[0], pa.string())
        built = {"films": _from_columns("films", [ids, *self._films[1:]])}
        for layout, columns in zip(_CHILD_LAYOUTS, self._children, strict=True):
            rows = _int32(columns[0])
            columns[1] = _int32(columns[1])
            page_ids = pa.DictionaryArray.from_arrays(rows, ids) if encoded_ids else ids.take(rows)
            built[layout.name] = _from_columns(layout.name, [page_ids, *columns[1:]])
        for name, rows in self._rows.items():
            built[name] = to_table(name, rows)
        self._clear()
        return {name: built[name] for name in TABLE_NAMES}


_POSITIONS = array("i", range(4096))  # array("i") is a C int: Arrow's int32
assert _POSITIONS.itemsize == 4


def _int32(values: array[int]) -> pa.Array:
    return pa.Array.from_buffers(pa.int32(), len(values), [None, pa.py_buffer(values)])


_ENCODED_ID = pa.field("page_id", pa.dictionary(pa.int32(), pa.string()), nullable=False)


def _from_columns(name: str, columns: list[Any]) -> pa.Table:
    """The table of `columns` (Python lists, or arrays already built)."""
    schema = SCHEMAS[name]
    arrays = [values if isinstance(values, pa.Array) else pa.array(values, type=f.type)
              for values, f in zip(columns, schema, strict=True)]  # fmt: skip
    if pa.types.is_dictionary(arrays[0].type):
        schema = schema.set(0, _ENCODED_ID)
    return pa.Table.from_arrays(arrays, schema=schema)


def decoded_ids(name: str, table: pa.Table) -> pa.Table:
    """`table` with the schema of table `name` (its page_id decoded if need be)."""
    if not pa.types.is_dictionary(table.schema.field(0).type):
        return table
    return table.set_column(0, PAGE_ID, table.column(0).cast(pa.string()))


def to_table(name: str, rows: list[tuple[Any, ...]]) -> pa.Table:
    """A table from row tuples (the few rows built in Python)."""
    if not rows:  # no pa.array (nor empty_table): its first call imports pandas (0.2 s, 45 MB)
        schema = SCHEMAS[name]
        return pa.Table.from_arrays([pa.nulls(0, field.type) for field in schema], schema=schema)
    return _from_columns(name, list(zip(*rows, strict=True)))
