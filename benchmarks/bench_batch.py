"""Batch conversion speed and memory: `filmparse convert DIR -o OUT -j J` (or --jsonl OUT).

Run by hand:  .venv/bin/python benchmarks/bench_batch.py [--counts 1000 10000] [--jobs 1 2]
Side by side with another checkout:  ... --src /work/main/src src
Both outputs, on pages generated earlier:  ... --outputs dir jsonl --pages /tmp/b20k

Generates N distinct pages (the reference page with its title, vote count and
popularity changed and its dialogue shuffled) in sub-folders of a temporary
folder, converts them with `python -m filmparse convert ... --quiet` in a
subprocess for each N and J, and prints wall time, pages/s, the speed-up over
-j 1, and the peak memory of the whole run: the sum over the process tree
(CLI, forkserver, workers) sampled every 100 ms from /proc, as RSS (shared
pages counted in each process) and as PSS (shared pages split between the
processes that share them: the memory the run really takes).  Each case runs
--repeat times: the fastest wall time and the highest peaks are shown, with
the median CPU time (user + system, the whole process tree, from wait4) per
page and its ratio to the first output's (`-o DIR` against `--jsonl`).  Peak
memory must not grow with N.  With --src, each case runs the package of each
given source folder in turn (put first on PYTHONPATH), the runs interleaved so
that a slower moment of the machine weighs on every folder alike.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "leaving-las-vegas.txt"
DIALOGUE = re.compile(r"(?<=\nFamous Conversations\n)(.*?)(?=\nOscar Awards\n)", re.DOTALL)
FOLDERS = 10
SAMPLE_SECONDS = 0.1  # one sample costs ~3 ms of CPU: more often would slow the run down


def make_page(text: str, number: int, rng: random.Random) -> str:
    """The reference page, made different: title, facts, dialogue order."""
    text = text.replace("Leaving Las Vegas\n", f"Leaving Las Vegas {number}\n", 1)
    text = re.sub(r"(?m)^Vote Count \d+$", f"Vote Count {rng.randrange(10, 99999)}", text)
    text = re.sub(r"(?m)^Popularity [\d.]+$", f"Popularity {rng.uniform(0, 99):.4f}", text)
    match = DIALOGUE.search(text)
    assert match is not None, "the reference page has a Famous Conversations section"
    lines = [line for line in match.group(1).split("\n") if line]
    rng.shuffle(lines)
    return text[: match.start()] + "\n" + "\n\n".join(lines) + "\n" + text[match.end() :]


def generate(folder: Path, count: int) -> None:
    rng = random.Random(count)
    text = PAGE.read_text(encoding="utf-8")
    for number in range(count):
        sub = folder / f"part{number % FOLDERS:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"page{number:07d}.txt").write_text(make_page(text, number, rng), encoding="utf-8")


def _tree(root: int) -> list[int]:
    """root and its descendants, from /proc/<pid>/stat."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _cpu_ticks(pids: list[int], seen: dict[int, int]) -> None:
    """Record each process's user + system clock ticks so far (/proc/<pid>/stat)."""
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        seen[pid] = int(fields[11]) + int(fields[12])


