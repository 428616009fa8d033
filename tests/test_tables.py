"""Typed tables: Arrow, Parquet and DuckDB outputs of the same films.

A folder of good, bad and lenient pages is converted to Parquet and to DuckDB
and read back with pyarrow and with DuckDB SQL; for every page the tables must
reassemble to its JSON export, and every failure and warning must have its
problems row.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import duckdb
import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import filmparse
from conftest import FIXTURES, REFERENCE
from filmparse import Film, FilmParseError, to_dict
from filmparse._extras import MissingExtraError
from filmparse._render import render
from filmparse._tables import SCHEMAS, TABLE_NAMES, schemas_text
from filmparse._tables_api import parquet_done_paths, table_schemas, write_parquet_part
from filmparse._tables_records import records
from filmparse.engine import load_page
from filmparse.sinks import PageResult
from filmparse.sinks._parquet import DatasetExistsError, clean, parts
from filmparse.sources import find_pages, read_page
from strategies import films

CHILD_FIELDS = {  # table -> the export key its rows come from
    "translations": "translations", "availability": "availability", "cast_lines": "cast",
    "crew_lines": "crew", "reviews": "reviews", "dialogue": "dialogue", "awards": "awards",
    "media": "media",
}  # fmt: skip


def engine_result(path: str, *, strict: bool) -> PageResult:
    """What the batch engine hands the sinks for one page."""
    try:
        data, film = load_page(path, strict=strict, max_bytes=None)
    except FilmParseError as error:
        try:
            sha: str | None = hashlib.sha256(read_page(path, None)).hexdigest()
        except FilmParseError:
            sha = None
        return PageResult(path, sha, error=error)
    record = to_dict(film)
    sha = hashlib.sha256(data).hexdigest()
    record["source"] = {"path": path, "sha256": sha}
    return PageResult(path, sha, record=record, diagnostics=film.diagnostics)


def make_folder(root: Path) -> list[str]:
    """Good, bad and lenient pages, a .gz copy of a good one (same bytes once
    decompressed: a duplicate) and a page that cannot be read."""
    pages = root / "pages"
    for kind in ("valid", "invalid", "lenient"):
        shutil.copytree(FIXTURES / kind, pages / kind, ignore=shutil.ignore_patterns("*.json"))
    with gzip.open(pages / "valid" / "copy.txt.gz", "wb") as handle:
        handle.write(REFERENCE.read_bytes())
    return [page.path for page in find_pages([str(pages)])] + [str(root / "missing.txt")]


def expected_counts(results: list[PageResult]) -> dict[str, int]:
    """Rows each table should have, worked out from the JSON exports."""
    counts = Counter[str]()
    seen: set[str | None] = set()
    for result in results:
        counts["problems"] += len(result.diagnostics) + (result.error is not None)
        if result.record is None:
            continue
        if result.sha256 in seen:
            counts["problems"] += 1  # the duplicate's warning
            continue
        seen.add(result.sha256)
        counts["films"] += 1
        for table, key in CHILD_FIELDS.items():
            counts[table] += len(result.record[key])
        sections = result.record.get("extra_sections", {}).values()
        counts["extra_sections"] += sum(max(1, len(lines)) for lines in sections)
    return {name: counts[name] for name in TABLE_NAMES}


def unique_records(results: list[PageResult]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for result in results:
        if result.record is not None and result.sha256 not in out:
            out[str(result.sha256)] = result.record
    return list(out.values())


def read_parquet(folder: Path) -> dict[str, pa.Table]:
    return {name: pq.read_table(folder / name) for name in TABLE_NAMES}


def read_duckdb(path: Path) -> dict[str, pa.Table]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return {name: connection.table(name).to_arrow_table() for name in TABLE_NAMES}


def check_tables(got: dict[str, pa.Table], results: list[PageResult]) -> None:
    """Row counts, column types, values against the exports, problems rows."""
    assert {name: table.num_rows for name, table in got.items()} == expected_counts(results)
    for name, table in got.items():
        assert table.schema.names == SCHEMAS[name].names
        assert [f.type for f in table.schema] == [f.type for f in SCHEMAS[name]], name
    films_ids = got["films"].column("page_id").to_pylist()
    assert len(films_ids) == len(set(films_ids)), "a page twice in films"
    key = lambda record: record["source"]["sha256"]  # noqa: E731
    assert sorted(records(got), key=key) == sorted(unique_records(results), key=key)
    problems = Counter(
        (
            row["source_path"],
            row["severity"],
            row["line"],
            row["column"],
            row["section"],
            row["message"],
        )
        for row in got["problems"].to_pylist()
    )
    for result in results:
        for d in result.diagnostics:
            assert problems[(result.path, "warning", d.line, d.column, d.section, d.message)]
        if result.error is not None:
            e = result.error
            assert problems[(result.path, "error", e.line, e.column, e.section, e.message)] == 1


@pytest.fixture(scope="module", params=[True, False], ids=["strict", "lenient"])
def converted(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[PageResult]]:
    root = tmp_path_factory.mktemp("tables")
    results = [engine_result(path, strict=request.param) for path in make_folder(root)]
    filmparse.write_parquet(results, root / "parquet", pages_per_part=4)
    filmparse.write_duckdb(results, root / "films.duckdb", batch_pages=3)
    return root, results


def test_the_folder_has_every_kind_of_page(converted: tuple[Path, list[PageResult]]) -> None:
    _, results = converted
    assert any(r.ok for r in results) and any(r.sha256 is None for r in results)
    assert any(r.diagnostics for r in results) or any(not r.ok and r.sha256 for r in results)


def test_parquet_reads_back_with_pyarrow(converted: tuple[Path, list[PageResult]]) -> None:
    root, results = converted
    check_tables(read_parquet(root / "parquet"), results)
    complete, incomplete = parts(root / "parquet")
    assert incomplete == [] and complete == list(range(-(-len(results) // 4)))
    files = list((root / "parquet" / "films").iterdir())
    assert all(pq.read_metadata(f).row_group(0).column(0).compression == "ZSTD" for f in files)


def test_duckdb_reads_back_with_sql(converted: tuple[Path, list[PageResult]]) -> None:
    root, results = converted
    check_tables(read_duckdb(root / "films.duckdb"), results)
    with duckdb.connect(str(root / "films.duckdb"), read_only=True) as connection:
        top = connection.sql("SELECT speaker, count(*) FROM dialogue GROUP BY 1 ORDER BY 2 DESC")
        in_parquet = connection.sql(
            f"SELECT speaker, count(*) FROM read_parquet('{root}/parquet/dialogue/*.parquet') "
            "GROUP BY 1 ORDER BY 2 DESC"
        )
        assert top.fetchall() == in_parquet.fetchall() and top.fetchall()
        types = dict(connection.sql("SELECT column_name, data_type FROM duckdb_columns() "
                                    "WHERE table_name = 'films'").fetchall())  # fmt: skip
    assert types["release_date"] == "DATE" and types["runtime_minutes"] == "INTEGER"
    assert types["budget"] == "BIGINT" and types["genres"] == "VARCHAR[]"


def test_the_issue_column_types() -> None:
    films_ = SCHEMAS["films"]
    assert films_.field("release_date").type == pa.date32()
    assert films_.field("runtime_minutes").type == pa.int32()
    assert films_.field("budget").type == films_.field("vote_count").type == pa.int64()
    assert films_.field("genres").type == pa.list_(pa.string())
    assert SCHEMAS["availability"].field("offers").type == pa.list_(pa.string())
    assert SCHEMAS["reviews"].field("rating").type == pa.float64()
    assert SCHEMAS["awards"].field("year").type == pa.int32()
    assert list(TABLE_NAMES) == ["films", *CHILD_FIELDS, "extra_sections", "problems"]


def test_duckdb_again_replaces_rows(tmp_path: Path) -> None:
    results = [engine_result(p, strict=False) for p in make_folder(tmp_path)]
    database = tmp_path / "again.duckdb"
    filmparse.write_duckdb(results[:5], database, batch_pages=2)
    filmparse.write_duckdb(results, database, batch_pages=4)
    filmparse.write_duckdb(results[3:], database)
    check_tables(read_duckdb(database), results)


def test_tables_from_parse_many_pairs(tmp_path: Path) -> None:
    paths = make_folder(tmp_path)
    pairs = list(filmparse.parse_many(paths, jobs=1, strict=False))
    check_tables(filmparse.tables(pairs), [engine_result(p, strict=False) for p in paths])


def test_readme_dataframe_example() -> None:
    paths = [str(path) for path in sorted(FIXTURES.glob("*/*.txt"))]
    dialogue = filmparse.tables(filmparse.parse_many(paths, strict=False))["dialogue"].to_pandas()
    films = [film for _, film in filmparse.parse_many(paths, jobs=1, strict=False)
             if isinstance(film, filmparse.Film)]  # fmt: skip
    assert len(films) < len(paths)  # binary junk is no film, even leniently
    assert len(dialogue) == sum(len(to_dict(film)["dialogue"]) for film in films) > 0
    assert list(dialogue.columns) == ["page_id", "position", "speaker", "text"]


def test_plain_films_are_keyed_by_their_export() -> None:
    film = filmparse.parse_file(REFERENCE)
    got = filmparse.tables([film, film])
    page_id = hashlib.sha256(filmparse.to_json(film, indent=None).encode()).hexdigest()
    assert got["films"].column("page_id").to_pylist() == [page_id]
    assert got["films"].column("source_path").to_pylist() == [None]
    assert list(records(got)) == [to_dict(film)]
    assert got["problems"].column("severity").to_pylist() == ["warning"]  # the second copy


def test_every_table_present_when_empty() -> None:
    got = filmparse.tables([])
    assert list(got) == list(TABLE_NAMES)
    assert all(got[name].num_rows == 0 and got[name].schema == SCHEMAS[name] for name in got)


def test_a_value_beyond_its_column_is_a_problem_not_wrong_data() -> None:
    # Every integer of a Film fits an int64 (values.py), but runtime's column is an int32.
    film = filmparse.parse_file(REFERENCE)
    huge = attrs.evolve(film, runtime_minutes=2**40)
    got = filmparse.tables([huge, film])
    assert got["films"].num_rows == 1
    (problem,) = got["problems"].to_pylist()
    assert problem["severity"] == "error" and problem["section"] == "output"
    assert "runtime_minutes" in problem["message"] and str(2**40) in problem["message"]


def test_bad_input_to_tables_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expected a PageResult"):
        filmparse.tables(["not a result"])


@settings(max_examples=25)
@given(st.lists(films(), max_size=4))
def test_generated_pages_reassemble(
    tmp_path_factory: pytest.TempPathFactory, page_films: list[Film]
) -> None:
    folder = tmp_path_factory.mktemp("generated")
    paths = []
    for number, film in enumerate(page_films):
        path = folder / f"page{number}.txt"
        path.write_text(render(film), encoding="utf-8")
        paths.append(str(path))
    results = [engine_result(path, strict=True) for path in paths]
    assert all(result.ok for result in results)
    check_tables(filmparse.tables(results), results)
    check_tables(filmparse.tables(list(filmparse.parse_many(paths, jobs=1))), results)


def test_parquet_refuses_to_mix_with_an_existing_dataset(tmp_path: Path) -> None:
    results = [engine_result(str(REFERENCE), strict=True)]
    filmparse.write_parquet(results, tmp_path / "out")
    with pytest.raises(DatasetExistsError, match="already holds a Parquet dataset"):
        filmparse.write_parquet(results, tmp_path / "out")
    assert filmparse.write_parquet(results, tmp_path / "out", skip_existing=True) == 0
    assert parts(tmp_path / "out") == ([0], [])


def test_resume_skips_done_pages_and_numbers_after_them(tmp_path: Path) -> None:
    results = [engine_result(p, strict=True) for p in make_folder(tmp_path)]
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    filmparse.write_parquet(results, whole, pages_per_part=5)
    filmparse.write_parquet(results[:10], resumed, pages_per_part=5)
    # What a run killed while writing part 2 leaves: a temp file and an incomplete part.
    (resumed / "dialogue" / ".part-00002.parquet.filmparse-0123abcd.tmp").write_bytes(b"half")
    shutil.copy(
        resumed / "awards" / "part-00000.parquet", resumed / "awards" / "part-00002.parquet"
    )
    assert parts(resumed) == ([0, 1], [2])
    assert parquet_done_paths(resumed) == {r.path for r in results[:10]}
    filmparse.write_parquet(results, resumed, pages_per_part=5, skip_existing=True)
    assert parts(resumed) == parts(whole)
    for name in TABLE_NAMES:
        assert read_parquet(resumed)[name].equals(read_parquet(whole)[name]), name
    assert sorted(os.listdir(resumed / "dialogue")) == sorted(os.listdir(whole / "dialogue"))


def test_an_empty_run_still_writes_every_table(tmp_path: Path) -> None:
    assert filmparse.write_parquet([], tmp_path / "out") == 0
    assert parts(tmp_path / "out") == ([0], [])
    got = read_parquet(tmp_path / "out")
    assert all(got[name].num_rows == 0 and got[name].schema == SCHEMAS[name] for name in got)


def test_clean_removes_only_debris(tmp_path: Path) -> None:
    filmparse.write_parquet([engine_result(str(REFERENCE), strict=True)], tmp_path)
    (tmp_path / "films" / ".part-00001.parquet.filmparse-00000000.tmp").write_bytes(b"")
    shutil.copy(
        tmp_path / "media" / "part-00000.parquet", tmp_path / "media" / "part-00001.parquet"
    )
    assert clean(tmp_path) == 2
    assert parts(tmp_path) == ([0], [])


def test_write_part_local_and_to_an_object_store(tmp_path: Path) -> None:
    results = [engine_result(p, strict=False) for p in make_folder(tmp_path)]
    assert write_parquet_part(results[:6], str(tmp_path / "ds"), 0) == 6
    assert write_parquet_part(results[6:], f"file://{tmp_path / 'ds'}", 7) == len(results) - 6
    assert parts(tmp_path / "ds") == ([0, 7], [])
    check_tables(read_parquet(tmp_path / "ds"), results)
    write_parquet_part(results, "memory://bucket/films", 3)
    store = fsspec.filesystem("memory")
    assert sorted(store.ls("/bucket/films", detail=False)) == sorted(
        f"/bucket/films/{name}" for name in TABLE_NAMES
    )
    got = {
        name: pq.read_table(io.BytesIO(store.cat(f"/bucket/films/{name}/part-00003.parquet")))
        for name in TABLE_NAMES
    }
    check_tables(got, results)


def test_schemas_text_lists_every_table() -> None:
    text = table_schemas()
    assert text == schemas_text()
    for name, schema in SCHEMAS.items():
        assert f"{name}\n{schema.to_string(show_schema_metadata=False)}" in text
    assert "release_date: date32[day]" in text and "year: int32 not null" in text


@pytest.mark.parametrize(
    ("blocked", "call", "extra"),
    [
        ("pyarrow", lambda: filmparse.tables([]), "parquet"),
        ("pyarrow", lambda: filmparse.write_parquet([], "unused"), "parquet"),
        ("duckdb", lambda: filmparse.write_duckdb([], "unused.duckdb"), "duckdb"),
    ],
)
def test_a_missing_extra_is_named(
    monkeypatch: pytest.MonkeyPatch, blocked: str, call: Any, extra: str
) -> None:
    for name in list(sys.modules):
        ours = name in (
            "filmparse._tables", "filmparse._table_inputs",
            "filmparse.sinks._parquet", "filmparse.sinks._duckdb",
        )  # fmt: skip
        if ours or name == blocked or name.startswith(f"{blocked}."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, blocked, None)  # import now fails
    with pytest.raises(MissingExtraError, match=rf"pip install 'filmparse\[{extra}\]'"):
        call()
