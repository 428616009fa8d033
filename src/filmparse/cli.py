"""The `filmparse` command: convert pages to JSON, print the schema."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import __name__ as package
from .errors import FilmParseError
from .export import dumps, from_dict, to_dict
from .parser import parse_file
from .render import render
from .schema import SchemaError, check, json_schema, schema_errors


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="filmparse", description="Turn scraped film pages into validated JSON."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    convert = commands.add_parser("convert", help="parse pages and write JSON")
    convert.add_argument("pages", nargs="+", metavar="PAGE", help="page files (.txt)")
    convert.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        type=Path,
        help="write DIR/<stem>.json per page instead of printing JSON",
    )
    convert.add_argument("--indent", type=int, default=2, help="JSON indent (default 2)")

    commands.add_parser("schema", help="print the JSON Schema of the export")

    render = commands.add_parser("render", help="write an exported film back as a page")
    render.add_argument("film", metavar="FILM.json", type=Path, help="one exported film")

    validate = commands.add_parser(
        "validate", help="check exports (.json, or .jsonl one per line) against the schema"
    )
    validate.add_argument("files", nargs="+", metavar="FILE.json", type=Path)
    return parser


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same folder and rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _export_text(page: str, indent: int | None) -> str:
    data = to_dict(parse_file(page))
    check(data)
    return dumps(data, indent) + "\n"


def _convert(args: argparse.Namespace) -> int:
    failed = 0
    indent = args.indent if args.indent >= 0 else None
    for page in args.pages:
        try:
            text = _export_text(page, indent)
        except FilmParseError as exc:
            failed += 1
            print(f"{package}: error: {exc}", file=sys.stderr)
            continue
        except OSError as exc:
            failed += 1
            print(f"{package}: error: {page}: {exc.strerror or exc}", file=sys.stderr)
            continue
        if args.output is None:
            sys.stdout.write(text)
        else:
            write_atomic(args.output / f"{Path(page).stem}.json", text)
    return 1 if failed else 0


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


def _render(args: argparse.Namespace) -> int:
    try:
        (_, data), *_ = _load_json(args.film)
        if not isinstance(data, dict):
            raise SchemaError([("$", "expected an exported film (a JSON object)")])
        sys.stdout.write(render(from_dict(data)))
    except SchemaError as exc:
        for path, message in exc.problems:
            print(f"{package}: error: {args.film}: {path}: {message}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:  # unreadable, not JSON, RenderError
        print(f"{package}: error: {args.film}: {exc}", file=sys.stderr)
        return 1
    return 0


def _validate(args: argparse.Namespace) -> int:
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
    return 1 if bad else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return 0
    if args.command == "render":
        return _render(args)
    if args.command == "validate":
        return _validate(args)
    return _convert(args)
