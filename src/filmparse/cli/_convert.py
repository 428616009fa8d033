"""`filmparse convert`: pages in, through the engine, out to a list of sinks."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing

from ..engine import convert_pages, default_jobs
from ..sinks import ErrorReport, JsonFiles, JsonText, PageResult, Sink, Sweeper
from ..sources import Page, find_pages
from ._args import SMALL_RUN
from ._console import EXIT_FAILED, EXIT_OK, PROG, Console, Stop, silence_stdout, stdin_lines
from ._distributed import check_one_machine, run_distributed
from ._summary import Tally, summary


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


def _sinks(args: argparse.Namespace, console: Console) -> list[Sink]:
    """The run's sinks, its main output first."""

    def renamed(page: Page, wanted: str, target: str) -> None:
        console.say(
            f"{PROG}: warning: {page.path}: {wanted} is "
            f"taken by another page of this run; writing {target}"
        )

    sinks: list[Sink] = []
    if args.output is not None:
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


def _run(results: Iterator[PageResult], console: Console, stop: Stop, quiet: bool) -> Tally:
    """Count and report the results (the sinks have them) until done or stopped."""
    tally = Tally()
    for result in results:
        tally.add(result)
        if not quiet:
            for diagnostic in result.diagnostics:
                console.say(f"{PROG}: warning: {result.path}:{diagnostic}")
        if result.error is not None:
            console.say(f"{PROG}: error: {result.error}")
        console.bar.update()
        if stop.signal is not None:
            break
    return tally


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
    prints = args.output is None and args.jsonl in (None, "-")
    console = Console(
        total,
        show_bar=not args.quiet and sys.stderr.isatty() and not (prints and sys.stdout.isatty()),
    )
    sinks = _sinks(args, console)
    _sweep(sinks, console, args.quiet)
    pages = find_pages(args.inputs, args.glob, stdin=stdin_lines(), exclude=args.output)
    _open(sinks, console, usage)

    stop = Stop()
    try:
        results = convert_pages(
            pages,
            sinks,
            jobs=jobs,
            total=total,
            indent=None if args.jsonl is not None or args.indent < 0 else args.indent,
            strict=not args.lenient,
            max_bytes=args.max_bytes,
        )
        with closing(results):
            tally = _run(results, console, stop, args.quiet)
        if prints:
            sys.stdout.flush()
    except BrokenPipeError:  # e.g. `filmparse convert ... --jsonl - | head`
        _abort(sinks)
        silence_stdout()
        return EXIT_FAILED
    except BaseException:
        _abort(sinks)  # a second Ctrl-C may have cut a row in half
        raise
    finally:
        stop.restore()
        console.bar.close()
    if total is None and tally.done == 0:
        _abort(sinks)
        usage.error("no pages: the list on stdin is empty")
    for sink in sinks:
        sink.commit()

    if not args.quiet:
        print(summary(tally, time.perf_counter() - started), file=sys.stderr)
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
