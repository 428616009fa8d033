"""The `filmparse` command: convert pages to JSON, explain a page, print the schema."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import sys
import time
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TextIO

from tqdm import tqdm

from . import __name__ as package
from .atomic import AtomicFile, sweep_temps
from .batch import (
    DEFAULT_GLOB,
    DEFAULT_MAX_BYTES,
    Job,
    Outcome,
    Page,
    chunk_size,
    converter,
    crashed_job,
    default_jobs,
    file_jobs,
    find_pages,
    is_kept,
    ordered_map,
    output_path,
    page_error,
    previous_rows,
    read_page,
    row_jobs,
)
from .diagnostics import Diagnostic
from .errors import FilmParseError
from .explain import explanation
from .export import from_dict
from .render import render
from .schema import SchemaError, json_schema, schema_errors

# Below this many pages, starting worker processes (~0.25 s) costs more than they save.
SMALL_RUN = 100
EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130  # and 2 for usage errors, from argparse
EXIT_UNREADABLE = 2  # explain: the page cannot be read (or explained: a bug)
_SIZE = re.compile(r"(\d+)\s*([kmg]?)b?", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1000, "m": 1000**2, "g": 1000**3}


def _positive(text: str) -> int:
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


def _add_max_bytes(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--max-bytes",
        type=size,
        default=DEFAULT_MAX_BYTES,
        metavar="SIZE",
        help="refuse a page larger than SIZE bytes, decompressed (default 10M; "
        "k, M, G: thousands, millions, billions)",
    )


def _parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
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
        type=_positive,
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
    _add_max_bytes(convert)
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
    _add_max_bytes(explain)

    commands.add_parser("schema", help="print the JSON Schema of the export")

    render = commands.add_parser("render", help="write an exported film back as a page")
    render.add_argument("film", metavar="FILM.json", type=Path, help="one exported film")

    validate = commands.add_parser(
        "validate", help="check exports (.json, or .jsonl one per line) against the schema"
    )
    validate.add_argument("files", nargs="+", metavar="FILE.json", type=Path)
    return parser, convert


@dataclass
class _Tally:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    warnings: int = 0

    @property
    def done(self) -> int:
        return self.ok + self.failed + self.skipped


class _Stop:
    """SIGINT/SIGTERM handler: the first one lets the pages in hand finish, then stops
    the run cleanly; a second one aborts."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.signal: int | None = None
        self._defaults = {number: signal.signal(number, self) for number in self.SIGNALS}

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.signal is not None:
            raise KeyboardInterrupt
        self.signal = signum

    def restore(self) -> None:
        for number, handler in self._defaults.items():
            signal.signal(number, handler)


class _Console:
    """Messages on stderr, printed above the progress bar when there is one."""

    def __init__(self, total: int | None, show_bar: bool) -> None:
        self.bar = tqdm(
            total=total,
            unit="page",
            file=sys.stderr,
            disable=not show_bar,
            dynamic_ncols=True,
            smoothing=0.05,
        )

    def say(self, text: str) -> None:
        if self.bar.disable:
            print(text, file=sys.stderr, flush=True)
        else:
            self.bar.write(text, file=sys.stderr)


@dataclass
class _Sinks:
    """Where results go: JSON text (a JSONL file, or stdout) and the error report."""

    out: TextIO | AtomicFile
    rows: AtomicFile | None
    errors: AtomicFile | None

    def commit(self) -> None:
        for sink in (self.rows, self.errors):
            if sink is not None:
                sink.commit()

    def discard(self) -> None:
        for sink in (self.rows, self.errors):
            if sink is not None:
                sink.discard()


def error_record(path: str, error: FilmParseError) -> str:
    """The line of the --errors report for a failed page."""
    record = {
        "path": path,
        "line": error.line,
        "column": error.column,
        "section": error.section,
        "message": error.message,
        "expected": error.expected,
        "severity": "error",
    }
    return json.dumps(record, ensure_ascii=False) + "\n"


