"""`filmparse convert`: pages in, through the engine, out to a list of sinks."""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from functools import partial

from ..engine import convert_pages, default_jobs
from ..sinks import STDOUT, ErrorReport, JsonFiles, JsonText, PageResult, Sink, Sweeper
from ..sources import DEFAULT_GLOB, Page, find_pages, read_at_most, too_big
from ._args import SMALL_RUN
from ._console import EXIT_FAILED, EXIT_OK, PROG, Console, Stop, silence_stdout, stdin_lines
from ._distributed import check_one_machine, run_distributed
from ._summary import Tally, failure_line, summary
from ._tables import table_sink


def _check_usage(args: argparse.Namespace, usage: argparse.ArgumentParser) -> int | None:
    """Refuse contradictory options, missing inputs and outputs that would replace
    a page, create the output folder; the page count if known."""
    args.glob = args.glob or [DEFAULT_GLOB]  # repeated --glob: any of the patterns
    if not args.inputs and args.files_from is None:
        usage.error("no inputs: name pages or folders, - for a page on stdin, or --files-from")
    resumable = args.output is not None or args.parquet is not None
    if args.skip_existing and not resumable and args.jsonl in (None, "-"):
        usage.error(
            "--skip-existing needs -o DIR, --jsonl FILE or --parquet DIR to know what is done"
            " (--duckdb replaces the rows of pages converted again)"
        )
    if args.fail_on and not args.lenient:
        usage.error("--fail-on needs --lenient (in strict mode every problem fails the page)")
    for given in args.inputs:
        if given != "-" and not os.path.lexists(given):
            usage.error(f"{given}: no such file or folder")
    for option, target in (("--jsonl", args.jsonl), ("--errors", args.errors)):
        if target not in (None, "-"):
            clash = _clash(target, args.inputs, args.glob)
            if clash is not None:
                usage.error(f"{option} {target} {clash}: writing it would replace a page")
    if args.output is not None:
        clash = _clash(args.output, args.inputs, args.glob, folder=True)
        if clash is not None:
            usage.error(f"-o {args.output} {clash}: writing there would replace a page")
        try:
            os.makedirs(args.output, exist_ok=True)
        except OSError as exc:
            usage.error(f"cannot use {args.output} as the output folder: {exc.strerror or exc}")
    if args.files_from is not None:
        if args.files_from != "-" and not os.access(args.files_from, os.R_OK):
            usage.error(f"--files-from {args.files_from}: cannot read this file")
        return None  # a list is read once, as it comes
    total: int = sum(1 for _ in find_pages(args.inputs, args.glob, exclude=args.output))
    total += args.inputs.count("-")  # find_pages takes no page on stdin
    if total == 0:
        patterns = " or ".join(map(repr, args.glob))
        usage.error(f"no pages in {' '.join(args.inputs)} (files matching {patterns})")
    return total


def _stdin_page(data: bytes, path: str, max_bytes: int | None) -> bytes:
    """The reader of the page given as - (read by the main process, sent to the worker)."""
    if max_bytes is not None and len(data) > max_bytes:
        raise too_big(path, max_bytes, size=None)
    return data


def _pages(args: argparse.Namespace) -> Iterator[Page]:
    """The run's pages: INPUTs in order (- is a page on stdin), then --files-from's."""
    for given in args.inputs:
        if given == "-":
            data = read_at_most(sys.stdin.buffer.read, args.max_bytes)
            yield Page("-", "stdin", reader=partial(_stdin_page, data))
        else:
            yield from find_pages([given], args.glob, exclude=args.output)
    if args.files_from is not None:
        if args.files_from == "-":
            yield from find_pages(["-"], args.glob, stdin=stdin_lines(), exclude=args.output)
            return
        with open(args.files_from, "rb") as listing:  # checked readable by _check_usage
            lines = (os.fsdecode(line.rstrip(b"\r\n")) for line in listing)
            yield from find_pages(["-"], args.glob, stdin=lines, exclude=args.output)


