"""A partition on a worker: convert its pages and write its parts.

Each JSONL output (``jsonl``, ``errors``) is a folder of ``part-NNNNN.jsonl``
files, one per partition; ``parquet`` is the tables' dataset layout,
``<table>/part-NNNNN.parquet`` (written by the tables' ``write_part``,
``films`` last).  Every part is written even when empty, so that its
presence says the partition is done.  A part is written whole or not at all: a
temporary file renamed into place on a file system, one PUT (or one
multipart upload, completed at once) on an object store.  A partition run
twice, on a worker that died and on another, writes the same bytes to the
same names: one copy remains.  Once its parts are written the partition
leaves a marker, ``<first output>/_partitions/part-NNNNN.json``, with its
counts and the fingerprint of its pages: resuming skips a partition whose
marker matches and whose parts are all there.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from attrs import field, frozen

from ._listing import Partition
from ._optional import require, url_to_fs
from ._pages import page_at
from ._reuse import (
    FATAL_CODES,
    RECORD,
    TEXT,
    Job,
    PageResult,
    Sink,
    engine_convert_page,
    error_record,
    warning_record,
    write_atomic,
)

MARKERS = "_partitions"


class ResumeError(RuntimeError):
    """The destination holds parts of another run (other pages, other partition size)."""


@frozen
class Output:
    """One output folder: its kind and where it is (an absolute path or a URL)."""

    kind: str  # "jsonl", "errors" or "parquet"
    url: str

    def part_name(self, number: int) -> str:
        """The part whose presence says partition `number` is written here."""
        if self.kind == "parquet":
            return f"films/part-{number:05d}.parquet"  # the tables' last file
        return f"part-{number:05d}.jsonl"

    def join(self, name: str) -> str:
        return f"{self.url.rstrip('/')}/{name}"


@frozen
class Plan:
    """The settings of a run that every partition needs."""

    outputs: tuple[Output, ...]
    pages_per_partition: int
    strict: bool = True
    max_bytes: int | None = None
    storage_options: dict[str, Any] | None = field(default=None, eq=False)
    skip_existing: bool = False
    require_sections: bool = False
    fail_on: frozenset[str] = FATAL_CODES

    def marker(self, number: int) -> str:
        return self.outputs[0].join(f"{MARKERS}/part-{number:05d}.json")


@frozen
class PartReport:
    kind: str
    path: str  # relative to its output folder
    rows: int


@frozen
class PartitionReport:
    """What a partition held and wrote (``skipped``: done by an earlier run)."""

    number: int
    pages: int
    ok: int
    failed: int
    warnings: int
    parts: tuple[PartReport, ...]
    skipped: bool = False
    # counts by code, for the summary line (as on one machine); a fresh run's only
    warning_codes: tuple[tuple[str, int], ...] = ()
    failure_codes: tuple[tuple[str, int], ...] = ()


def put(url: str, text: str | bytes, storage_options: dict[str, Any] | None) -> None:
    """Write `text` (a str as UTF-8) at `url` atomically: temp + rename locally,
    one PUT elsewhere."""
    fs, path = url_to_fs(url, storage_options)
    data = text.encode("utf-8") if isinstance(text, str) else text
    if "file" in _protocols(fs):
        write_atomic(path, data)
    else:
        fs.pipe_file(path, data)


def _protocols(fs: Any) -> tuple[str, ...]:
    return (fs.protocol,) if isinstance(fs.protocol, str) else tuple(fs.protocol)


class _LinesPart:
    """A part of JSON lines, kept in memory (a partition is a few MB) and
    written in one go on commit."""

    needs: frozenset[str] = frozenset({TEXT})

    def __init__(self, url: str, storage_options: dict[str, Any] | None) -> None:
        self.url = url
        self.rows = 0
        self._lines: list[bytes] = []
        self._options = storage_options

    def open(self) -> None:
        self._lines, self.rows = [], 0

    def write(self, result: PageResult) -> None:
        lines = self.lines(result)
        self._lines.extend(lines)
        self.rows += len(lines)

    def lines(self, result: PageResult) -> list[bytes]:
        raise NotImplementedError

    def commit(self) -> None:
        put(self.url, b"".join(self._lines), self._options)
        self._lines = []

    def abort(self) -> None:
        self._lines = []

    def reports(self, kind: str, name: str) -> tuple[PartReport, ...]:
        return (PartReport(kind, name, self.rows),)


class JsonlPart(_LinesPart):
    """The rows of ``--jsonl``: one film per line, the failed pages left out."""

    def lines(self, result: PageResult) -> list[bytes]:
        return [result.text] if result.ok and result.text is not None else []


class ErrorsPart(_LinesPart):
    """The rows of ``--errors``: each warning of the page, then its error."""

    needs = frozenset()

    def lines(self, result: PageResult) -> list[bytes]:
        rows = [warning_record(result.path, diagnostic) for diagnostic in result.diagnostics]
        if result.error is not None:
            rows.append(error_record(result.path, result.error))
        return [row.encode("utf-8") for row in rows]


class ParquetPart:
    """The rows of every table for the partition's pages, written by the tables'
    own ``write_part`` on commit (one file per table, ``films`` last)."""

    needs = frozenset({RECORD})

    def __init__(self, root: str, number: int, storage_options: dict[str, Any] | None) -> None:
        self.root, self.number, self._options = root, number, storage_options
        self._results: list[PageResult] = []
        self.rows: dict[str, int] = {}

    def open(self) -> None:
        self._results, self.rows = [], {}

    def write(self, result: PageResult) -> None:
        self._results.append(result)

    def commit(self) -> None:
        parquet = require("filmparse.sinks._parquet", "parquet")
        parquet.write_part(
            self._results, self.root, self.number, storage_options=self._options, rows=self.rows
        )
        self._results = []

    def abort(self) -> None:
        self._results = []

    def reports(self, kind: str, name: str) -> tuple[PartReport, ...]:
        part = name.rsplit("/", 1)[-1]
        return tuple(PartReport(kind, f"{table}/{part}", rows) for table, rows in self.rows.items())


_Part = _LinesPart | ParquetPart


def _part_sink(output: Output, number: int, plan: Plan) -> _Part:
    if output.kind == "parquet":
        return ParquetPart(output.url, number, plan.storage_options)
    url = output.join(output.part_name(number))
    sink = JsonlPart if output.kind == "jsonl" else ErrorsPart
    return sink(url, plan.storage_options)


def _needs(sinks: Collection[Sink]) -> frozenset[str]:
    return frozenset().union(*(sink.needs for sink in sinks))


def run_partition(
    partition: Partition, plan: Plan, results: Iterable[PageResult] | None = None
) -> PartitionReport:
    """Convert a partition and write its parts and marker (runs on a worker).

    `results`: the partition's pages converted already, one result each in
    order (``_isolate``: each page on its own, after one killed its workers)."""
    if plan.skip_existing and results is None:
        earlier = done_before(partition, plan)
        if earlier is not None:
            return earlier
    sinks = [(output, _part_sink(output, partition.number, plan)) for output in plan.outputs]
    interface: list[Sink] = [sink for _, sink in sinks]
    if results is None:
        needs = _needs(interface)
        pages = pages_of(partition)
        results = (convert_page(name, location, plan, needs) for name, location in pages)
    for sink in interface:
        sink.open()
    ok = failed = warnings = 0
    warning_codes: Counter[str] = Counter()
    failure_codes: Counter[str] = Counter()
    try:
        for result in results:
            ok, failed = ok + result.ok, failed + (not result.ok)
            warnings += len(result.diagnostics)
            warning_codes.update(diagnostic.code for diagnostic in result.diagnostics)
            if result.error is not None and result.error.code is not None:
                failure_codes[result.error.code] += 1
            for sink in interface:
                sink.write(result)
        for sink in interface:
            sink.commit()
    except BaseException:
        for sink in interface:
            sink.abort()
        raise
    parts = tuple(
        report
        for output, sink in sinks
        for report in sink.reports(output.kind, output.part_name(partition.number))
    )
    report = PartitionReport(
        partition.number,
        len(partition.names),
        ok,
        failed,
        warnings,
        parts,
        warning_codes=tuple(sorted(warning_codes.items())),
        failure_codes=tuple(sorted(failure_codes.items())),
    )
    put(plan.marker(partition.number), _marker_text(partition, plan, report), plan.storage_options)
    return report


def pages_of(partition: Partition) -> Iterator[tuple[str, str]]:
    """(name, location) of each page of `partition`, in order."""
    return zip(partition.names, partition.locations, strict=True)


def convert_page(
    name: str, location: str, plan: Plan, needs: frozenset[str] | None = None
) -> PageResult:
    """One page of a partition converted (on a worker), with what its parts
    `needs` (the plan's outputs' if None): the one-machine engine's own
    conversion, so the same rows and errors."""
    if needs is None:
        needs = _needs([_part_sink(output, 0, plan) for output in plan.outputs])
    return engine_convert_page(
        Job(page_at(name, location, plan.storage_options)),
        None,
        strict=plan.strict,
        max_bytes=plan.max_bytes,
        needs=needs,
        require_sections=plan.require_sections,
        fail_on=plan.fail_on,
    )


def _marker_text(partition: Partition, plan: Plan, report: PartitionReport) -> str:
    record = {
        "partition": report.number,
        "fingerprint": partition.fingerprint,
        "pages_per_partition": plan.pages_per_partition,
        "pages": report.pages,
        "ok": report.ok,
        "failed": report.failed,
        "warnings": report.warnings,
        "parts": [{"kind": p.kind, "path": p.path, "rows": p.rows} for p in report.parts],
    }
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def done_before(partition: Partition, plan: Plan) -> PartitionReport | None:
    """The report of an earlier run's copy of `partition`, if whole; None to rerun it."""
    marker = plan.marker(partition.number)
    fs, path = url_to_fs(marker, plan.storage_options)
    try:
        record = json.loads(fs.cat_file(path))
        earlier = {part["kind"] for part in record["parts"]}
        same = (
            record["fingerprint"] == partition.fingerprint
            and record["pages_per_partition"] == plan.pages_per_partition
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a marker we cannot read: convert the partition again
    if not same:
        raise ResumeError(
            f"{marker}: partition {partition.number} of an earlier run holds other pages "
            f"(it was cut with pages_per_partition={record['pages_per_partition']}, this run "
            f"uses {plan.pages_per_partition}, or the inputs changed); resume with the same "
            "inputs and partition size, or convert into an empty destination"
        )
    for output in plan.outputs:
        name = output.part_name(partition.number)
        out_fs, out_path = url_to_fs(output.join(name), plan.storage_options)
        if output.kind not in earlier or not out_fs.exists(out_path):
            return None
    parts = tuple(
        PartReport(str(part["kind"]), str(part["path"]), int(part["rows"]))
        for part in record["parts"]
    )
    return PartitionReport(
        partition.number,
        int(record["pages"]),
        int(record["ok"]),
        int(record["failed"]),
        int(record["warnings"]),
        parts,
        skipped=True,
    )
