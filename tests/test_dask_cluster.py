"""filmparse.dask on a real cluster (two worker processes) against a real S3
endpoint (moto's server on loopback, reached by s3fs over HTTP): the rows are
those of the one-machine run; a worker killed mid-run and a client
interrupted mid-run lose no page and double none."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import fsspec
import pytest

import filmparse
import filmparse.dask
from dask_support import (
    S3,
    copy_fixtures,
    make_pages,
    one_machine,
    one_machine_tables,
    read_parts,
    table_rows,
)
from filmparse.engine import parse_many

pytest_plugins = ["conftest_dask"]
pytestmark = pytest.mark.slow

WAIT = 120.0  # seconds: the longest any step may take before the test fails
# The fault tests' run: long enough to be hit mid-way, short enough for CI.
PAGES, PER_PARTITION = 400, 8
PARTITIONS = PAGES // PER_PARTITION


def _upload(s3: S3, folder: Path, prefix: str) -> None:
    s3.fs.mkdir(prefix.split("/", 1)[0])
    s3.fs.mkdir("out")
    s3.fs.put([str(page) for page in sorted(folder.iterdir())], f"{prefix}/")


def _wait_for(what: str, check: Any, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.02)


def _manifest(fs: Any, folder: str) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(fs.cat_file(f"{folder}/_manifest.json"))
    return manifest


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, s3: S3) -> Path:
    """The fixture pages (good, bad, lenient) and 40 generated ones, here and in s3://pages/in/."""
    folder = tmp_path_factory.mktemp("dask") / "in"
    copy_fixtures(folder)
    make_pages(folder, 40)
    _upload(s3, folder, "pages/in")
    return folder


@pytest.mark.parametrize("strict", [True, False])
def test_s3_to_s3_and_local_rows_are_the_one_machine_rows(
    s3: S3, client: Any, pages: Path, tmp_path: Path, strict: bool
) -> None:
    lenient = [] if strict else ["--lenient"]
    rows, errors = one_machine(pages, tmp_path / "cli", *lenient)
    as_s3 = {f'"{pages}/': '"s3://pages/in/'}  # the pages are named by their URL

    def on_s3(text: str) -> str:
        for local, remote in as_s3.items():
            text = text.replace(local, remote)
        return text

    run = "strict" if strict else "lenient"
    for jsonl, errs in (
        (f"s3://out/{run}/rows", f"s3://out/{run}/errors"),
        (str(tmp_path / "rows"), str(tmp_path / "errors")),
    ):
        summary = filmparse.dask.convert(
            "s3://pages/in/", jsonl=jsonl, errors=errs, client=client, strict=strict,
            pages_per_partition=8,
        )  # fmt: skip
        fs = s3.fs if jsonl.startswith("s3://") else fsspec.filesystem("file")
        assert read_parts(fs, jsonl) == on_s3(rows)
        assert read_parts(fs, errs) == on_s3(errors)
        assert (summary.pages, summary.partitions, summary.skipped) == (59, 8, 0)
        assert summary.ok == rows.count("\n")
        assert summary.failed + summary.warnings == errors.count("\n")
        assert (summary.warnings > 0) is not strict
        assert str(summary).startswith(f"pages: 59, ok: {summary.ok}, failed: {summary.failed}")
        manifest = _manifest(fs, jsonl)
        assert [part["path"] for part in manifest["parts"]] == [
            f"part-{number:05d}.jsonl" for number in range(8)
        ]
        assert [part["pages"] for part in manifest["parts"]] == [8] * 7 + [3]
        assert sum(part["rows"] for part in manifest["parts"]) == summary.ok == manifest["rows"]
        assert _manifest(fs, errs)["rows"] == errors.count("\n")


