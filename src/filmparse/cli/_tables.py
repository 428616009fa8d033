"""`convert --parquet DIR` and `--duckdb FILE`: the table sinks, built for the command.

The sink modules import pyarrow / duckdb when loaded, so they are loaded
only here, when asked for: a missing extra is a usage error naming it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator

from .._extras import MissingExtraError
from ..sinks import Job, Sink
from ..sources import Page


def table_sink(args: argparse.Namespace, usage: argparse.ArgumentParser) -> Sink | None:
    """The --parquet or --duckdb sink of the run, None for neither."""
    if args.pages_per_part is not None and args.parquet is None:
        usage.error("--pages-per-part needs --parquet DIR")
    try:
        if args.parquet is not None:
            return _parquet(args, usage)
        if args.duckdb is not None:
            return _duckdb_sink(args.duckdb)
    except MissingExtraError as exc:
        usage.error(str(exc))
    return None


def _parquet(args: argparse.Namespace, usage: argparse.ArgumentParser) -> Sink:
    from ..sinks._parquet import DEFAULT_PAGES_PER_PART, ParquetSink, done_paths, parts

    class ParquetOutput(ParquetSink):
        """The Parquet sink as the run's planner: resuming, the pages of the
        complete parts are skipped before they are read."""

        def plan(self, pages: Iterable[Page]) -> Iterator[Job]:
            # After open(): the parts a killed run left half-written are gone.
            done = done_paths(self.folder) if self.skip_existing else set()
            for page in pages:
                yield Job(page, kept=b"") if page.path in done else Job(page)

    if not args.skip_existing and parts(args.parquet)[0]:
        usage.error(
            f"{args.parquet} already holds a Parquet dataset: add --skip-existing to "
            "resume it, or choose an empty folder"
        )
    return ParquetOutput(
        args.parquet,
        pages_per_part=args.pages_per_part or DEFAULT_PAGES_PER_PART,
        skip_existing=args.skip_existing,
    )


def _duckdb_sink(path: str) -> Sink:
    from ..sinks import _duckdb  # MissingExtraError when duckdb is missing

    class DuckDBOutput(_duckdb.DuckDBSink):
        """The DuckDB sink, its open failures (no such folder, not a database, locked
        by another process) an OSError naming the file, as the other outputs' are."""

        def open(self) -> None:
            import duckdb  # there: the sink module imported it

            # DuckDB opens some other files (JSON, CSV) as a database of its own, in
            # memory: the rows would be lost without a word.  Its files say DUCK at 8.
            try:
                with open(self.path, "rb") as existing:
                    header = existing.read(12)
            except FileNotFoundError:
                header = b""
            if header and header[8:12] != b"DUCK":
                raise OSError(0, "this file is not a DuckDB database", self.path)
            try:
                super().open()
            except duckdb.Error as exc:
                raise OSError(0, str(exc), self.path) from exc

    return DuckDBOutput(path)
