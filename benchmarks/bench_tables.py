"""Table outputs: pages/s of Parquet and DuckDB beside JSONL, and peak memory.

Run by hand:
  .venv/bin/python benchmarks/bench_tables.py [--counts 10000 100000] [-j 2 1]
      [--repeats 3] [--root DIR] [--before OTHER/src] [--library | --split N]

Generates N distinct pages once per N (bench_batch's generator: the reference
page with its title, facts and dialogue order changed; kept under ``--root``
for the next run, ~31 kB a page), then times ``filmparse convert PAGES -q -j J
--jsonl FILE`` (then ``--parquet DIR``, ``--duckdb FILE``) as a user runs it:
wall time from start to exit (start-up and workers included), the main
process's CPU time (user + system) and its peak RSS (``os.wait4``; the workers
are not its children but the forkserver's, so they are not in it).

Runs are interleaved (every output and job count in turn, ``--repeats``
rounds at the first N, one round at the others) and the medians printed, with
the ratio to JSONL of the same round, so that load from other processes on a
shared machine weighs on every output alike; the load average is printed
before and after.  ``--before SRC`` adds the same runs of another checkout's
code (``PYTHONPATH=SRC``), round by round beside this one's.

Target: Parquet at least as fast as JSONL; peak RSS the same at every N
(memory flat).  ``--library`` times the library path on one core instead
(read, parse, export, check, then the JSONL line or the table sink, no
workers; the table rows built in this process).  ``--split N`` times the two
sides of a run apart, on the first N pages of the first count, in one process
per code and round (CPU time a page, medians): the worker's (convert the pages
in the chunks the engine sends, pickle the results) and the main process's
(unpickle them, write them to the sink).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_batch import generate  # beside this file

FORMATS = ("jsonl", "parquet", "duckdb")
HEADER = ("pages", "code", "-j", "output", "seconds", "pages/s", "vs jsonl", "main CPU", "peak MB")
WIDTHS = (7, 6, 3, 8, 8, 8, 9, 9, 8)
SRC = str(Path(__file__).resolve().parent.parent / "src")


def child(kind: str, pages: str, out: str) -> None:
    """Convert every page under `pages` to `out` in this process; print the seconds taken."""
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


def split_child(pages: str, count: int, out: str) -> None:
    """Print the worker's and the main process's CPU seconds a page for each output."""
    import pickle

    import filmparse.sinks._parquet  # noqa: F401  (pyarrow loaded before the clock starts)
    from filmparse.engine import page_worker
    from filmparse.engine._chunks import MOST_PAGES, chunk_worker
    from filmparse.engine._pool import MAX_CHUNK
    from filmparse.sinks import Job
    from filmparse.sinks._base import RECORD, TEXT
    from filmparse.sinks._duckdb import DuckDBSink
    from filmparse.sinks._jsonl import JsonText
    from filmparse.sinks._parquet import ParquetSink
    from filmparse.sources import find_pages

    jobs = [Job(page) for page, _ in zip(find_pages([pages]), range(count), strict=False)]
    text = page_worker(None, needs=frozenset({TEXT}))
    try:  # the engine's need for table-only runs, where the code has it
        from filmparse.sinks._base import FILM as rows_from  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        rows_from = RECORD
    whole = chunk_worker(page_worker(None, needs=frozenset({rows_from})))
    def sink(kind: str) -> JsonText | ParquetSink | DuckDBSink:
        if kind == "jsonl":
            return JsonText(out)
        return ParquetSink(out) if kind == "parquet" else DuckDBSink(out)

    def side(kind: str, jobs: list[Job]) -> tuple[float, float, int]:
        size = MAX_CHUNK if kind == "jsonl" else MOST_PAGES
        start = time.process_time()
        blobs = []
        for first in range(0, len(jobs), size):
            chunk = jobs[first : first + size]
            done = [text(job) for job in chunk] if kind == "jsonl" else whole(chunk)
            blobs.append(pickle.dumps(done))
        worker = time.process_time() - start
        output = sink(kind)
        output.open()
        start = time.process_time()
        for blob in blobs:
            for result in pickle.loads(blob):
                output.write(result)
        output.commit()
        main = time.process_time() - start
        remove(Path(out))
        return worker, main, sum(map(len, blobs))

    for kind in FORMATS:  # first uses (pyarrow's, DuckDB's) off the clock
        side(kind, jobs[:MOST_PAGES])
    for kind in FORMATS:
        worker, main, size = side(kind, jobs)
        print(kind, worker / len(jobs), main / len(jobs), size / len(jobs))


def split(args: argparse.Namespace, root: Path, scratch: Path) -> None:
    codes = [("this", SRC)] + ([("before", args.before)] if args.before else [])
    pages = root / f"pages-{args.counts[0]}"
    if not (root / f"pages-{args.counts[0]}.done").exists():
        raise SystemExit(f"generate the pages first (a run with --counts {args.counts[0]})")
    print(f"# worker / main CPU a page, {args.split} pages, load average before: {load()}")
    got: dict[tuple[str, str], list[tuple[float, ...]]] = defaultdict(list)
    for _ in range(args.repeats):
        for code, src in codes:
            command = [sys.executable, __file__, "--split-child", str(pages), str(args.split),
                       str(scratch / "split.out")]  # fmt: skip
            lines = subprocess.run(command, env={**os.environ, "PYTHONPATH": src}, text=True,
                                   capture_output=True, check=True).stdout.split("\n")  # fmt: skip
            for line in filter(None, lines):
                kind, *figures = line.split()
                got[code, kind].append(tuple(map(float, figures)))
                print(f"# run: {code} {kind}: worker {float(figures[0]) * 1e6:.0f} us, main "
                      f"{float(figures[1]) * 1e6:.0f} us, load {load()}", flush=True)  # fmt: skip
    for (code, kind), every in got.items():
        worker, main, size = (statistics.median(f[i] for f in every) for i in range(3))
        print(f"{code:>6} {kind:>8}: worker {worker * 1e6:5.0f} us a page, main "
              f"{main * 1e6:4.0f} us, both {(worker + main) * 1e6:5.0f} us; "
              f"{size / 1000:.1f} kB a page to the main process")  # fmt: skip
    print(f"# load average after: {load()}", flush=True)


Figures = tuple[float, float, float]  # seconds, main-process CPU seconds, peak RSS MB


def run(kind: str, pages: Path, out: Path, jobs: int | None, src: str) -> Figures:
    """Seconds, main-process CPU seconds and peak RSS (MB) of converting `pages`
    to `kind`: the command with `jobs` workers, or the library path (None)."""
    env = {**os.environ, "PYTHONPATH": src}
    if jobs is not None:
        command = [sys.executable, "-m", "filmparse", "convert", str(pages), "-q"]
        command += ["-j", str(jobs), f"--{kind}", str(out)]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, text=True, env=env)
    else:
        command = [sys.executable, __file__, "--child", kind, str(pages), str(out)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        assert process.stdout is not None
        seconds = float(process.stdout.read())
    _, status, usage = os.wait4(process.pid, 0)
    if jobs is not None:
        seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} exited {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # kB on Linux


def remove(out: Path) -> None:
    if out.is_dir():
        shutil.rmtree(out)
    for path in (out, out.with_name(out.name + ".wal")):
        path.unlink(missing_ok=True)


def report(code: str, jobs: int | None, kind: str, figures: Figures) -> None:
    seconds, cpu, peak = figures
    print(f"# run: {code} -j {jobs} {kind}: {seconds:.2f} s, main CPU {cpu:.1f} s, "
          f"peak {peak:.0f} MB, load {load()}", flush=True)  # fmt: skip


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(args: argparse.Namespace, root: Path, scratch: Path) -> None:
    codes = [("this", SRC)] + ([("before", args.before)] if args.before else [])
    jobs_list: list[int | None] = [None] if args.library else list(args.jobs)
    print(" ".join(f"{name:>{width}}" for name, width in zip(HEADER, WIDTHS, strict=True)))
    for number, count in enumerate(args.counts):
        pages = root / f"pages-{count}"
        done = root / f"pages-{count}.done"  # beside the pages: not one of them
        if not done.exists():
            shutil.rmtree(pages, ignore_errors=True)
            generate(pages, count)
            done.write_text("")
        print(f"# {count} pages, load average before: {load()}", flush=True)
        runs: dict[tuple[str, int | None, str], list[Figures]] = defaultdict(list)
        ratios: dict[tuple[str, int | None, str], list[float]] = defaultdict(list)
        for _ in range(args.repeats if number == 0 else 1):
            for jobs in jobs_list:
                for code, src in codes:
                    for kind in args.outputs:
                        out = scratch / f"out.{kind}"
                        runs[code, jobs, kind].append(run(kind, pages, out, jobs, src))
                        remove(out)
                        report(code, jobs, kind, runs[code, jobs, kind][-1])
                    jsonl = runs[code, jobs, "jsonl"][-1][0]
                    for kind in args.outputs:
                        ratios[code, jobs, kind].append(jsonl / runs[code, jobs, kind][-1][0])
        for (code, jobs, kind), every in runs.items():
            seconds = statistics.median(f[0] for f in every)
            ratio = statistics.median(ratios[code, jobs, kind])
            cpu = statistics.median(f[1] for f in every)
            cells = (count, code, "lib" if jobs is None else jobs, kind, f"{seconds:.2f}",
                     f"{count / seconds:.0f}", f"{ratio:.2f}x", f"{cpu:.1f}",
                     f"{max(f[2] for f in every):.0f}")  # fmt: skip
            print(" ".join(f"{cell:>{w}}" for cell, w in zip(cells, WIDTHS, strict=True)))
        print(f"# load average after: {load()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("-j", "--jobs", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--repeats", type=int, default=3, help="rounds at the first count")
    parser.add_argument("--root", type=Path, help="keep the generated pages here for next time")
    parser.add_argument("--before", metavar="SRC", help="also time another checkout's src/")
    parser.add_argument("--outputs", nargs="+", choices=FORMATS, default=list(FORMATS),
                        help="the outputs timed (jsonl always: the ratios are to it)")  # fmt: skip
    parser.add_argument("--library", action="store_true", help="the library path, one core")
    parser.add_argument("--split", type=int, metavar="N", help="worker / main CPU, N pages")
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "PAGES", "OUT"), help=argparse.SUPPRESS
    )
    parser.add_argument("--split-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.outputs = ["jsonl", *(kind for kind in FORMATS[1:] if kind in args.outputs)]
    if args.child:
        child(*args.child)
        return
    if args.split_child:
        split_child(args.split_child[0], int(args.split_child[1]), args.split_child[2])
        return
    with tempfile.TemporaryDirectory(prefix="bench-tables-") as scratch:
        if args.split:
            split(args, args.root or Path(scratch), Path(scratch))
        else:
            measure(args, args.root or Path(scratch), Path(scratch))


if __name__ == "__main__":
    main()
