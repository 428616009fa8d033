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
from .export import dumps, to_dict
from .parser import parse_file
from .schema import check, json_schema


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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return 0
    return _convert(args)
