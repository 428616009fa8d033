"""The `filmparse` command: convert pages to JSON, explain a page, print the schema
or the grammar, render and validate exports.  One module per command or concern."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from ..grammar import grammar_text
from ..schema import json_schema
from ._args import build_parser, size
from ._console import EXIT_INTERRUPTED, EXIT_OK, PROG, write_out
from ._convert import convert
from ._explain import explain
from ._exports import render, validate

__all__ = ["main", "size"]


def main(argv: Sequence[str] | None = None) -> int:
    usage, convert_usage = build_parser()
    args = usage.parse_args(argv)
    if args.command == "schema":
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return EXIT_OK
    if args.command == "grammar":
        write_out(grammar_text())
        return EXIT_OK
    if args.command == "render":
        return render(args)
    if args.command == "validate":
        return validate(args)
    if args.command == "explain":
        return explain(args)
    try:
        return convert(args, convert_usage)
    except KeyboardInterrupt:
        print(f"{PROG}: aborted; the files written so far are whole", file=sys.stderr)
        return EXIT_INTERRUPTED