def warning_record(path: str, diagnostic: Diagnostic) -> str:
    """The line of the --errors report for one diagnostic of a lenient parse."""
    record = {"path": path, **diagnostic.as_record(), "severity": "warning"}
    return json.dumps(record, ensure_ascii=False) + "\n"


def _check_usage(args: argparse.Namespace, usage: argparse.ArgumentParser) -> int | None:
    """Refuse contradictory options, create the output folder; the page count if known."""
    if args.skip_existing and args.output is None and args.jsonl in (None, "-"):
        usage.error("--skip-existing needs -o DIR or --jsonl FILE to know what is done")
    if args.output is not None:
        try:
            os.makedirs(args.output, exist_ok=True)
        except OSError as exc:
            usage.error(f"cannot use {args.output} as the output folder: {exc.strerror or exc}")
    if "-" in args.inputs:
        return None  # a list on stdin is read once, as it comes
    total = sum(1 for _ in find_pages(args.inputs, args.glob, exclude=args.output))
    if total == 0:
        usage.error(f"no pages in {' '.join(args.inputs)} (files matching {args.glob!r})")
    return total


def _sweep(args: argparse.Namespace, files: list[str], console: _Console) -> None:
    """Remove the temporary files an earlier, killed run left at our outputs."""
    stale = sweep_temps(args.output, recursive=True) if args.output is not None else 0
    for target in files:
        folder, name = os.path.split(target)
        stale += sweep_temps(folder or ".", recursive=False, name=name)
    if stale and not args.quiet:
        console.say(f"{package}: removed {stale} temporary files left by an interrupted run")


def _plan(
    args: argparse.Namespace, console: _Console
) -> tuple[Iterator[Job], Generator[tuple[str, str], None, None]]:
    """The jobs, lazily, and the rows of an earlier JSONL output being resumed."""
    pages = find_pages(args.inputs, args.glob, stdin=_stdin_lines(), exclude=args.output)
    previous = previous_rows(args.jsonl if args.skip_existing else None)
    if args.output is None:
        return row_jobs(pages, previous), previous

    def renamed(page: Page, target: str) -> None:
        console.say(
            f"{package}: warning: {page.path}: {output_path(args.output, page.name)} is "
            f"taken by another page of this run; writing {target}"
        )

    jobs = file_jobs(pages, args.output, skip_existing=args.skip_existing, renamed=renamed)
    return jobs, previous


def _run(
    results: Iterator[Outcome], sinks: _Sinks, console: _Console, stop: _Stop, quiet: bool
) -> _Tally:
    """Consume the outcomes in input order until done or stopped."""
    tally = _Tally()
    for outcome in results:
        tally.warnings += len(outcome.diagnostics)
        for diagnostic in outcome.diagnostics:
            if not quiet:
                console.say(f"{package}: warning: {outcome.path}:{diagnostic}")
            if sinks.errors is not None:
                sinks.errors.write(warning_record(outcome.path, diagnostic))
        if outcome.error is not None:
            tally.failed += 1
            console.say(f"{package}: error: {outcome.error}")
            if sinks.errors is not None:
                sinks.errors.write(error_record(outcome.path, outcome.error))
        else:
            if outcome.skipped:
                tally.skipped += 1
            else:
                tally.ok += 1
            if outcome.text is not None:
                sinks.out.write(outcome.text)
        console.bar.update()
        if stop.signal is not None:
            break
    return tally


def _summary(tally: _Tally, elapsed: float) -> str:
    rate = (tally.ok + tally.failed) / elapsed if elapsed > 0 else 0.0
    skipped = f", skipped: {tally.skipped}" if tally.skipped else ""
    warnings = f", warnings: {tally.warnings}" if tally.warnings else ""
    return (
        f"pages: {tally.done}, ok: {tally.ok}, failed: {tally.failed}{skipped}{warnings}, "
        f"{rate:.1f} pages/s"
    )


