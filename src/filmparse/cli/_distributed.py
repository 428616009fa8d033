"""`filmparse convert ... --scheduler ADDRESS|local`: the run on a Dask cluster.

The options are added to `convert` by ``add_distributed_options``; ``convert``
hands the run here when ``--scheduler`` is given (``run_distributed``), and
``check_one_machine`` refuses the cluster-only options without it.  The work
is ``filmparse.dask.convert``: inputs and outputs may be fsspec URLs, and
``--jsonl``, ``--parquet`` and ``--errors`` are folders of parts written by
the workers.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ._console import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, PROG, stdin_lines

_OWN_PARQUET = "_parquet_needs_scheduler"  # set when --parquet is this module's


def storage_option(text: str) -> tuple[str, Any]:
    """'KEY=VALUE' -> (KEY, VALUE), VALUE as JSON when it reads as a JSON scalar
    (true, false, null, 8, 1.5), else the text: fsspec wants real types."""
    key, equals, value = text.partition("=")
    if not equals or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, such as anon=true, not {text!r}")
    lowered = value.strip().lower()
    if lowered in ("true", "false", "null", "none"):
        return key.strip(), {"true": True, "false": False}.get(lowered)
    try:
        parsed = json.loads(value)
    except ValueError:
        return key.strip(), value
    return key.strip(), parsed if isinstance(parsed, int | float) else value


def storage_options(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The options as fsspec takes them; a dotted key is nested
    (``client_kwargs.endpoint_url=URL`` -> ``{"client_kwargs": {"endpoint_url": URL}}``)."""
    options: dict[str, Any] = {}
    for key, value in pairs:
        *outer, last = key.split(".")
        level = options
        for name in outer:
            level = level.setdefault(name, {})
        level[last] = value
    return options


def add_distributed_options(convert: argparse.ArgumentParser) -> None:
    from ._args import positive  # here: _args calls this

    group = convert.add_argument_group("on a Dask cluster (needs filmparse[dask]; s3:// [s3])")
    group.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster at ADDRESS (tcp://host:8786), or on a local cluster of "
        "-j worker processes with 'local'; INPUTs and outputs may then be fsspec URLs "
        "(s3://bucket/prefix/), and --jsonl, --parquet, --errors are folders of parts",
    )
    group.add_argument(
        "--storage-option",
        action="append",
        type=storage_option,
        default=[],
        dest="storage_options",
        metavar="KEY=VALUE",
        help="an fsspec option for the URLs (repeatable; true, false, numbers typed; "
        "a.b=V nests), e.g. anon=true",
    )
    group.add_argument(
        "--pages-per-partition",
        type=positive,
        metavar="N",
        help="with --scheduler: pages per task (default 200, a few MB)",
    )
    try:  # the one-machine --parquet of the tables' CLI, once there, is the same option
        group.add_argument(
            "--parquet",
            metavar="DIR",
            help="with --scheduler: write the tables as DIR/<table>/part-NNNNN.parquet",
        )
    except argparse.ArgumentError:
        return
    convert.set_defaults(**{_OWN_PARQUET: True})


def check_one_machine(args: argparse.Namespace, usage: argparse.ArgumentParser) -> None:
    """Refuse the options that only a cluster run takes (no --scheduler)."""
    if args.storage_options:
        usage.error("--storage-option needs --scheduler (URLs are read on a cluster run)")
    if args.pages_per_partition is not None:
        usage.error("--pages-per-partition needs --scheduler")
    if getattr(args, _OWN_PARQUET, False) and args.parquet is not None:
        usage.error("--parquet needs --scheduler here")


def _refuse(args: argparse.Namespace, usage: argparse.ArgumentParser) -> None:
    if args.output is not None:
        usage.error(
            "-o DIR (a file per page) does not go with --scheduler: give --jsonl, "
            "--parquet or --errors, folders of parts"
        )
    if args.jsonl == "-":
        usage.error("--jsonl - (stdout) does not go with --scheduler: the workers write parts")
    if not (args.jsonl or args.parquet or args.errors):
        usage.error("with --scheduler give --jsonl, --parquet or --errors (folders of parts)")
    if getattr(args, "duckdb", None) is not None:
        usage.error("--duckdb (one database file) does not go with --scheduler; use --parquet")
    if "-" in args.inputs:
        usage.error(
            "- (a page on stdin) does not go with --scheduler: the workers read the pages; "
            "give a list of inputs with --files-from -"
        )


def _glob(args: argparse.Namespace, usage: argparse.ArgumentParser) -> str:
    from ..sources import DEFAULT_GLOB

    globs = [args.glob] if isinstance(args.glob, str) else list(args.glob or [DEFAULT_GLOB])
    if len(globs) != 1:
        usage.error("--scheduler takes one --glob pattern")
    return str(globs[0])


def _inputs(args: argparse.Namespace) -> list[str] | Any:
    """The inputs as given, then a lazy stream of the --files-from list (``-``: stdin)."""
    files_from = getattr(args, "files_from", None)
    if files_from is None:
        return list(args.inputs)

    def stream() -> Any:
        yield from args.inputs
        if files_from == "-":
            yield from (line for line in stdin_lines() if line)
            return
        with open(files_from, encoding="utf-8") as listing:
            yield from (line.rstrip("\r\n") for line in listing if line.strip())

    return stream()


def run_distributed(args: argparse.Namespace, usage: argparse.ArgumentParser) -> int:
    """Run `convert` on the cluster of ``--scheduler``; the exit status."""
    _refuse(args, usage)
    try:
        import filmparse.dask as on_dask
    except ImportError as exc:
        usage.error(str(exc))
    options: dict[str, Any] = {
        "pages_per_partition": args.pages_per_partition or on_dask.DEFAULT_PAGES_PER_PARTITION
    }
    try:
        summary = on_dask.convert(
            _inputs(args),
            parquet=args.parquet,
            jsonl=args.jsonl,
            errors=args.errors,
            scheduler=args.scheduler,
            jobs=args.jobs,
            strict=not args.lenient,
            skip_existing=args.skip_existing,
            storage_options=storage_options(args.storage_options),
            progress=not args.quiet and sys.stderr.isatty(),
            glob=_glob(args, usage),
            max_bytes=args.max_bytes,
            fail_on=_fatal_codes() | frozenset(getattr(args, "fail_on", None) or ()),
            require_sections=args.require_sections,
            **options,
        )
    except on_dask.MissingExtraError as exc:
        usage.error(str(exc))
    except (on_dask.ResumeError, ValueError) as exc:
        usage.error(str(exc))
    except (on_dask.RunError, OSError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(
            f"{PROG}: interrupted; the parts written are whole: run the same command with "
            "--skip-existing to resume",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if not args.quiet:
        print(summary, file=sys.stderr)
    return EXIT_FAILED if summary.failed else EXIT_OK


def _fatal_codes() -> frozenset[str]:
    from ..diagnostics import FATAL_CODES  # here: `filmparse --help` need not load the models

    return frozenset(FATAL_CODES)
