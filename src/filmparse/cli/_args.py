"""The command's arguments: its parser, and that of each command."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from typing import Any

from ._distributed import add_distributed_options

# Below this many pages, starting worker processes (~0.25 s) costs more than they save.
SMALL_RUN = 100
_SIZE = re.compile(r"(\d+)\s*([kmg]?)b?", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1000, "m": 1000**2, "g": 1000**3}


# sources' defaults, spelt here so that --help need not load the sources (a test checks).
DEFAULT_GLOB = "*.txt"
DEFAULT_MAX_BYTES = 10_000_000


def cores() -> int:
    """The engine's default_jobs(), without loading the engine for --help (a test checks)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


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


def add_require_sections(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--require-sections",
        action="store_true",
        help="a page must carry every section heading (for a scraper that always writes them "
        "all): one that lacks some is cut off, an error (FP106; a warning with --lenient, "
        "which --fail-on FP106 turns into a failure)",
    )


def add_max_bytes(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--max-bytes",
        type=size,
        default=DEFAULT_MAX_BYTES,
        metavar="SIZE",
        help="refuse a page larger than SIZE bytes, decompressed (default 10M; "
        "k, M, G: thousands, millions, billions)",
    )


class _Version(argparse.Action):
    """--version: the package's version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="print the version"
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        import filmparse

        print(f"{parser.prog} {filmparse.__version__}")  # on stdout, like `python --version`
        parser.exit()


def build_parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The command's parser, and that of `convert` (for its usage errors)."""
    parser = argparse.ArgumentParser(
        prog="filmparse", description="Turn scraped film pages into validated JSON."
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    convert = commands.add_parser(
        "convert",
        help="parse pages and write JSON (or Parquet, DuckDB tables)",
        description="Convert pages to JSON on every core. Exit status: 0 all converted, "
        "1 some pages failed, 2 usage error, 130 interrupted.",
    )
    convert.add_argument(
        "inputs",
        metavar="INPUT",
        nargs="*",
        help="a page file (.txt, or .gz), a folder (searched recursively), "
        "or - for a page on stdin",
    )
    convert.add_argument(
        "--files-from",
        metavar="FILE",
        help="also take the inputs listed in FILE, one a line (- for stdin)",
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
    where.add_argument(
        "--parquet",
        metavar="DIR",
        help="write the tables as DIR/<table>/part-NNNNN.parquet (needs filmparse[parquet])",
    )
    where.add_argument(
        "--duckdb",
        metavar="FILE",
        help="load the tables into the DuckDB database FILE, created if missing; pages "
        "converted again replace their rows (needs filmparse[duckdb])",
    )
    convert.add_argument(
        "--pages-per-part",
        type=positive,
        metavar="N",
        help="with --parquet: a new part every N pages (default 20000, ~40 MB)",
    )
    convert.add_argument(
        "--glob",
        action="append",
        metavar="PATTERN",
        help=f"which files to take in folders (default {DEFAULT_GLOB!r}; "
        "a .gz file is matched by its name less .gz); repeat it to take several patterns",
    )
    convert.add_argument(
        "-j",
        "--jobs",
        type=positive,
        metavar="N",
        help=f"worker processes (default: every core, here {cores()}; "
        f"one process for fewer than {SMALL_RUN} pages)",
    )
    convert.add_argument(
        "--lenient",
        action="store_true",
        help="parse leniently: keep what can be read of a damaged page and report the rest "
        "as warnings (on stderr, and in the --errors report); warnings do not fail the run",
    )
    add_max_bytes(convert)
    add_require_sections(convert)
    convert.add_argument(
        "--fail-on",
        type=codes,
        default=frozenset(),
        metavar="CODES",
        help="with --lenient: fail the pages with a warning of these codes (FP101,FP204, "
        "or all): counted failed, no JSON written, their problems in --errors",
    )
    convert.add_argument(
        "--errors",
        metavar="FILE",
        help="write one JSON line per failed page (and per warning, with --lenient) to FILE",
    )
    convert.add_argument(
        "--skip-existing",
        action="store_true",
        help="resume: skip pages already converted (with -o DIR, --jsonl FILE or --parquet DIR)",
    )
    convert.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar, warnings or error messages (they are in --errors); "
        "only a one-line count of failures",
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
    add_require_sections(explain)

    schema = commands.add_parser("schema", help="print the JSON Schema of the export")
    schema.add_argument(
        "--tables", action="store_true", help="print the Arrow schemas of the tables instead"
    )
    commands.add_parser(
        "grammar",
        help="print the page grammar: the whole format, top to bottom",
    )

    render = commands.add_parser(
        "render",
        help="write exported films back as pages",
        description="Write an exported film back as a page. A .jsonl file gives every "
        "row's page, in order, with a line holding only a form feed (\\f) between two. "
        "- reads the export from stdin (as JSONL). Exit status: 0 all rendered, 1 some "
        "rows could not be (each reported with its line), 2 usage error.",
    )
    render.add_argument(
        "film", metavar="FILE", help="an exported film (.json), a .jsonl of them, or - for stdin"
    )

    validate = commands.add_parser(
        "validate",
        help="check exports (.json, or .jsonl one per line) against the schema",
        description="Check exports against the schema, streaming: each bad row is printed "
        "with its line number and the JSON path of each problem. - reads JSONL from stdin. "
        "Exit status: 0 all valid, 1 some invalid, 2 usage error.",
    )
    validate.add_argument(
        "files", nargs="+", metavar="FILE", help="a .json export, a .jsonl of them, or -"
    )

    report = commands.add_parser(
        "report",
        help="count the problems of an --errors report by code",
        description="Read the --errors report of a convert run and print a table of its "
        "problem codes by count, each with an example page and line.",
    )
    report.add_argument("report", metavar="ERRORS.jsonl", help="an --errors report, or -")
    add_distributed_options(convert)  # --scheduler and its options: cli/_distributed.py
    return parser, convert


#: Between two pages rendered from a .jsonl (a page holds no form feed: it is a control
#: character the format refuses).
SEPARATOR = "\f\n"


def codes(text: str) -> frozenset[str]:
    """'FP101,FP204' or 'all' (every code) -> the set of codes (argparse type)."""
    from ..diagnostics import CODES  # here: --help need not load the models

    if text.strip().lower() == "all":
        return frozenset(CODES)
    chosen = frozenset(code.strip().upper() for code in text.split(",") if code.strip())
    unknown = sorted(chosen - set(CODES))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"expected warning codes such as FP101,FP204 (or all), not {text!r}"
            + (f": unknown {', '.join(unknown)}" if unknown else "")
        )
    return chosen