def _convert(args: argparse.Namespace, usage: argparse.ArgumentParser) -> int:
    started = time.perf_counter()
    total = _check_usage(args, usage)
    if args.jobs is None and total is not None and total < SMALL_RUN:
        jobs = 1
    else:
        jobs = min(args.jobs or default_jobs(), total or sys.maxsize)
    to_file = args.jsonl not in (None, "-")
    prints = args.output is None and not to_file
    console = _Console(
        total,
        show_bar=not args.quiet and sys.stderr.isatty() and not (prints and sys.stdout.isatty()),
    )
    files = [path for path in (args.jsonl if to_file else None, args.errors) if path is not None]
    _sweep(args, files, console)
    plan, previous = _plan(args, console)
    try:
        rows = AtomicFile(args.jsonl) if to_file else None
        errors = AtomicFile(args.errors) if args.errors is not None else None
    except OSError as exc:
        console.bar.close()
        usage.error(f"cannot write {exc.filename}: {exc.strerror or exc}")
    sinks = _Sinks(rows or sys.stdout, rows, errors)
    indent = None if args.jsonl is not None or args.indent < 0 else args.indent

    stop = _Stop()
    try:
        results = ordered_map(
            converter(indent, strict=not args.lenient, max_bytes=args.max_bytes),
            plan,
            jobs,
            crashed=crashed_job,
            inline=is_kept,
            chunk=chunk_size(total, jobs),
        )
        with closing(results), closing(previous):
            tally = _run(results, sinks, console, stop, args.quiet)
        if prints:
            sys.stdout.flush()
    except BrokenPipeError:  # e.g. `filmparse convert ... --jsonl - | head`
        sinks.discard()
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except BaseException:
        sinks.discard()  # a second Ctrl-C may have cut a row in half
        raise
    finally:
        stop.restore()
        console.bar.close()
    if total is None and tally.done == 0:
        sinks.discard()
        usage.error("no pages: the list on stdin is empty")
    sinks.commit()

    if not args.quiet:
        print(_summary(tally, time.perf_counter() - started), file=sys.stderr)
    if stop.signal is not None:
        of_total = f" of {total}" if total is not None else ""
        resume = (
            "output to stdout cannot be resumed"
            if prints
            else "run the same command with --skip-existing to resume"
        )
        print(
            f"{package}: interrupted after {tally.done}{of_total} pages; {resume}", file=sys.stderr
        )
        return 128 + stop.signal  # 130 for Ctrl-C, 143 for SIGTERM
    return EXIT_FAILED if tally.failed else EXIT_OK


def _stdin_lines() -> Iterator[str]:
    """Inputs on stdin, one a line, decoded like file names (undecodable bytes kept)."""
    for line in sys.stdin.buffer:
        yield os.fsdecode(line.rstrip(b"\r\n"))


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


def _explain(args: argparse.Namespace) -> int:
    try:
        if args.page == "-":
            data = sys.stdin.buffer.read(args.max_bytes + 1)
            if len(data) > args.max_bytes:
                raise page_error(
                    "-",
                    f"the page on stdin is more than the limit of {args.max_bytes:,} bytes",
                    section="file",
                    expected=f"a page of at most {args.max_bytes:,} bytes",
                )
        else:
            data = read_page(args.page, args.max_bytes)
    except FilmParseError as exc:
        print(f"{package}: error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        result = explanation(data)
    except Exception as exc:  # a bug: a lenient parse must take any page
        print(
            f"{package}: error: {args.page}: internal error, please report it with the page: "
            f"{type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    if isinstance(sys.stdout, io.TextIOWrapper):  # a page may hold what the terminal cannot show
        sys.stdout.reconfigure(errors="replace")
    try:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `filmparse explain page.txt | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_FAILED if result.diagnostics else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    usage, convert = _parser()
    args = usage.parse_args(argv)
    if args.command == "schema":
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return EXIT_OK
    if args.command == "render":
        return _render(args)
    if args.command == "validate":
        return _validate(args)
    if args.command == "explain":
        return _explain(args)
    try:
        return _convert(args, convert)
    except KeyboardInterrupt:
        print(f"{package}: aborted; the files written so far are whole", file=sys.stderr)
        return EXIT_INTERRUPTED
