"""Killed runs: a Parquet run killed by its pid resumes to exactly the rows of an
uninterrupted run; a killed DuckDB run loses at most the batch in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import filmparse
from conftest import REFERENCE
from filmparse._tables import TABLE_NAMES
from filmparse._tables_api import parquet_done_paths
from filmparse.sinks._parquet import parts
from test_tables import read_parquet

pytestmark = pytest.mark.slow
PAGES = 600
WAIT = 120  # seconds: the longest the test waits for the child to get somewhere

CHILD = textwrap.dedent(
    """
    import sys
    import filmparse

    def progress(pairs):
        for number, pair in enumerate(pairs):
            print(number, flush=True)
            yield pair

    kind, out, listing = sys.argv[1:]
    paths = open(listing, encoding="utf-8").read().split()
    pairs = progress(filmparse.parse_many(paths, jobs=1))
    if kind == "parquet":
        filmparse.write_parquet(pairs, out, pages_per_part=20)
    else:
        filmparse.write_duckdb(pairs, out, batch_pages=25)
    """
)


def make_pages(folder: Path, count: int) -> list[str]:
    text = REFERENCE.read_text(encoding="utf-8")
    paths = []
    for number in range(count):
        path = folder / f"page{number:05d}.txt"
        path.write_text(text.replace("Leaving Las Vegas\n", f"Film {number}\n", 1), "utf-8")
        paths.append(str(path))
    return paths


def run_and_kill(kind: str, out: Path, paths: list[str], after: int) -> None:
    """Start a child writing `kind`, SIGKILL it by pid once it has read `after` pages."""
    listing = out.parent / f"{kind}-pages.txt"
    listing.write_text("\n".join(paths), encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, kind, str(out), str(listing)],
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + WAIT
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if int(line) >= after or time.monotonic() > deadline:
                break
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=WAIT)
    assert child.returncode == -signal.SIGKILL, "the child must be killed mid-run"


def test_a_killed_parquet_run_resumes_to_the_uninterrupted_rows(tmp_path: Path) -> None:
    paths = make_pages(tmp_path, PAGES)
    killed = tmp_path / "killed"
    run_and_kill("parquet", killed, paths, after=PAGES // 2)
    for table in TABLE_NAMES:  # no partial part file: each one whole and readable
        for name in os.listdir(killed / table):
            if name.startswith("part-"):
                pq.read_metadata(killed / table / name)
    complete, _ = parts(killed)
    assert complete, "some parts were complete before the kill"
    done = parquet_done_paths(killed)
    assert done == set(paths[: 20 * len(complete)])
    todo = [path for path in paths if path not in done]
    filmparse.write_parquet(
        filmparse.parse_many(todo, jobs=1), killed, pages_per_part=20, skip_existing=True
    )
    whole = tmp_path / "whole"
    filmparse.write_parquet(filmparse.parse_many(paths, jobs=1), whole, pages_per_part=20)
    assert parts(killed) == parts(whole) == (list(range(PAGES // 20)), [])
    resumed, uninterrupted = read_parquet(killed), read_parquet(whole)
    for table in TABLE_NAMES:
        assert resumed[table].equals(uninterrupted[table]), table
    assert sorted(resumed["films"].column("source_path").to_pylist()) == sorted(paths)


def test_a_killed_duckdb_run_keeps_whole_batches(tmp_path: Path) -> None:
    paths = make_pages(tmp_path, PAGES)
    database = tmp_path / "films.duckdb"
    run_and_kill("duckdb", database, paths, after=PAGES // 2)
    one = filmparse.tables(filmparse.parse_many(paths[:1], jobs=1))
    per_page = {name: table.num_rows for name, table in one.items()}
    with duckdb.connect(str(database)) as connection:
        pages = connection.sql("SELECT count(*) FROM films").fetchall()[0][0]
        assert pages % 25 == 0 and 0 < pages < PAGES
        for table in TABLE_NAMES:
            counts = connection.sql(f'SELECT count(*) FROM "{table}" GROUP BY page_id').fetchall()
            assert all(count == per_page[table] for (count,) in counts), table
    filmparse.write_duckdb(filmparse.parse_many(paths, jobs=1), database)
    with duckdb.connect(str(database)) as connection:
        for table in TABLE_NAMES:
            total = connection.sql(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
            assert total == per_page[table] * PAGES, table
        paths_in = connection.sql("SELECT source_path FROM films ORDER BY 1").fetchall()
    assert [path for (path,) in paths_in] == sorted(paths)