@pytest.mark.parametrize("strict", [True, False])
def test_parquet_from_s3_is_the_one_machine_dataset(
    s3: S3, client: Any, pages: Path, tmp_path: Path, strict: bool
) -> None:
    import duckdb

    local_fs = fsspec.filesystem("file")
    expected = table_rows(local_fs, str(one_machine_tables(pages, tmp_path / "one", strict=strict)))
    assert expected["films"] and expected["problems"]
    run = "strict" if strict else "lenient"
    for root in (f"s3://out/{run}/tables", str(tmp_path / "tables")):
        summary = filmparse.dask.convert(
            "s3://pages/in/", parquet=root, client=client, strict=strict, pages_per_partition=8
        )
        fs = s3.fs if root.startswith("s3://") else local_fs
        got = table_rows(fs, root, ("s3://pages/in/", f"{pages}/"))
        assert got == expected  # every table, every row and value, part boundaries aside
        assert summary.ok == len(expected["films"]) and summary.partitions == 8
        manifest = _manifest(fs, root)
        assert manifest["rows"] == {name: len(rows) for name, rows in expected.items()}
        films = [part for part in manifest["parts"] if part["path"].startswith("films/")]
        assert [part["path"] for part in films] == [f"films/part-{n:05d}.parquet" for n in range(8)]
    sql = f"SELECT count(*), count(DISTINCT page_id) FROM '{tmp_path}/tables/films/*.parquet'"
    assert duckdb.connect().execute(sql).fetchall() == [(len(expected["films"]),) * 2]


def test_read_pages_from_s3_on_the_cluster(s3: S3, client: Any, pages: Path) -> None:
    got = filmparse.dask.read_pages("s3://pages/in/", pages_per_partition=10).compute()
    paths = sorted(str(path) for path in pages.iterdir())
    expected = list(parse_many(paths, jobs=1))
    assert [path for path, _ in got] == [f"s3://pages/in/{Path(p).name}" for p in paths]
    for (name, mine), (path, theirs) in zip(got, expected, strict=True):
        if isinstance(theirs, filmparse.Film):
            assert isinstance(mine, filmparse.Film)
            assert filmparse.to_dict(mine) == filmparse.to_dict(theirs)
        else:
            assert isinstance(mine, filmparse.FilmParseError)
            assert str(mine) == str(theirs).replace(path, name)


def _no_partial_parts(folder: Path) -> None:
    assert not [p.name for p in folder.rglob(".*")], "a temporary file was left behind"
    for part in folder.glob("part-*.jsonl"):
        text = part.read_text(encoding="utf-8")
        assert not text or text.endswith("\n")
        for row in text.splitlines():
            json.loads(row)


def test_a_worker_killed_mid_run_loses_no_page(client: Any, tmp_path: Path) -> None:
    make_pages(tmp_path / "in", PAGES, seed=1)
    rows, _ = one_machine(tmp_path / "in", tmp_path / "cli", "-j", "2")
    out, tables = tmp_path / "rows", tmp_path / "tables"
    markers = tables / "_partitions"  # the first output's
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["summary"] = filmparse.dask.convert(
                str(tmp_path / "in"), jsonl=str(out), parquet=str(tables), client=client,
                pages_per_partition=PER_PARTITION,
            )  # fmt: skip
        except BaseException as exc:  # reported by the test below
            outcome["error"] = exc

    before = client.run(os.getpid)
    worker = threading.Thread(target=run)
    worker.start()
    _wait_for("the first partition", lambda: markers.is_dir() and any(markers.iterdir()))
    busy = {address for address, tasks in client.processing().items() if tasks}
    victim = next(iter(busy or before))
    os.kill(before[victim], signal.SIGKILL)
    done_at_kill = len(list(markers.iterdir()))
    worker.join(WAIT)
    assert not worker.is_alive() and "error" not in outcome, outcome
    assert done_at_kill < PARTITIONS, "the run ended before the worker was killed"
    _wait_for("the nanny to restart the worker", lambda: len(client.run(os.getpid)) == 2)
    assert before[victim] not in client.run(os.getpid).values()
    summary = outcome["summary"]
    assert (summary.pages, summary.ok, summary.partitions) == (PAGES, PAGES, PARTITIONS)
    assert _parts_text(out) == rows  # every page, once, in order
    _no_partial_parts(out)
    _same_tables(tables, tmp_path / "in", tmp_path / "one")


def _same_tables(tables: Path, pages: Path, scratch: Path) -> None:
    """`tables` holds the one-machine dataset's rows, whole files only."""
    assert not [p.name for p in tables.rglob(".*")], "a temporary file was left behind"
    fs = fsspec.filesystem("file")
    assert table_rows(fs, str(tables)) == table_rows(fs, str(one_machine_tables(pages, scratch)))


def _parts_text(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("part-*.jsonl")))


def _executing(dask_worker: Any) -> int:
    count: int = dask_worker.state.executing_count
    return count


def _workers_idle(client: Any) -> bool:
    """No task runs on any worker: a task cancelled by its client still runs to its
    end there (Dask cannot stop running code), so the scheduler's view is not enough."""
    busy = any(client.processing().values())
    return not busy and not any(client.run(_executing).values())


