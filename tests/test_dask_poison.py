"""A page that kills every worker converting it costs that page only: the rest
of its partition and of the run are written, and the page gets the one-machine
engine's "worker died" error row (on a real two-process cluster)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pyarrow.parquet as pq
import pytest

import filmparse.dask
from dask_support import KillOnPoison, make_pages, one_machine

pytestmark = pytest.mark.slow

PER_PARTITION = 8


@pytest.fixture
def client() -> Iterator[Any]:
    """Two worker processes whose workers die on a "poison" page; the scheduler
    gives a task up after the first worker it kills (allowed-failures 0; the
    default, 3, only takes more restarts)."""
    import distributed

    lib: Any = distributed
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}), lib.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster,
        lib.Client(cluster) as connected,
    ):  # fmt: skip
        connected.register_plugin(KillOnPoison())
        yield connected


def _parts(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("part-*.jsonl")))


def test_a_page_that_kills_its_workers_is_an_error_row_and_the_run_goes_on(
    client: Any, tmp_path: Path
) -> None:
    pages = tmp_path / "in"
    make_pages(pages, 20)
    rows, _ = one_machine(pages, tmp_path / "cli")  # the run without the poison page
    poison = pages / "page-00009-poison.txt"  # in the second partition, mid-way
    shutil.copyfile(pages / "page-00009.txt", poison)
    before = set(client.run(os.getpid).values())

    summary = filmparse.dask.convert(
        str(pages), jsonl=str(tmp_path / "rows"), errors=str(tmp_path / "errors"),
        parquet=str(tmp_path / "tables"), client=client, pages_per_partition=PER_PARTITION,
    )  # fmt: skip

    assert not before & set(client.run(os.getpid).values()), "no worker was killed"
    assert (summary.pages, summary.ok, summary.failed, summary.partitions) == (21, 20, 1, 3)
    assert _parts(tmp_path / "rows") == rows  # every other page, once, in order
    (error,) = [json.loads(line) for line in _parts(tmp_path / "errors").splitlines()]
    assert error["path"] == str(poison)
    assert error["section"] == "worker"
    assert "worker process died" in error["message"]
    manifest = json.loads((tmp_path / "rows" / "_manifest.json").read_text(encoding="utf-8"))
    assert (manifest["pages"], manifest["failed"], manifest["partitions"]) == (21, 1, 3)
    films = pq.read_table(tmp_path / "tables" / "films")
    assert sorted(films.column("source_path").to_pylist()) == sorted(
        str(page) for page in pages.iterdir() if page != poison
    )
    problems = pq.read_table(tmp_path / "tables" / "problems").to_pylist()
    assert [(p["source_path"], p["section"], p["severity"]) for p in problems] == [
        (str(poison), "worker", "error")
    ]
    assert not [p.name for p in tmp_path.rglob(".*")], "a temporary file was left behind"
