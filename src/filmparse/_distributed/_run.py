"""The client's side of a run: prepare the outputs, send the partitions with a
bounded number in flight, and write each output's ``_manifest.json`` last.

The listing is read as the partitions are sent, at most `in_flight` of them
ahead of the results, so the client holds a few partitions of names and one
small report per partition, whatever the number of pages.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any

from ._isolate import killed_workers, run_isolated
from ._listing import Partition, is_local, local_path
from ._optional import require, url_to_fs
from ._parts import MARKERS, Output, PartitionReport, Plan, put, run_partition
from ._reuse import sweep_temps

MANIFEST = "_manifest.json"
_PART = re.compile(r"^part-(\d{5,})\.(?:jsonl|json|parquet)$")


class RunError(RuntimeError):
    """A partition could not be converted or written (not a page error: those are rows)."""


def prepare(outputs: Iterable[Output], storage_options: dict[str, Any] | None) -> int:
    """Make the output folders, drop an earlier manifest (a run in progress has
    none) and the temporary files a killed run left; how many of those."""
    stale = 0
    for output in outputs:
        fs, path = url_to_fs(output.url, storage_options)
        if is_local(output.url):
            fs.makedirs(path, exist_ok=True)
            # A Parquet dataset has a folder per table; JSONL parts are flat.
            stale += sweep_temps(path, recursive=output.kind == "parquet")
            if output.kind != "parquet":
                stale += sweep_temps(f"{path}/{MARKERS}", recursive=False)
        with suppress(FileNotFoundError):
            fs.rm_file(f"{path}/{MANIFEST}")
    return stale


def absolute(url: str) -> str:
    """A local output as an absolute path (workers may run elsewhere), else the URL."""
    return os.path.abspath(local_path(url)) if is_local(url) else url


def submit_all(
    client: Any,
    partitions: Iterable[Partition],
    plan: Plan,
    *,
    in_flight: int,
    done: Callable[[PartitionReport], None],
) -> list[PartitionReport]:
    """Run every partition on the cluster; the reports in partition order."""
    distributed = require("distributed")
    pending = distributed.as_completed(loop=client.loop)  # not the default client's
    outstanding: dict[str, Partition] = {}  # future key -> its partition
    futures: dict[str, Any] = {}
    reports: list[PartitionReport] = []
    run = secrets.token_hex(4)

    def collect(future: Any) -> None:
        partition = outstanding.pop(future.key)
        futures.pop(future.key)
        try:
            try:
                report: PartitionReport = future.result()
            except Exception as exc:
                if not killed_workers(exc):
                    raise
                report = run_isolated(client, partition, plan, future.key)
        except Exception as exc:
            number = partition.number
            raise RunError(f"partition {number} failed: {type(exc).__name__}: {exc}") from exc
        reports.append(report)
        done(report)

    try:
        for partition in partitions:
            future = client.submit(
                run_partition,
                partition,
                plan,
                key=f"filmparse-partition-{run}-{partition.number:05d}",
            )
            outstanding[future.key], futures[future.key] = partition, future
            pending.add(future)
            while len(outstanding) >= in_flight:
                collect(next(pending))
        for future in pending:
            collect(future)
    except BaseException:
        # Interrupted, or a partition failed: stop the rest.  Parts already
        # written stay (each is whole); there is no manifest, so the output
        # reads as unfinished, and skip_existing resumes it.
        with suppress(Exception):
            client.cancel(list(futures.values()))
        raise
    return sorted(reports, key=lambda report: report.number)


def write_manifests(plan: Plan, reports: list[PartitionReport], extra: dict[str, Any]) -> None:
    """Each output's ``_manifest.json``: every part with its page and row counts."""
    totals = {
        "pages": sum(report.pages for report in reports),
        "ok": sum(report.ok for report in reports),
        "failed": sum(report.failed for report in reports),
        "warnings": sum(report.warnings for report in reports),
    }
    for output in plan.outputs:
        mine = [(report, part) for report in reports for part in report.parts]
        parts = [
            {
                "partition": report.number,
                "path": part.path,
                "pages": report.pages,
                "rows": part.rows,
            }
            for report, part in mine
            if part.kind == output.kind
        ]
        rows: dict[str, int] = {}
        for _, part in mine:
            if part.kind == output.kind:
                table = part.path.rsplit("/", 1)[0] if "/" in part.path else output.kind
                rows[table] = rows.get(table, 0) + part.rows
        manifest = {
            "kind": output.kind,
            "pages_per_partition": plan.pages_per_partition,
            "strict": plan.strict,
            **extra,
            "partitions": len(reports),
            **totals,
            # JSONL: its row count; Parquet: each table's
            "rows": rows if output.kind == "parquet" else rows.get(output.kind, 0),
            "parts": parts,
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        put(output.join(MANIFEST), text, plan.storage_options)


def remove_stale_parts(plan: Plan, count: int) -> int:
    """Remove the parts and markers numbered `count` or more: an earlier run over
    more pages left them, and they are not this run's.  How many were removed."""
    removed = 0
    for output in plan.outputs:
        fs, root = url_to_fs(output.url, plan.storage_options)
        folders = [root, f"{root}/{MARKERS}"]
        if output.kind == "parquet":
            with suppress(FileNotFoundError):
                folders += [
                    str(entry["name"])
                    for entry in fs.ls(root, detail=True)
                    if entry["type"] == "directory" and not _hidden(str(entry["name"]))
                ]
        for folder in folders:
            try:
                names = fs.ls(folder, detail=False)
            except FileNotFoundError:
                continue
            for name in names:
                match = _PART.match(str(name).rstrip("/").rsplit("/", 1)[-1])
                if match and int(match[1]) >= count:
                    with suppress(FileNotFoundError):
                        fs.rm_file(name)
                        removed += 1
    return removed


def _hidden(name: str) -> bool:
    return name.rstrip("/").rsplit("/", 1)[-1].startswith((".", "_"))
