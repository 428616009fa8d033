"""Batch conversion speed and memory: `filmparse convert DIR -o OUT -j J`.

Run by hand:  .venv/bin/python benchmarks/bench_batch.py [--counts 1000 10000] [--jobs 1 2]
Side by side with another checkout:  ... --src /work/main/src src

Generates N distinct pages (the reference page with its title, vote count and
popularity changed and its dialogue shuffled) in sub-folders of a temporary
folder, converts them with `python -m filmparse convert ... --quiet` in a
subprocess for each N and J, and prints wall time, pages/s, the speed-up over
-j 1, and the peak memory of the whole run: the sum over the process tree
(CLI, forkserver, workers) sampled every 100 ms from /proc, as RSS (shared
pages counted in each process) and as PSS (shared pages split between the
processes that share them: the memory the run really takes).  Each case runs
--repeat times: the fastest wall time and the highest peaks are shown.  Peak
memory must not grow with N.  With --src, each case runs the package of each
given source folder in turn (put first on PYTHONPATH), the runs interleaved so
that a slower moment of the machine weighs on every folder alike.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
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


def run(pages: Path, out: Path, jobs: int, src: str | None = None) -> tuple[float, int, int]:
    """Wall seconds and peak summed RSS and PSS (kB) of one conversion (of the
    package in the source folder `src`, if given)."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "filmparse", "convert", str(pages), "-o", str(out)]
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([os.path.abspath(src), env.get("PYTHONPATH", "")])
    start = time.perf_counter()
    process = subprocess.Popen([*command, "-j", str(jobs), "--quiet"], env=env)
    peak_rss = peak_pss = 0
    while process.poll() is None:
        rss, pss = _memory_kb(_tree(process.pid))
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(SAMPLE_SECONDS)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    return elapsed, peak_rss, peak_pss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (fastest kept)")
    parser.add_argument(
        "--src", nargs="+", metavar="DIR", help="source folders to compare (default: installed)"
    )
    args = parser.parse_args()
    sources: list[str | None] = list(args.src) if args.src else [None]
    if not Path("/proc/self/smaps_rollup").exists():
        raise SystemExit("needs Linux /proc (smaps_rollup) to measure the process tree")

    print(f"{'pages':>6} {'-j':>3} {'seconds':>8} {'pages/s':>8} {'speed-up':>8} "
          f"{'peak RSS MB':>11} {'peak PSS MB':>11}  src")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as scratch:
        for count in args.counts:
            pages = Path(scratch) / f"pages-{count}"
            generate(pages, count)
            base: dict[str | None, float] = {}
            for jobs in args.jobs:
                runs: dict[str | None, list[tuple[float, int, int]]] = {src: [] for src in sources}
                for _ in range(args.repeat):
                    for src in sources:
                        runs[src].append(run(pages, Path(scratch) / "out", jobs, src))
                for src, done in runs.items():
                    seconds = min(seconds for seconds, _, _ in done)
                    rss = max(rss for _, rss, _ in done)
                    pss = max(pss for _, _, pss in done)
                    rate = count / seconds
                    base.setdefault(src, rate)
                    print(
                        f"{count:6d} {jobs:3d} {seconds:8.2f} {rate:8.0f} {rate / base[src]:7.2f}x "
                        f"{rss / 1024:11.0f} {pss / 1024:11.0f}  {src or 'installed'}",
                        flush=True,
                    )
            shutil.rmtree(pages)


if __name__ == "__main__":
    main()