def _clash(
    target: str, inputs: Sequence[str], globs: Sequence[str], *, folder: bool = False
) -> str | None:
    """How output `target` would overwrite an input, or None.

    A file output clashes with an input it is, or one it would be found as in
    an input folder (matching the glob, no hidden part).  An output folder
    clashes with an input file it is, or with an input folder it is whose
    glob takes the '.json' files written there.
    """
    real = os.path.realpath(target)
    for given in inputs:
        if given == "-":
            continue
        where = os.path.realpath(given)
        same = where == real or (
            os.path.exists(target) and os.path.exists(given) and os.path.samefile(target, given)
        )
        if folder:
            if same and not os.path.isdir(given):
                return "is one of the input pages"
            if same and any(fnmatch.fnmatch("page.json", glob) for glob in globs):
                return f"is the input folder {given}, whose pages match the .json files"
            continue
        if same:
            return "is one of the inputs"
        if os.path.isdir(given) and real.startswith(where.rstrip(os.sep) + os.sep):
            parts = os.path.relpath(real, where).split(os.sep)
            name = parts[-1][:-3] if parts[-1].lower().endswith(".gz") else parts[-1]
            taken = [glob for glob in globs if fnmatch.fnmatch(name, glob)
                     or fnmatch.fnmatch(parts[-1], glob)]  # fmt: skip
            if taken and not any(part.startswith(".") for part in parts):
                return f"is a page of the input folder {given} (it matches {taken[0]!r})"
    return None


def _sinks(
    args: argparse.Namespace, console: Console, usage: argparse.ArgumentParser
) -> list[Sink]:
    """The run's sinks, its main output first."""

    def renamed(page: Page, wanted: str, target: str) -> None:
        console.say(
            f"{PROG}: warning: {page.path}: {wanted} is "
            f"taken by another page of this run; writing {target}"
        )

    sinks: list[Sink] = []
    table = table_sink(args, usage)
    if table is not None:
        sinks.append(table)
    elif args.output is not None:
        sinks.append(JsonFiles(args.output, skip_existing=args.skip_existing, renamed=renamed))
    elif args.jsonl not in (None, "-"):
        sinks.append(JsonText(args.jsonl, resume=args.skip_existing))
    else:
        sinks.append(JsonText(sys.stdout))
    if args.errors is not None:
        sinks.append(ErrorReport(args.errors))
    return sinks


def _sweep(sinks: Sequence[Sink], console: Console, quiet: bool) -> None:
    """Remove the temporary files an earlier, killed run left at our outputs."""
    stale = sum(sink.sweep() for sink in sinks if isinstance(sink, Sweeper))
    if stale and not quiet:
        console.say(f"{PROG}: removed {stale} temporary files left by an interrupted run")


def _open(sinks: Sequence[Sink], console: Console, usage: argparse.ArgumentParser) -> None:
    opened: list[Sink] = []
    try:
        for sink in sinks:
            sink.open()
            opened.append(sink)
    except OSError as exc:
        _abort(opened)
        console.bar.close()
        usage.error(f"cannot write {exc.filename}: {exc.strerror or exc}")


def _abort(sinks: Iterable[Sink]) -> None:
    for sink in sinks:
        sink.abort()


def _commit(sinks: Sequence[Sink]) -> None:
    """Commit every sink; if one fails, abort those not yet committed and re-raise."""
    for done, sink in enumerate(sinks):
        try:
            sink.commit()
        except BaseException:
            _abort(sinks[done:])
            raise


def _run(results: Iterator[PageResult], console: Console, stop: Stop, quiet: bool) -> Tally:
    """Count and report the results (the sinks have them) until done or stopped."""
    tally = Tally()
    for result in results:
        tally.add(result)
        if not quiet:  # -q: the problems are in --errors; a count at the end
            for diagnostic in result.diagnostics:
                console.say(f"{PROG}: warning: {result.path}:{diagnostic}")
            if result.error is not None:
                console.say(f"{PROG}: error: {result.error}")
        console.bar.update()
        if stop.signal is not None:
            break
    return tally


