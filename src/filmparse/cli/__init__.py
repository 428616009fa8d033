"""The `filmparse` command: convert pages to JSON or tables, explain a page, print the
schema or the grammar, render and validate exports, count a run's problems.  One
module per command or concern.

`-` means the same everywhere: the input itself on stdin (a page for convert and
explain, JSONL for validate, render and report), or stdout for an output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ._args import build_parser, size
from ._console import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, PROG, silence_stdout, write_out

# Each command's module is imported when it runs: --help and --version load
# none of them, a convert none of the others.

__all__ = ["main", "size"]


def _schema(args: argparse.Namespace, usage: argparse.ArgumentParser) -> int:
    from .._tables_api import table_schemas
    from ..schema import json_schema

    if not args.tables:
        write_out(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    try:
        write_out(table_schemas())
    except ImportError as exc:  # MissingExtraError: pyarrow
        usage.error(str(exc))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    usage, convert_usage = build_parser()
    args = usage.parse_args(argv)
    try:
        if args.command == "schema":
            return _schema(args, usage)
        if args.command == "grammar":
            from ..grammar import grammar_text

            write_out(grammar_text())
            return EXIT_OK
        if args.command in ("render", "validate"):
            from . import _exports

            return int(getattr(_exports, args.command)(args))
        if args.command == "explain":
            from ._explain import explain

            return explain(args)
        if args.command == "report":
            from ._report import report

            return report(args)
        from ._convert import convert

        return convert(args, convert_usage)
    except BrokenPipeError:  # `filmparse validate ... | head -1`: the reader left
        silence_stdout()
        return EXIT_FAILED
    except KeyboardInterrupt:
        if args.command != "convert":
            return EXIT_INTERRUPTED
        print(f"{PROG}: aborted; the files written so far are whole", file=sys.stderr)
        return EXIT_INTERRUPTED