def _memory_kb(pids: list[int]) -> tuple[int, int]:
    """Summed (RSS, PSS) in kB of the processes still alive."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


# wall s, peak RSS and PSS kB, CPU s of the tree, CPU s of the main process, of each other
Run = tuple[float, int, int, float, float, tuple[float, ...]]
BUSY = 0.5  # CPU seconds from which a process of the tree is shown on its own (the workers)


def run(pages: Path, out: Path, jobs: int, src: str | None = None, output: str = "dir") -> Run:
    """Wall seconds, peak summed RSS and PSS (kB), CPU seconds (the process
    tree's user + system), those of the main process and of each other busy
    process (the workers, from their last /proc sample) of one conversion (of
    the package in the source folder `src`, if given), to a folder (`output`
    "dir") or a JSONL file.

    `out` must not exist: removing an earlier run's files just before would
    slow this one down.  On ext4 without a journal (this machine) a new inode
    is sought past every inode freed in the last seconds (up to 300 s), which
    made one run's `rm` cost the next `-o DIR` run ~0.1-1 ms a page of kernel time
    (perf: `recently_deleted` under `ext4_create`).  The caller removes the
    outputs at the very end.
    CPU: the larger of wait4's (which misses descendants no one reaped, such as
    the workers) and the sum of the tree's last /proc samples (up to
    SAMPLE_SECONDS short)."""
    assert not out.exists() and not out.with_suffix(".jsonl").exists(), out
    where = ["-o", str(out)] if output == "dir" else ["--jsonl", str(out.with_suffix(".jsonl"))]
    command = [sys.executable, "-m", "filmparse", "convert", str(pages), *where]
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([os.path.abspath(src), env.get("PYTHONPATH", "")])
    start = time.perf_counter()
    process = subprocess.Popen([*command, "-j", str(jobs), "--quiet"], env=env)
    peak_rss = peak_pss = 0
    ticks: dict[int, int] = {}
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        tree = _tree(process.pid)
        _cpu_ticks(tree, ticks)
        rss, pss = _memory_kb(tree)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(SAMPLE_SECONDS)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    # wait4 counts only the descendants that were reaped; the samples miss the last moments
    tick = os.sysconf("SC_CLK_TCK")
    sampled = sum(ticks.values()) / tick
    main_cpu = ticks.get(process.pid, 0) / tick
    others = tuple(sorted((t / tick for p, t in ticks.items() if p != process.pid), reverse=True))
    cpu = max(usage.ru_utime + usage.ru_stime, sampled)
    return elapsed, peak_rss, peak_pss, cpu, main_cpu, tuple(t for t in others if t >= BUSY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (fastest kept)")
    parser.add_argument(
        "--src", nargs="+", metavar="DIR", help="source folders to compare (default: installed)"
    )
    parser.add_argument("--outputs", nargs="+", choices=["dir", "jsonl"], default=["dir"])
    parser.add_argument("--pages", type=Path, help="pages generated earlier (--counts ignored)")
    args = parser.parse_args()
    sources: list[str | None] = list(args.src) if args.src else [None]
    if not Path("/proc/self/smaps_rollup").exists():
        raise SystemExit("needs Linux /proc (smaps_rollup) to measure the process tree")

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'pages':>6} {'-j':>3} {'out':>5} {'seconds':>8} {'pages/s':>8} {'speed-up':>8} "
          f"{'CPU us/page':>11} {'CPU ratio':>9} {'RSS MB':>7} {'PSS MB':>7} "
          f"{'main us':>7} {'workers us/page':>15}  src")  # fmt: skip
    numbers = itertools.count()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as scratch:
        for count in [0] if args.pages else args.counts:
            pages = args.pages or Path(scratch) / f"pages-{count}"
            if args.pages:
                count = sum(1 for _ in pages.rglob("*.txt"))
            else:
                generate(pages, count)
            base: dict[tuple[str | None, str], float] = {}
            for jobs in args.jobs:
                runs: dict[tuple[str | None, str], list[Run]] = {
                    (src, output): [] for output in args.outputs for src in sources
                }
                for _ in range(args.repeat):  # interleaved: a slow moment weighs on every case
                    for src, output in runs:
                        out = Path(scratch) / f"out{next(numbers)}"
                        runs[src, output].append(run(pages, out, jobs, src, output))
                first_cpu: dict[str | None, float] = {}
                for (src, output), done in runs.items():
                    seconds = min(r[0] for r in done)
                    rss = max(r[1] for r in done)
                    pss = max(r[2] for r in done)
                    cpu = statistics.median(r[3] for r in done) / count * 1e6
                    main_cpu = statistics.median(r[4] for r in done) / count * 1e6
                    workers = "/".join(
                        f"{statistics.median(w) / count * 1e6:.0f}"
                        for w in zip(*(r[5] for r in done), strict=False)
                    ) or "-"
                    first_cpu.setdefault(src, cpu)
                    rate = count / seconds
                    base.setdefault((src, output), rate)
                    up, ratio = rate / base[src, output], cpu / first_cpu[src]
                    print(
                        f"{count:6d} {jobs:3d} {output:>5} {seconds:8.2f} {rate:8.0f} "
                        f"{up:7.2f}x {cpu:11.0f} {ratio:8.2f}x "
                        f"{rss / 1024:7.0f} {pss / 1024:7.0f} {main_cpu:7.0f} {workers:>15}  "
                        f"{src or 'installed'}  (load {os.getloadavg()[0]:.2f})",
                        flush=True,
                    )
            if not args.pages:
                shutil.rmtree(pages)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
