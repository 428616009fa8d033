"""`filmparse render` and `filmparse validate`: commands on exported films."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..export import from_dict
from ..render import render as render_page
from ..schema import SchemaError, schema_errors
from ._console import EXIT_FAILED, EXIT_OK, PROG


def _load_json(path: Path) -> list[tuple[str, object]]:
    """(label, document) pairs: one for a .json file, one per line of a .jsonl."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".jsonl":
        return [(str(path), json.loads(text))]
    return [
        (f"{path}:{number}", json.loads(line))
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip()
    ]


def render(args: argparse.Namespace) -> int:
    try:
        (_, data), *_ = _load_json(args.film)
        if not isinstance(data, dict):
            raise SchemaError([("$", "expected an exported film (a JSON object)")])
        sys.stdout.write(render_page(from_dict(data)))
    except SchemaError as exc:
        for path, message in exc.problems:
            print(f"{PROG}: error: {args.film}: {path}: {message}", file=sys.stderr)
        return EXIT_FAILED
    except (OSError, ValueError) as exc:  # unreadable, not JSON, RenderError
        print(f"{PROG}: error: {args.film}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def validate(args: argparse.Namespace) -> int:
    bad = checked = 0
    for path in args.files:
        try:
            documents = _load_json(path)
        except (OSError, ValueError) as exc:
            bad += 1
            print(f"{path}: cannot read: {exc}")
            continue
        for label, data in documents:
            checked += 1
            problems = list(schema_errors(data))
            bad += bool(problems)
            for where, message in problems:
                print(f"{label}: {where}: {message}")
    print(f"{checked} checked, {checked - bad} valid, {bad} invalid", file=sys.stderr)
    return EXIT_FAILED if bad else EXIT_OK