def _prints_to_stdout(sink: Sink) -> bool:
    return isinstance(sink, JsonText) and sink.path is None


def _output_failed(exc: OSError, console: Console, sinks: Sequence[Sink]) -> int:
    """Say which output failed and what is left; the sinks are aborted already."""
    if exc.filename == STDOUT:
        silence_stdout()  # what is left in its buffer must not fail again at exit
    where = exc.filename or "an output"
    kept = (
        "the page files written so far are whole"
        if any(isinstance(sink, JsonFiles) for sink in sinks)
        else "no output file of this run was kept"
    )
    console.say(f"{PROG}: error: cannot write {where}: {exc.strerror or exc}; {kept}")
    return EXIT_FAILED


def convert(args: argparse.Namespace, usage: argparse.ArgumentParser) -> int:
    if args.scheduler is not None:  # on a Dask cluster: cli/_distributed.py
        return run_distributed(args, usage)
    check_one_machine(args, usage)
    started = time.perf_counter()
    total = _check_usage(args, usage)
    if args.jobs is None and total is not None and total < SMALL_RUN:
        jobs = 1
    else:
        jobs = min(args.jobs or default_jobs(), total or sys.maxsize)
    prints = all(
        target is None for target in (args.output, args.parquet, args.duckdb)
    ) and args.jsonl in (None, "-")
    console = Console(
        total,
        show_bar=not args.quiet and sys.stderr.isatty() and not (prints and sys.stdout.isatty()),
    )
    sinks = _sinks(args, console, usage)
    _sweep(sinks, console, args.quiet)
    pages = _pages(args)
    stop = Stop()  # before the outputs exist: from here on a signal is a clean stop
    try:
        _open(sinks, console, usage)
    except BaseException:
        stop.restore()
        raise
    try:
        results = convert_pages(
            pages,
            sinks,
            jobs=jobs,
            total=total,
            indent=None if args.jsonl is not None or args.indent < 0 else args.indent,
            strict=not args.lenient,
            max_bytes=args.max_bytes,
            fail_on=args.fail_on,
            require_sections=args.require_sections,
            stop=stop.stopped,
        )
        with closing(results):
            tally = _run(results, console, stop, args.quiet)
        if prints:
            sys.stdout.flush()
    except BrokenPipeError:  # `filmparse convert ... --jsonl - | head`: quietly, report kept
        silence_stdout()
        try:
            _commit([sink for sink in sinks if not _prints_to_stdout(sink)])
        except OSError as exc:
            return _output_failed(exc, console, sinks)
        return EXIT_FAILED
    except OSError as exc:  # an output cannot be written (disk full, say): none is kept
        _abort(sinks)
        return _output_failed(exc, console, sinks)
    except BaseException:
        _abort(sinks)  # a second Ctrl-C may have cut a row in half
        raise
    finally:
        stop.restore()
        console.bar.close()
    if total is None and tally.done == 0:
        _abort(sinks)
        usage.error("no pages: the list of --files-from is empty")
    try:
        _commit(sinks)
    except BrokenPipeError:
        silence_stdout()
        return EXIT_FAILED
    except OSError as exc:
        return _output_failed(exc, console, sinks)

    if not args.quiet:
        print(summary(tally, time.perf_counter() - started), file=sys.stderr)
    elif (line := failure_line(tally, args.errors)) is not None:
        print(line, file=sys.stderr)
    if stop.signal is not None:
        of_total = f" of {total}" if total is not None else ""
        resume = (
            "output to stdout cannot be resumed"
            if prints
            else "run the same command with --skip-existing to resume"
        )
        print(f"{PROG}: interrupted after {tally.done}{of_total} pages; {resume}", file=sys.stderr)
        return 128 + stop.signal  # 130 for Ctrl-C, 143 for SIGTERM
    return EXIT_FAILED if tally.failed else EXIT_OK
