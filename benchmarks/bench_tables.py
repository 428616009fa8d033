"""Table outputs: pages/s of Parquet and DuckDB beside JSONL, and peak memory.

Run by hand:  .venv/bin/python benchmarks/bench_tables.py [--counts 10000 100000] [--cli [-j N]]

Generates N distinct pages (bench_batch's generator: the reference page with
its title, facts and dialogue order changed), then converts them once per
output in a child process of its own, on one core, the library path: read,
parse, export + ``source``, schema check (the same for every output), then
write the JSONL line, the Parquet sink or the DuckDB sink.  Prints wall time,
pages/s, the ratio to JSONL, and the child's peak RSS
(``resource.getrusage`` via ``os.wait4``).  Target: Parquet at least as fast as
JSONL; peak RSS the same at every N (memory flat).

``--cli`` times the command instead, as a user runs it: ``filmparse convert
PAGES -q -j N --jsonl FILE`` (then ``--parquet DIR``, ``--duckdb FILE``), wall
time from start to exit (start-up and workers included), peak RSS of its
largest process (the parent, or a worker it waited for).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_batch import generate  # beside this file

FORMATS = ("jsonl", "parquet", "duckdb")
WIDTHS = (7, 8, 8, 8, 8, 11)


def child(kind: str, pages: str, out: str) -> None:
    """Convert every page under `pages` to `out`; print the seconds taken."""
    import filmparse  # noqa: F401  (imported before the clock starts)
    from filmparse.atomic import AtomicFile
    from filmparse.engine import load_page
    from filmparse.export import dumps, to_dict
    from filmparse.schema import check
    from filmparse.sinks import PageResult
    from filmparse.sinks._duckdb import DuckDBSink
    from filmparse.sinks._parquet import ParquetSink
    from filmparse.sources import find_pages

    sink: ParquetSink | DuckDBSink | None = None
    rows: AtomicFile | None = None
    if kind == "jsonl":
        rows = AtomicFile(out)
    else:
        sink = ParquetSink(out) if kind == "parquet" else DuckDBSink(out)
        sink.open()
    start = time.perf_counter()
    for page in find_pages([pages]):
        data, film = load_page(page.path)
        record = to_dict(film)
        sha = hashlib.sha256(data).hexdigest()
        record["source"] = {"path": page.path, "sha256": sha}
        check(record)
        if rows is not None:
            rows.write(dumps(record, None) + "\n")
        elif sink is not None:
            sink.write(PageResult(page.path, sha, record=record))
    if rows is not None:
        rows.commit()
    elif sink is not None:
        sink.commit()
    print(f"{time.perf_counter() - start:.3f}")


def run(kind: str, pages: Path, out: Path, jobs: int | None = None) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one child converting `pages` to `kind`
    (the command with `jobs` workers when `jobs` is given)."""
    if jobs is not None:
        command = [sys.executable, "-m", "filmparse", "convert", str(pages), "-q"]
        command += ["-j", str(jobs), f"--{kind}", str(out)]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, text=True)
    else:
        command = [sys.executable, __file__, "--child", kind, str(pages), str(out)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        seconds = float(process.stdout.read())
    _, status, usage = os.wait4(process.pid, 0)
    if jobs is not None:
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    return seconds, usage.ru_maxrss / 1024  # kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--cli", action="store_true", help="time `filmparse convert` itself, per output"
    )
    parser.add_argument(
        "-j", "--jobs", type=int, default=1, help="with --cli: worker processes (default 1)"
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "PAGES", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    header = ("pages", "output", "seconds", "pages/s", "vs jsonl", "peak RSS MB")
    print(" ".join(f"{name:>{width}}" for name, width in zip(header, WIDTHS, strict=True)))
    with tempfile.TemporaryDirectory(prefix="bench-tables-") as scratch:
        for count in args.counts:
            pages = Path(scratch) / f"pages-{count}"
            generate(pages, count)
            base = None
            for kind in FORMATS:
                out = Path(scratch) / f"out-{count}.{kind}"
                seconds, rss = run(kind, pages, out, args.jobs if args.cli else None)
                rate = count / seconds
                base = base or rate
                cells = (
                    count,
                    kind,
                    f"{seconds:.2f}",
                    f"{rate:.0f}",
                    f"{rate / base:.2f}x",
                    f"{rss:.0f}",
                )
                print(" ".join(f"{cell:>{w}}" for cell, w in zip(cells, WIDTHS, strict=True)))


if __name__ == "__main__":
    main()
