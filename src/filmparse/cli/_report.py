"""`filmparse report ERRORS.jsonl`: the problems of a convert run, counted by code."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator

from ..diagnostics import CODES
from ..export import JSONTextError, read_jsonl
from ._console import EXIT_FAILED, EXIT_OK, PROG

NO_CODE = "-"  # an error the report gives no code (written before errors had codes)


def _records(name: str) -> Iterator[tuple[int, object]]:
    if name == "-":
        yield from read_jsonl(sys.stdin.buffer)
        return
    with open(name, "rb") as handle:
        yield from read_jsonl(handle)


def report(args: argparse.Namespace) -> int:
    """A table: code, severity, count, name, an example page:line; most frequent first."""
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}
    bad = 0
    try:
        records = _records(args.report)
        for number, record in records:
            if isinstance(record, JSONTextError) or not (
                isinstance(record, dict) and isinstance(record.get("path"), str)
            ):
                bad += 1
                why = record.reason if isinstance(record, JSONTextError) else "not a report line"
                print(f"{PROG}: error: {args.report}:{number}: {why}", file=sys.stderr)
                continue
            key = (str(record.get("code") or NO_CODE), str(record.get("severity", "error")))
            counts[key] += 1
            examples.setdefault(key, f"{record['path']}:{record.get('line', 1)}")
    except OSError as exc:
        print(f"{PROG}: error: {args.report}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    rows = [("code", "severity", "count", "name", "example")]
    for (code, severity), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append((code, severity, str(count), CODES.get(code, ""), examples[(code, severity)]))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in rows:
        cells = [
            cell.rjust(width) if column == 2 else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row[:4], widths, strict=True))
        ]
        print("  ".join([*cells, row[4]]))
    total = sum(counts.values())
    print(f"{total} problems, {len(counts)} codes", file=sys.stderr)
    return EXIT_FAILED if bad else EXIT_OK
