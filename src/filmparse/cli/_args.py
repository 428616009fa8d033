"""The command's arguments: its parser, and that of each command."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..engine import default_jobs
from ..sources import DEFAULT_GLOB, DEFAULT_MAX_BYTES
from ._distributed import add_distributed_options

# Below this many pages, starting worker processes (~0.25 s) costs more than they save.
SMALL_RUN = 100
_SIZE = re.compile(r"(\d+)\s*([kmg]?)b?", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1000, "m": 1000**2, "g": 1000**3}


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def size(text: str) -> int:
    """A byte count: '500000', '500k', '10M', '1G' (powers of 1000; a final 'B' is allowed)."""
    match = _SIZE.fullmatch(text.strip())
    if match is None or int(match[1]) < 1:
        raise argparse.ArgumentTypeError(
            f"expected a size in bytes of at least 1, such as 500000, 500k, 10M or 1G, not {text!r}"
        )
    return int(match[1]) * _SIZE_UNITS[match[2].lower()]


def add_max_bytes(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--max-bytes",
        type=size,
        default=DEFAULT_MAX_BYTES,
        metavar="SIZE",
        help="refuse a page larger than SIZE bytes, decompressed (default 10M; "
        "k, M, G: thousands, millions, billions)",
    )


def build_parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The command's parser, and that of `convert` (for its usage errors)."""
    parser = argparse.ArgumentParser(
        prog="filmparse", description="Turn scraped film pages into validated JSON."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    convert = commands.add_parser(
        "convert",
        help="parse pages and write JSON",
        description="Convert pages to JSON on every core. Exit status: 0 all converted, "
        "1 some pages failed, 2 usage error, 130 interrupted.",
    )
    convert.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a page file (.txt, or .gz), a folder (searched recursively), "
        "or - to read inputs from stdin, one a line",
    )
    where = convert.add_mutually_exclusive_group()
    where.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="write DIR/<stem>.json per page (mirroring sub-folders) instead of printing JSON",
    )
    where.add_argument(
        "--jsonl", metavar="FILE", help="write one film per line to FILE (- for stdout)"
    )
    convert.add_argument(
        "--glob",
        default=DEFAULT_GLOB,
        metavar="PATTERN",
        help=f"which files to take in folders (default {DEFAULT_GLOB!r}; "
        "a .gz file is matched by its name less .gz)",
    )
    convert.add_argument(
        "-j",
        "--jobs",
        type=positive,
        metavar="N",
        help=f"worker processes (default: every core, here {default_jobs()}; "
        f"one process for fewer than {SMALL_RUN} pages)",
    )
    convert.add_argument(
        "--lenient",
        action="store_true",
        help="parse leniently: keep what can be read of a damaged page and report the rest "
        "as warnings (on stderr, and in the --errors report); warnings do not fail the run",
    )
    add_max_bytes(convert)
    convert.add_argument(
        "--errors",
        metavar="FILE",
        help="write one JSON line per failed page (and per warning, with --lenient) to FILE",
    )
    convert.add_argument(
        "--skip-existing",
        action="store_true",
        help="resume: skip pages already converted (with -o DIR or --jsonl FILE)",
    )
    convert.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar and no summary"
    )
    convert.add_argument(
        "--indent", type=int, default=2, help="JSON indent, -1 for one line (default 2)"
    )

    explain = commands.add_parser(
        "explain",
        help="show what each line of a page feeds (JSON paths, labels, diagnostics)",
        description="Parse one page leniently and print each of its lines beside what it "
        "fed: the JSON paths of the values read from it, its label (heading, label), or the "
        "diagnostics that name it; then a summary. Exit status: 0 no diagnostics, "
        "1 some diagnostics, 2 usage error or the page cannot be read.",
    )
    explain.add_argument(
        "page", metavar="PAGE", help="a page file (.gz decompressed), or - for stdin"
    )
    add_max_bytes(explain)

    commands.add_parser("schema", help="print the JSON Schema of the export")
    commands.add_parser(
        "grammar",
        help="print the page grammar: the whole format, top to bottom",
    )

    render = commands.add_parser("render", help="write an exported film back as a page")
    render.add_argument("film", metavar="FILM.json", type=Path, help="one exported film")

    validate = commands.add_parser(
        "validate", help="check exports (.json, or .jsonl one per line) against the schema"
    )
    validate.add_argument("files", nargs="+", metavar="FILE.json", type=Path)
    add_distributed_options(convert)  # --scheduler and its options: cli/_distributed.py
    return parser, convert
