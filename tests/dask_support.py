"""Helpers of the Dask tests: page folders, the one-machine output of a folder,
reading output parts back (the fixtures are in conftest_dask.py)."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from attrs import frozen
from distributed import WorkerPlugin

from conftest import FIXTURES, REFERENCE

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def make_pages(folder: Path, count: int, *, seed: int = 0) -> list[Path]:
    """`count` distinct valid pages (the reference page, renamed and re-counted),
    flat in `folder` as page-NNNNN.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    text = REFERENCE.read_text(encoding="utf-8")
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        page = text.replace("Leaving Las Vegas\n", f"Leaving Las Vegas {number}\n", 1)
        page = re.sub(r"(?m)^Vote Count \d+$", f"Vote Count {rng.randrange(10, 99999)}", page)
        path = folder / f"page-{number:05d}.txt"
        path.write_text(page, encoding="utf-8")
        paths.append(path)
    return paths


def copy_fixtures(folder: Path) -> None:
    """The valid, invalid and lenient fixture pages, flat in `folder`
    (kind-name.txt), so that some pages fail and some have warnings."""
    folder.mkdir(parents=True, exist_ok=True)
    for page in sorted(FIXTURES.glob("*/*.txt")):
        shutil.copyfile(page, folder / f"{page.parent.name}-{page.name}")


def one_machine(folder: Path, out: Path, *extra: str) -> tuple[str, str]:
    """The --jsonl and --errors text of ``filmparse convert FOLDER`` on this machine."""
    out.mkdir(parents=True, exist_ok=True)
    rows, errors = out / "rows.jsonl", out / "errors.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "filmparse", "convert", str(folder), "--jsonl", str(rows),
         "--errors", str(errors), "-q", *extra],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    return rows.read_text(encoding="utf-8"), errors.read_text(encoding="utf-8")


def read_parts(fs: Any, folder: str) -> str:
    """The parts of an output folder, concatenated in part order."""
    names = sorted(
        name for name in fs.ls(folder, detail=False) if name.rsplit("/", 1)[-1].startswith("part-")
    )
    return "".join(fs.cat_file(name).decode("utf-8") for name in names)


@frozen
class S3:
    endpoint: str
    fs: Any  # s3fs.S3FileSystem




def one_machine_tables(folder: Path, out: Path, *, strict: bool = True) -> Path:
    """The one-machine ``ParquetSink`` dataset of the pages in `folder`, at `out`."""
    from filmparse.engine import convert_pages
    from filmparse.sinks._parquet import ParquetSink
    from filmparse.sources import find_pages

    sink = ParquetSink(out)
    sink.open()
    for _ in convert_pages(find_pages([str(folder)]), [sink], jobs=1, strict=strict):
        pass
    sink.commit()
    return out


def table_rows(fs: Any, root: str, prefix: tuple[str, str] = ("", "")) -> dict[str, list[Any]]:
    """Every table's rows under `root` (any part boundaries), sorted, with the
    source_path prefix ``prefix[0]`` written as ``prefix[1]``."""
    import pyarrow.parquet as pq

    from filmparse._tables import TABLE_NAMES

    tables: dict[str, list[Any]] = {}
    for name in TABLE_NAMES:
        parts = sorted(fs.glob(f"{root.rstrip('/')}/{name}/part-*.parquet"))
        rows = [row for part in parts for row in pq.read_table(part, filesystem=fs).to_pylist()]
        for row in rows:
            if row.get("source_path"):
                row["source_path"] = row["source_path"].replace(*prefix, 1)
        tables[name] = sorted(rows, key=repr)
    return tables


class KillOnPoison(WorkerPlugin):
    """Makes each worker (restarted ones too: the scheduler keeps the plugin) die
    the moment it starts converting a page whose name holds "poison": a page
    that kills its process (native crash, memory limit), without needing one."""

    name = "filmparse-tests-kill-on-poison"

    def setup(self, worker: Any) -> None:
        import os

        from filmparse._distributed import _parts as module

        parts: Any = module
        convert = parts.engine_convert_page

        def dying(job: Any, *args: Any, **kwargs: Any) -> Any:
            if "poison" in job.page.path:
                os._exit(70)
            return convert(job, *args, **kwargs)

        parts.engine_convert_page = dying
