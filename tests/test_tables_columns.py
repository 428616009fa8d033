"""The column builder (TableBuilder: one Python list per column, then one
``pa.array`` each) gives the tables of the earlier struct path (every export
as one Arrow struct, its columns flattened), types, nullability and all.

``struct_tables`` below is that earlier path, kept here as the reference.
"""

from __future__ import annotations

import datetime as dt
import typing
from pathlib import Path

import attrs
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import filmparse
from filmparse._table_inputs import as_result
from filmparse._tables import _LINE_TABLES, LAYOUTS, SCHEMAS, TABLE_NAMES, TableBuilder
from filmparse.sinks import PageResult
from strategies import films
from test_tables_chunks import pool_results

CHILDREN = LAYOUTS[1:-2]
FILM_COLUMNS = list(SCHEMAS["films"])[2:]


def record_type() -> pa.DataType:
    """An export as one struct: its film columns (dates as ISO text), its entry lists."""
    fields = [pa.field(f.name, pa.string() if pa.types.is_date32(f.type) else f.type)
              for f in FILM_COLUMNS]  # fmt: skip
    for layout in CHILDREN:
        columns = list(layout.schema)[2:]
        item = columns[0].type if layout.name in _LINE_TABLES.values() else pa.struct(columns)
        fields.append(pa.field(typing.cast(str, layout.field), pa.list_(item)))
    return pa.struct(fields)


def cast_table(name: str, arrays: list[pa.Array]) -> pa.Table:
    schema = SCHEMAS[name]
    cast = [a if a.type == f.type else a.cast(f.type) for a, f in zip(arrays, schema, strict=True)]
    return pa.Table.from_arrays(cast, schema=schema)


def struct_tables(kept: list[PageResult]) -> dict[str, pa.Table]:
    """films and the child tables of `kept` (results whose rows enter films) by
    the struct path."""
    records = [result.record for result in kept]
    whole = pa.array(records, type=record_type())
    ids = pa.array([result.sha256 for result in kept], pa.string())
    paths = pa.array([result.path or None for result in kept], pa.string())
    columns = dict(zip(whole.type.names, whole.flatten(), strict=True))
    scalars = []
    for field in FILM_COLUMNS:
        column = columns[field.name]
        if pa.types.is_date32(field.type):
            column = pa.array([v and dt.date.fromisoformat(v) for v in column.to_pylist()],
                              pa.date32())  # fmt: skip
        scalars.append(column)
    built = {"films": cast_table("films", [ids, paths, *scalars])}
    for layout in CHILDREN:
        entries = columns[typing.cast(str, layout.field)]
        values = entries.flatten()
        parents = pc.list_parent_indices(entries)
        start = pc.take(entries.offsets, parents)
        position = pc.subtract(pa.array(range(len(values)), pa.int32()), start)
        fields = [values] if layout.name in _LINE_TABLES.values() else values.flatten()
        built[layout.name] = cast_table(layout.name, [pc.take(ids, parents), position, *fields])
    return built


def agree(results: list[PageResult]) -> None:
    builder = TableBuilder()
    kept = []
    for result in results:
        before = builder.ends[-1][0] if builder.ends else 0
        builder.add(result)
        if builder.ends[-1][0] > before:  # its row entered films
            kept.append(result)
    got, expected = builder.tables(), struct_tables(kept)
    assert list(got) == list(TABLE_NAMES)
    for name, table in expected.items():
        assert got[name].schema.equals(SCHEMAS[name], check_metadata=True), name
        assert got[name].equals(table), name


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[PageResult]:
    return pool_results(tmp_path_factory.mktemp("columns"))


def test_fixture_pages_give_the_struct_paths_tables(pool: list[PageResult]) -> None:
    agree(pool + pool)  # every kind of page, each again as a duplicate
    assert TableBuilder().tables()["films"].equals(struct_tables([])["films"])


@settings(max_examples=40, deadline=None)
@given(st.lists(films(), max_size=5))
def test_generated_films_give_the_struct_paths_tables(generated: list[filmparse.Film]) -> None:
    agree([as_result(film) for film in generated])


def test_nulls_empty_lists_and_dates_keep_their_types() -> None:
    bare = as_result(filmparse.parse("Heat\n\nStatus Released\n"))
    full = as_result(filmparse.parse_file(Path(__file__).parent.parent
                                          / "fixtures/valid/leaving-las-vegas.txt"))  # fmt: skip
    agree([bare, full])
    builder = TableBuilder()
    builder.add(bare)
    films_table = builder.tables()["films"]
    assert films_table.column("release_date").type == pa.date32()
    assert films_table.column("genres").to_pylist() == [[]]
    assert films_table.column("runtime_minutes").to_pylist() == [None]


def test_an_unfit_entry_value_is_a_problem_row(pool: list[PageResult]) -> None:
    good = next(r for r in pool if r.record is not None and r.record["awards"])
    assert good.record is not None
    awards = [{**good.record["awards"][0], "year": 2**40}, *good.record["awards"][1:]]
    bad = attrs.evolve(good, sha256="e" * 64, record={**good.record, "awards": awards})
    builder = TableBuilder()
    builder.add(bad)
    tables = builder.tables()
    assert tables["films"].num_rows == tables["awards"].num_rows == 0
    (row,) = tables["problems"].to_pylist()
    assert row["section"] == "output" and "year 1099511627776 does not fit" in row["message"]
