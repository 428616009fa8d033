"""`filmparse render` and `filmparse validate`: commands on exported films.

Exports are read as strict JSON (export.loads: NaN, 1e400, lone surrogates
and 100k-deep nesting are clean errors with line and column), JSONL row by
row, split at "\\n" only (export.read_jsonl), so memory stays flat.  `-` is
the export on stdin, read as JSONL (a one-line .json is a row too).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

from .._render import render as render_page
from ..errors import Error
from ..export import JSONTextError, from_dict, loads, read_jsonl
from ..schema import SchemaError, problems
from ._args import SEPARATOR
from ._console import EXIT_FAILED, EXIT_OK, PROG

#: A row of an export file: (label to print, value or the error reading it).
Row = tuple[str, object]


def _rows(name: str) -> Iterator[Row]:
    """The documents of `name`: one for a .json file, one per row of a .jsonl
    file or of stdin (-).  An unreadable file is one row, its OSError."""
    try:
        if name == "-":
            for number, value in read_jsonl(sys.stdin.buffer):
                yield f"<stdin>:{number}", value
        elif name.endswith(".jsonl"):
            with open(name, "rb") as handle:
                for number, value in read_jsonl(handle):
                    yield f"{name}:{number}", value
        else:
            with open(name, "rb") as handle:
                data = handle.read()
            try:
                yield name, loads(data)
            except JSONTextError as exc:
                yield name, exc
    except OSError as exc:
        yield name, exc


def _problems(value: object) -> list[str]:
    """What is wrong with one document: 'JSON path: message' lines ([] if valid)."""
    if isinstance(value, JSONTextError):
        return [f"line {value.line}, column {value.column}: not valid JSON: {value.reason}"]
    if isinstance(value, OSError):
        return [f"cannot read: {value.strerror or value}"]
    return [f"{where}: {message}" for where, message in problems(value)]


def render(args: argparse.Namespace) -> int:
    """Every document's page on stdout, SEPARATOR between two; bad ones on stderr."""
    bad = rendered = 0
    for label, value in _rows(args.film):
        try:
            found = _problems(value)
            if found:
                raise SchemaError([("", line) for line in found])
            if not isinstance(value, dict):
                raise SchemaError([("$", "expected an exported film (a JSON object)")])
            page = render_page(from_dict(value))
        except SchemaError as exc:
            bad += 1
            for where, message in exc.problems:
                where = f"{where}: " if where else ""
                print(f"{PROG}: error: {label}: {where}{message}", file=sys.stderr)
            continue
        except Error as exc:  # RenderError: a Film the format cannot hold
            bad += 1
            print(f"{PROG}: error: {label}: {exc}", file=sys.stderr)
            continue
        sys.stdout.write(SEPARATOR + page if rendered else page)
        rendered += 1
    sys.stdout.flush()
    return EXIT_FAILED if bad else EXIT_OK


def validate(args: argparse.Namespace) -> int:
    """Each bad document's problems on stdout, one a line; the counts on stderr."""
    bad = checked = 0
    for name in args.files:
        for label, value in _rows(name):
            checked += 1
            found = _problems(value)
            bad += bool(found)
            for line in found:
                print(f"{label}: {line}")
    sys.stdout.flush()
    print(f"{checked} checked, {checked - bad} valid, {bad} invalid", file=sys.stderr)
    return EXIT_FAILED if bad else EXIT_OK
