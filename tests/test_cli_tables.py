"""`convert --parquet DIR`, `--duckdb FILE` and `schema --tables`, run as a user would.

A folder of good, bad, lenient and unreadable pages is converted by the command
to Parquet, to DuckDB and to JSONL; the tables read back (pyarrow, DuckDB SQL)
must reassemble to the JSONL rows of the same pages, and hold a problems row for
every line of the --errors report.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import FIXTURES, REFERENCE
from filmparse._tables import SCHEMAS, TABLE_NAMES, schemas_text
from filmparse._tables_records import records
from filmparse.sinks._parquet import parts
from test_cli import run
from test_tables import read_duckdb, read_parquet

WAIT = 120  # seconds: the longest a test waits for a child to get somewhere


def make_folder(root: Path) -> Path:
    """Good, bad and lenient pages, a .gz duplicate of a good one, an unreadable .gz."""
    pages = root / "pages"
    for kind in ("valid", "invalid", "lenient"):
        shutil.copytree(FIXTURES / kind, pages / kind, ignore=shutil.ignore_patterns("*.json"))
    with gzip.open(pages / "valid" / "copy.txt.gz", "wb") as handle:
        handle.write(REFERENCE.read_bytes())
    (pages / "valid" / "corrupt.txt.gz").write_bytes(b"not gzip at all")
    return pages


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def check_against_jsonl(tables: dict[str, Any], rows: Path, errors: Path) -> None:
    """The tables hold what the JSONL and --errors outputs of the same pages hold."""
    for name, table in tables.items():
        assert [f.type for f in table.schema] == [f.type for f in SCHEMAS[name]], name
    exported: dict[str, dict[str, Any]] = {}
    for row in lines(rows):
        exported.setdefault(row["source"]["sha256"], row)  # a duplicate page: once in films
    got = {record["source"]["sha256"]: record for record in records(tables)}
    assert got == exported
    reported = sorted(
        (r["path"], r["severity"], r["line"], r["column"], r["message"]) for r in lines(errors)
    )
    problems = tables["problems"].to_pylist()
    duplicate = [r for r in problems if "is already in this output" in r["message"]]
    assert len(duplicate) == 1  # copy.txt.gz or the reference page: one of them is left out
    in_table = sorted(
        (r["source_path"], r["severity"], r["line"], r["column"], r["message"])
        for r in problems
        if r not in duplicate
    )
    assert in_table == reported


@pytest.fixture(scope="module", params=[[], ["--lenient"]], ids=["strict", "lenient"])
def converted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli-tables")
    pages = make_folder(root)
    mode: list[str] = request.param
    outputs = {
        "jsonl": ["--jsonl", str(root / "rows.jsonl"), "--errors", str(root / "errors.jsonl")],
        "parquet": ["--parquet", str(root / "parquet"), "--pages-per-part", "4"],
        "duckdb": ["--duckdb", str(root / "films.duckdb")],
    }
    for name, output in outputs.items():
        result = run("convert", str(pages), *mode, "-q", *output)
        assert result.returncode == 1, result.stderr  # some pages fail in either mode
        assert "Traceback" not in result.stderr, name
    return root


def test_parquet_holds_what_jsonl_holds(converted: Path) -> None:
    tables = read_parquet(converted / "parquet")
    check_against_jsonl(tables, converted / "rows.jsonl", converted / "errors.jsonl")
    complete, incomplete = parts(converted / "parquet")
    pages = len(lines(converted / "rows.jsonl")) + len(
        {r["path"] for r in lines(converted / "errors.jsonl") if r["severity"] == "error"}
    )
    assert incomplete == [] and complete == list(range(-(-pages // 4)))  # 4 pages a part


def test_duckdb_holds_what_jsonl_holds(converted: Path) -> None:
    database = converted / "films.duckdb"
    check_against_jsonl(read_duckdb(database), converted / "rows.jsonl", converted / "errors.jsonl")
    with duckdb.connect(str(database), read_only=True) as connection:
        top = connection.sql("SELECT speaker, count(*) FROM dialogue GROUP BY 1 ORDER BY 2 DESC")
        expected: dict[str, int] = {}
        for row in lines(converted / "rows.jsonl"):
            if row["source"]["path"].endswith("copy.txt.gz"):
                continue  # the duplicate of the reference page: once in the tables
            for line in row["dialogue"]:
                expected[line["speaker"]] = expected.get(line["speaker"], 0) + 1
        assert dict(top.fetchall()) == expected and expected


def test_duckdb_again_replaces_rows_and_parquet_again_is_refused(converted: Path) -> None:
    pages = converted / "pages"
    database = converted / "again.duckdb"
    for _ in range(2):
        run("convert", str(pages), "-q", "--duckdb", str(database))
    with duckdb.connect(str(database), read_only=True) as connection:
        films = connection.sql("SELECT count(*), count(DISTINCT page_id) FROM films").fetchall()
    assert films[0][0] == films[0][1] > 0
    again = run("convert", str(pages), "--parquet", str(converted / "parquet"))
    assert again.returncode == 2 and "--skip-existing" in again.stderr
    assert "Traceback" not in again.stderr


def test_duckdb_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    shutil.copy(REFERENCE, page)
    other = tmp_path / "films.json"  # DuckDB would read it as a database of its own, in memory
    other.write_text('{"title": "kept"}\n', encoding="utf-8")
    for target, message in [(other, "not a DuckDB database"), (tmp_path / "no" / "f.duckdb", "")]:
        result = run("convert", str(page), "--duckdb", str(target))
        assert result.returncode == 2, result.stderr
        assert f"cannot write {target}: " in result.stderr and message in result.stderr
        assert "Traceback" not in result.stderr
    assert other.read_text(encoding="utf-8") == '{"title": "kept"}\n'


def test_pages_per_part_needs_parquet(tmp_path: Path) -> None:
    result = run("convert", str(REFERENCE), "--jsonl", "-", "--pages-per-part", "3")
    assert result.returncode == 2 and "--pages-per-part needs --parquet" in result.stderr


def test_schema_tables_prints_the_arrow_schemas() -> None:
    result = run("schema", "--tables")
    assert result.returncode == 0, result.stderr
    assert result.stdout == schemas_text()
    assert all(f"\n{name}\n" in f"\n{result.stdout}" for name in TABLE_NAMES)


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["convert", str(REFERENCE), "--parquet", "OUT"], "filmparse[parquet]"),
        (["convert", str(REFERENCE), "--duckdb", "OUT"], "filmparse[duckdb]"),
        (["schema", "--tables"], "filmparse[parquet]"),
    ],
)
def test_a_missing_extra_is_a_usage_error_naming_it(
    tmp_path: Path, args: list[str], extra: str
) -> None:
    blocked = "import sys; sys.modules['pyarrow'] = sys.modules['duckdb'] = None\n"
    code = blocked + "from filmparse.cli import main; sys.exit(main(sys.argv[1:]))"
    args = [str(tmp_path / "out") if arg == "OUT" else arg for arg in args]
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=WAIT
    )
    assert result.returncode == 2, result.stderr
    assert extra in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def make_pages(folder: Path, count: int) -> Path:
    text = REFERENCE.read_text(encoding="utf-8")
    folder.mkdir()
    for number in range(count):
        page = text.replace("Leaving Las Vegas\n", f"Film {number}\n", 1)
        (folder / f"page{number:05d}.txt").write_text(page, encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_killed_convert_parquet_resumes_to_the_uninterrupted_rows(tmp_path: Path) -> None:
    pages = make_pages(tmp_path / "pages", 600)
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    command = [sys.executable, "-m", "filmparse", "convert", str(pages), "-q", "-j", "1"]
    child = subprocess.Popen([*command, "--parquet", str(killed), "--pages-per-part", "20"])
    deadline = time.monotonic() + WAIT
    try:
        while len(parts(killed)[0]) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=WAIT)
    assert child.returncode == -signal.SIGKILL, "the run must be killed mid-way"
    complete, _ = parts(killed)
    assert 5 <= len(complete) < 30
    for table in TABLE_NAMES:  # no partial part file: each one whole and readable
        for name in os.listdir(killed / table):
            if name.startswith("part-"):
                pq.read_metadata(killed / table / name)
    resumed = run(*command[3:], "--parquet", str(killed), "--pages-per-part", "20",
                  "--skip-existing")  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    uninterrupted = run(*command[3:], "--parquet", str(whole), "--pages-per-part", "20")
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    assert parts(killed) == parts(whole) == (list(range(30)), [])
    got, expected = read_parquet(killed), read_parquet(whole)
    for table in TABLE_NAMES:
        assert got[table].equals(expected[table]), table
    assert got["films"].num_rows == 600
