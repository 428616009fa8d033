"""Start-up: a one-page `filmparse convert`, `import filmparse`, `filmparse --help`.

Run by hand:  .venv/bin/python benchmarks/bench_startup.py [--rounds 15]
Side by side with another checkout:  ... --src /work/main/src src

Each case runs in a fresh interpreter (`python -c`), the checkouts' runs
interleaved round by round; the CPU time (user + system) of each child comes
from os.wait4, wall time from perf_counter; medians are printed.  Byte code:
by default as the environment says (PYTHONDONTWRITEBYTECODE=1 compiles every
module from source on every start, as this machine does); with --bytecode,
cached in a scratch PYTHONPYCACHEPREFIX, as an installed package runs.  The
user cache folder (the compiled grammar) is a scratch one, warmed by a first
untimed run, as after a user's first run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "leaving-las-vegas.txt"
CASES = {
    "convert one page": f"from filmparse.cli import main; main(['convert', {str(PAGE)!r}])",
    "import filmparse": "import filmparse",
    "filmparse --help": (
        "from filmparse.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    ),
}


def run(program: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh interpreter running `program`."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", program],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{program!r} exited {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--src", nargs="+", metavar="DIR", help="source folders to compare")
    parser.add_argument("--bytecode", action="store_true", help="cache byte code (scratch)")
    args = parser.parse_args()
    sources: list[str | None] = list(args.src) if args.src else [None]
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as scratch:
        envs = {}
        for number, src in enumerate(sources):
            env = dict(os.environ, XDG_CACHE_HOME=os.path.join(scratch, f"cache{number}"))
            if src is not None:
                env["PYTHONPATH"] = os.path.abspath(src)
            if args.bytecode:
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                env["PYTHONPYCACHEPREFIX"] = os.path.join(scratch, f"pyc{number}")
            envs[src] = env
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        print(f"{'case':18s} {'wall ms':>8s} {'CPU ms':>7s}  src")
        for name, program in CASES.items():
            times: dict[str | None, list[tuple[float, float]]] = {src: [] for src in sources}
            for src in sources:
                run(program, envs[src])  # warm: the grammar cache, byte code, the OS's caches
            for _ in range(args.rounds):
                for src in sources:
                    times[src].append(run(program, envs[src]))
            for src, done in times.items():
                wall = statistics.median(w for w, _ in done) * 1000
                cpu = statistics.median(c for _, c in done) * 1000
                print(f"{name:18s} {wall:8.0f} {cpu:7.0f}  {src or 'installed'}", flush=True)
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
