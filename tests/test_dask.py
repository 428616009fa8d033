"""filmparse.dask without a cluster: listing, partitions, one partition's parts,
resuming, reading remote pages, and the errors of a bad call.  The runs on a
real cluster and a real S3 endpoint are in test_dask_cluster.py."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import fsspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

import filmparse
import filmparse.dask
from conftest import FIXTURES, REFERENCE
from dask_support import copy_fixtures, one_machine, one_machine_tables, table_rows
from filmparse._distributed._listing import Partition, list_pages, partitions
from filmparse._distributed._optional import MissingExtraError
from filmparse._distributed._pages import read_bytes
from filmparse._distributed._parts import Output, Plan, ResumeError, run_partition
from filmparse._distributed._run import MANIFEST, prepare, remove_stale_parts
from filmparse.engine import parse_many
from filmparse.sources import DEFAULT_MAX_BYTES, find_pages


@given(st.lists(st.text(min_size=1), max_size=60), st.integers(1, 9))
def test_partitions_cut_the_listing_in_order(names: list[str], size: int) -> None:
    cut = list(partitions(((name, f"/x/{name}") for name in names), size))
    assert [part.number for part in cut] == list(range(len(cut)))
    assert [name for part in cut for name in part.names] == names
    assert [loc for part in cut for loc in part.locations] == [f"/x/{name}" for name in names]
    assert all(len(part.names) == size for part in cut[:-1])
    assert not cut or 1 <= len(cut[-1].names) <= size


def test_fingerprint_tells_partitions_apart() -> None:
    one = Partition(0, ("a", "b"), ("/a", "/b"))
    assert one.fingerprint == Partition(0, ("a", "b"), ("/elsewhere/a", "/b")).fingerprint
    assert one.fingerprint != Partition(0, ("a", "c"), ("/a", "/c")).fingerprint
    assert one.fingerprint != Partition(0, ("a",), ("/a",)).fingerprint


def _tree(root: Path) -> None:
    for name in ("b.txt", "a.txt.gz", "z/c.txt", "y/d.txt", ".hidden/e.txt", "f.json", "y/.g.txt"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_local_listing_is_the_one_machine_order(tmp_path: Path) -> None:
    _tree(tmp_path / "in")
    given_path = str(tmp_path / "in")
    listed = list(list_pages([given_path, str(REFERENCE)]))
    expected = [page.path for page in find_pages([given_path, str(REFERENCE)])]
    assert [name for name, _ in listed] == expected
    assert [Path(name).relative_to(tmp_path / "in").as_posix() for name, _ in listed[:-1]] == [
        "a.txt.gz", "b.txt", "y/d.txt", "z/c.txt",
    ]  # fmt: skip
    assert all(Path(location).is_absolute() for _, location in listed)
    urls = list(list_pages([f"file://{given_path}"], "*.txt"))
    assert [name for name, _ in urls] == [f"file://{name}" for name in expected[:-1]]


def test_remote_listing_walks_folders_in_order() -> None:
    fs = fsspec.filesystem("memory")
    root = "/listing-test"
    for name in ("b.txt", "a.txt.gz", "z/c.txt", "y/d.txt", ".hidden/e.txt", "f.json"):
        fs.pipe_file(f"{root}/{name}", b"x")
    try:
        listed = [name for name, _ in list_pages([f"memory://{root}/", "memory:///nothing-here"])]
    finally:
        fs.rm(root, recursive=True)
    assert listed == [
        f"memory://{root}/{name}" for name in ("a.txt.gz", "b.txt", "y/d.txt", "z/c.txt")
    ] + ["memory:///nothing-here"]  # an input naming nothing is kept, to fail when read


def test_remote_pages_read_like_local_ones() -> None:
    fs = fsspec.filesystem("memory")
    data = REFERENCE.read_bytes()
    fs.pipe_file("/read-test/page.txt", data)
    fs.pipe_file("/read-test/page.txt.gz", gzip.compress(data))
    fs.pipe_file("/read-test/bad.txt.gz", b"not gzip at all")
    try:
        assert read_bytes("memory:///read-test/page.txt", "p") == data
        assert read_bytes("memory:///read-test/page.txt.gz", "p") == data
        errors = {}
        for name, limit in (("missing.txt", None), ("bad.txt.gz", None), ("page.txt", 100),
                            ("page.txt.gz", 100)):  # fmt: skip
            with pytest.raises(filmparse.FilmParseError) as caught:
                read_bytes(f"memory:///read-test/{name}", name, max_bytes=limit)
            assert caught.value.section == "file"
            assert caught.value.path == name
            errors[name] = caught.value.message
    finally:
        fs.rm("/read-test", recursive=True)
    assert "no such file" in errors["missing.txt"]
    assert "not a valid gzip file" in errors["bad.txt.gz"]
    assert errors["page.txt"] == f"the page is {len(data):,} bytes, over the limit of 100 bytes"
    assert "decompresses to more than the limit of 100 bytes" in errors["page.txt.gz"]


def _plan(tmp_path: Path, size: int, **options: Any) -> Plan:
    outputs = (Output("jsonl", str(tmp_path / "rows")), Output("errors", str(tmp_path / "errs")))
    return Plan(outputs, size, **options)


def _parts_text(folder: Path) -> str:
    return "".join(part.read_text(encoding="utf-8") for part in sorted(folder.glob("part-*")))


@pytest.mark.parametrize("strict", [True, False])
def test_partition_rows_are_the_cli_rows(tmp_path: Path, strict: bool) -> None:
    copy_fixtures(tmp_path / "in")
    pages = list(list_pages([str(tmp_path / "in")]))
    plan = _plan(tmp_path, 6, strict=strict, max_bytes=DEFAULT_MAX_BYTES)
    reports = [run_partition(part, plan) for part in partitions(pages, 6)]
    lenient = [] if strict else ["--lenient"]
    rows, errors = one_machine(tmp_path / "in", tmp_path / "cli", *lenient)
    assert _parts_text(tmp_path / "rows") == rows
    assert _parts_text(tmp_path / "errs") == errors
    assert sum(report.pages for report in reports) == len(pages) == 19
    assert sum(report.ok for report in reports) == rows.count("\n")
    assert sum(report.failed + report.warnings for report in reports) == errors.count("\n")
    warnings = sum(report.warnings for report in reports)
    assert warnings == errors.count('"severity": "warning"') == (0 if strict else warnings)
    assert strict or warnings > 0
    marker = json.loads((tmp_path / "rows" / "_partitions" / "part-00003.json").read_text())
    assert (marker["partition"], marker["pages"], marker["pages_per_partition"]) == (3, 1, 6)
    assert [part["path"] for part in marker["parts"]] == ["part-00003.jsonl"] * 2


def test_skip_existing_runs_only_what_is_missing(tmp_path: Path) -> None:
    copy_fixtures(tmp_path / "in")
    cut = list(partitions(list_pages([str(tmp_path / "in")]), 5))
    first = [run_partition(part, _plan(tmp_path, 5)) for part in cut]
    before = _parts_text(tmp_path / "rows")
    resume = _plan(tmp_path, 5, skip_existing=True)
    (tmp_path / "errs" / "part-00001.jsonl").unlink()
    again = [run_partition(part, resume) for part in cut]
    assert [report.skipped for report in again] == [True, False, True, True]
    assert [(r.pages, r.ok, r.failed, r.parts) for r in again] == [
        (r.pages, r.ok, r.failed, r.parts) for r in first
    ]
    assert _parts_text(tmp_path / "rows") == before
    assert (tmp_path / "errs" / "part-00001.jsonl").exists()
    with pytest.raises(ResumeError, match="pages_per_partition=5"):
        run_partition(cut[0], _plan(tmp_path, 4, skip_existing=True))
    other = Partition(0, cut[0].names[1:], cut[0].locations[1:])
    with pytest.raises(ResumeError, match="partition 0 of an earlier run holds other pages"):
        run_partition(other, _plan(tmp_path, 5, skip_existing=True))


def test_prepare_and_cleanup_leave_only_this_runs_parts(tmp_path: Path) -> None:
    rows = tmp_path / "rows"
    (rows / "_partitions").mkdir(parents=True)
    for name in ("part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl", MANIFEST,
                 ".part-00001.jsonl.filmparse-0123abcd.tmp", "notes.txt"):  # fmt: skip
        (rows / name).write_text("x")
    (rows / "_partitions" / "part-00002.json").write_text("{}")
    plan = Plan((Output("jsonl", str(rows)),), 5)
    assert prepare(plan.outputs, None) == 1
    assert remove_stale_parts(plan, 2) == 2
    assert sorted(p.name for p in rows.iterdir()) == [
        "_partitions", "notes.txt", "part-00000.jsonl", "part-00001.jsonl",
    ]  # fmt: skip
    assert list((rows / "_partitions").iterdir()) == []


def test_read_pages_is_a_bag_of_what_parse_many_gives(tmp_path: Path) -> None:
    copy_fixtures(tmp_path / "in")
    bag = filmparse.dask.read_pages(str(tmp_path / "in"), pages_per_partition=4, strict=False)
    assert bag.npartitions == 5
    got = bag.compute(scheduler="sync")
    paths = [page.path for page in find_pages([str(tmp_path / "in")])]
    expected = list(parse_many(paths, jobs=1, strict=False))
    assert [path for path, _ in got] == paths
    for (_, mine), (_, theirs) in zip(got, expected, strict=True):
        if isinstance(theirs, filmparse.Film):
            assert isinstance(mine, filmparse.Film)
            assert filmparse.to_dict(mine) == filmparse.to_dict(theirs)
            assert mine.diagnostics == theirs.diagnostics
        else:
            assert isinstance(mine, filmparse.FilmParseError)
            assert str(mine) == str(theirs)
    empty = filmparse.dask.read_pages([], pages_per_partition=4)
    assert empty.compute(scheduler="sync") == []


def test_bad_calls_are_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nowhere to write"):
        filmparse.dask.convert([str(FIXTURES)])
    with pytest.raises(ValueError, match="different folders"):
        filmparse.dask.convert([str(FIXTURES)], jsonl=str(tmp_path), errors=f"{tmp_path}/")
    with pytest.raises(ValueError, match="at least 1"):
        filmparse.dask.convert([str(FIXTURES)], jsonl=str(tmp_path), pages_per_partition=0)
    with pytest.raises(ValueError, match="at least 1"):
        filmparse.dask.read_pages([str(FIXTURES)], pages_per_partition=0)
    assert not list(tmp_path.iterdir())


def test_a_missing_extra_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'filmparse\[dask\]'"):
        filmparse.dask.convert([str(FIXTURES)], jsonl=str(tmp_path / "out"), scheduler="local")
    assert not (tmp_path / "out").exists()
    monkeypatch.setitem(sys.modules, "s3fs", None)
    registry = sys.modules["fsspec.registry"]._registry  # the classes imported so far
    monkeypatch.delitem(registry, "s3", raising=False)
    with pytest.raises(MissingExtraError, match=r"pip install 'filmparse\[s3\]'"):
        list(list_pages(["s3://bucket/pages/"]))


def test_parquet_partitions_are_the_one_machine_tables_and_resume(tmp_path: Path) -> None:
    copy_fixtures(tmp_path / "in")
    cut = list(partitions(list_pages([str(tmp_path / "in")]), 5))
    plan = Plan((Output("parquet", str(tmp_path / "tables")),), 5, strict=False)
    first = [run_partition(part, plan) for part in cut]
    fs = fsspec.filesystem("file")
    one = one_machine_tables(tmp_path / "in", tmp_path / "one", strict=False)
    assert table_rows(fs, str(tmp_path / "tables")) == table_rows(fs, str(one))
    films = [sum(p.rows for p in r.parts if p.path.startswith("films/")) for r in first]
    assert sum(films) == len(table_rows(fs, str(one))["films"]) > 0
    (tmp_path / "tables" / "films" / "part-00001.parquet").unlink()  # as if killed before films
    resume = Plan(plan.outputs, 5, strict=False, skip_existing=True)
    again = [run_partition(part, resume) for part in cut]
    assert [report.skipped for report in again] == [True, False, True, True]
    assert [report.parts for report in again] == [report.parts for report in first]
    assert table_rows(fs, str(tmp_path / "tables")) == table_rows(fs, str(one))
