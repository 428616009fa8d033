"""Parse time against page size: is it linear?  And the hostile pages.

Run by hand:  .venv/bin/python benchmarks/bench_scaling.py [--rounds N]

Grows the reference page to 1x, 10x and 50x its size (its dialogue repeated)
and times strict and lenient parsing of each, medians of repeated runs; time
per kB should stay flat if parsing is linear.  Then times the hardening pages
of the test suite (one 5 MB line, 100,000 dialogue lines, a heading repeated
1,000 times, every section out of order) in both modes, saying what each gave.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import filmparse

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "leaving-las-vegas.txt"
HEADINGS = ("Overview", "Backdrop", "Available Languages", "Where to Watch", "Cast", "Crew",
            "Reviews", "Famous Conversations", "Oscar Awards", "Media")  # fmt: skip


def grown(text: str, factor: int) -> str:
    """The page with its dialogue repeated until the page is `factor` times its size."""
    start = text.index("Famous Conversations\n")
    end = text.index("Oscar Awards\n")
    body = text[start + len("Famous Conversations\n") : end]
    missing = len(text) * (factor - 1)
    copies = -(-missing // len(body)) if missing > 0 else 0
    return text[:end] + body * copies + text[end:]


def sections_reversed(text: str) -> str:
    """The reference page with its headed sections in reverse order."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line in HEADINGS]
    header = lines[: starts[0]]
    blocks = [lines[a:b] for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]
    return "\n".join(header + [line for block in reversed(blocks) for line in block])


def median_seconds(fn: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def outcome(text: str, strict: bool) -> str:
    try:
        film = filmparse.parse(text, strict=strict)
    except filmparse.FilmParseError as exc:
        return f"FilmParseError {exc.line}:{exc.column} {exc.message[:40]}"
    return f"Film, {len(film.dialogue)} dialogue lines, {len(film.diagnostics)} diagnostics"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    text = PAGE.read_text(encoding="utf-8")

    print(f"{'page':34} {'kB':>8} {'strict ms':>10} {'us/kB':>7} {'lenient ms':>11} {'us/kB':>7}")
    for factor in (1, 10, 50):
        page = grown(text, factor)
        kb = len(page.encode("utf-8")) / 1000
        rounds = max(3, args.rounds * 10 // factor)
        strict = median_seconds(partial(filmparse.parse, page), rounds)
        lenient = median_seconds(partial(filmparse.parse, page, strict=False), rounds)
        print(
            f"{f'reference x{factor}':34} {kb:8.1f} {strict * 1e3:10.1f} {strict * 1e6 / kb:7.1f}"
            f" {lenient * 1e3:11.1f} {lenient * 1e6 / kb:7.1f}"
        )

    hostile = {
        "one 5 MB line": "x" * 5_000_000 + "\n",
        "100,000 dialogue lines": "Heat\n\nFamous Conversations\n\n"
        + "".join(f"NEIL: line {n}\n" for n in range(100_000)),
        "a heading repeated 1,000 times": "Heat\n\n" + "Cast\n\n" * 1000,
        "every section out of order": sections_reversed(text),
    }
    print()
    columns = f"{'hostile page':34} {'kB':>8} {'strict ms':>10} {'lenient ms':>11}"
    print(f"{columns}  result (strict | lenient)")
    for name, page in hostile.items():
        kb = len(page.encode("utf-8")) / 1000
        times = []
        for strict in (True, False):

            def run(p: str = page, s: bool = strict) -> None:
                with contextlib.suppress(filmparse.FilmParseError):
                    filmparse.parse(p, strict=s)

            times.append(median_seconds(run, 3))
        print(
            f"{name:34} {kb:8.1f} {times[0] * 1e3:10.1f} {times[1] * 1e3:11.1f}  "
            f"{outcome(page, True)} | {outcome(page, False)}"
        )


if __name__ == "__main__":
    main()