def test_an_interrupted_client_resumes_with_skip_existing(client: Any, tmp_path: Path) -> None:
    make_pages(tmp_path / "in", PAGES, seed=2)
    rows, _ = one_machine(tmp_path / "in", tmp_path / "cli", "-j", "2")
    out, errs, tables = tmp_path / "rows", tmp_path / "errors", tmp_path / "tables"
    # The inputs stream from stdin, and only FED partitions' worth arrive before the
    # interrupt: the run cannot end first, however slow or fast the machine.
    script = (
        "import sys, filmparse.dask\n"
        "filmparse.dask.convert((line.rstrip() for line in sys.stdin), jsonl=sys.argv[1], "
        "errors=sys.argv[2], parquet=sys.argv[4], scheduler=sys.argv[3], "
        f"pages_per_partition={PER_PARTITION})\n"
    )
    fed = 6
    paths = sorted(str(page) for page in (tmp_path / "in").iterdir())
    run = subprocess.Popen(
        [sys.executable, "-c", script, str(out), str(errs), client.scheduler.address,
         str(tables)],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert run.stdin is not None
        run.stdin.write("".join(f"{path}\n" for path in paths[: fed * PER_PARTITION]))
        run.stdin.flush()
        markers = tables / "_partitions"  # the first output's
        _wait_for("three partitions", lambda: len(list(markers.glob("*.json"))) >= 3)
        run.send_signal(signal.SIGINT)  # partitions may still be in flight
        _, stderr = run.communicate(timeout=WAIT)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode != 0 and "KeyboardInterrupt" in stderr, stderr
    assert not (out / "_manifest.json").exists()
    _wait_for("the cancelled tasks to end on the workers", lambda: _workers_idle(client))
    done = len(list(markers.iterdir()))
    assert 3 <= done <= fed
    _no_partial_parts(out)
    assert len(list((tables / "films").iterdir())) == done
    summary = filmparse.dask.convert(
        str(tmp_path / "in"), jsonl=str(out), errors=str(errs), parquet=str(tables),
        client=client, pages_per_partition=PER_PARTITION, skip_existing=True,
    )  # fmt: skip
    assert summary.skipped == done * PER_PARTITION
    assert summary.skipped + summary.ok == summary.pages == PAGES
    assert _parts_text(out) == rows
    assert _manifest(fsspec.filesystem("file"), str(out))["rows"] == PAGES
    _no_partial_parts(out)
    _same_tables(tables, tmp_path / "in", tmp_path / "one")


def test_an_unwritable_destination_stops_the_run(s3: S3, client: Any, pages: Path) -> None:
    with pytest.raises(filmparse.dask.RunError, match=r"partition \d+ failed: FileNotFoundError"):
        filmparse.dask.convert(
            "s3://pages/in/", jsonl="s3://no-such-bucket/rows/", client=client,
            pages_per_partition=8,
        )  # fmt: skip
    _wait_for("the cancelled tasks to go", lambda: not any(client.processing().values()))


def test_the_default_client_or_a_local_cluster_is_used(
    client: Any, pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows, _ = one_machine(pages, tmp_path / "cli")
    import distributed

    lib: Any = distributed  # untyped constructors
    with lib.Client(client.scheduler.address, set_as_default=False) as other:
        # A client given is used, even when none is the default.
        def no_default() -> None:
            raise ValueError("No clients found")

        monkeypatch.setattr(distributed.client, "default_client", no_default)
        given = filmparse.dask.convert(iter([str(pages)]), jsonl=str(tmp_path / "c"), client=other)
        monkeypatch.undo()
    assert _parts_text(tmp_path / "c") == rows and given.ok == rows.count("\n")
    assert _manifest(fsspec.filesystem("file"), str(tmp_path / "c"))["inputs"] is None
    # The module's client is the default one: convert finds it.
    by_default = filmparse.dask.convert(str(pages), jsonl=str(tmp_path / "a"))
    assert _parts_text(tmp_path / "a") == rows
    # scheduler="local": a cluster of its own, of `jobs` worker processes, closed after.
    local = filmparse.dask.convert(
        str(pages), jsonl=str(tmp_path / "b"), scheduler="local", jobs=1, pages_per_partition=30
    )
    assert _parts_text(tmp_path / "b") == rows
    assert (by_default.partitions, local.partitions) == (1, 2)
    assert by_default.ok == local.ok == rows.count("\n")
