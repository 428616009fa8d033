"""Parse time against page size: is it linear?  And the hostile pages.

Run by hand:  .venv/bin/python benchmarks/bench_scaling.py [--rounds N] [--no-growth]

Grows the reference page to 1x, 10x and 200x its size (its dialogue repeated)
and times strict and lenient parsing of each, medians of interleaved rounds,
with the garbage collector at its defaults, the Films dropped or kept; time
per kB should stay flat if parsing is linear (issue 14, target 2: within 20%
from 1x to 200x).  Beside each figure: the collections a strict parse
triggered (generations 0/1/2) and the objects its Film keeps tracked.  Times are
CPU time (time.process_time): the machine is shared.  Then times the hardening pages
of the test suite (one 5 MB line, 100,000 dialogue lines, a heading repeated
1,000 times, every section out of order) in both modes, saying what each gave.
Then (issue 10) each lenient rule and diagnostic path of growth_pages.py at 1x,
4x and 16x its size: the best CPU time of a few runs and the growth ratios,
which tests/test_linear_time.py bounds.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import filmparse
from growth_pages import CASES

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
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def gc_cost(fn: Callable[[], object]) -> tuple[list[int], int]:
    """Collections per generation during one call, and the objects its result keeps tracked."""
    gc.collect()
    before = [generation["collections"] for generation in gc.get_stats()]
    tracked = len(gc.get_objects())
    result = fn()
    after = [generation["collections"] for generation in gc.get_stats()]
    kept = len(gc.get_objects()) - tracked
    del result
    return [b - a for a, b in zip(before, after, strict=True)], kept


def linearity(rounds: int, factors: tuple[int, ...] = (1, 10, 200)) -> None:
    """µs/kB of strict and lenient parsing at each size, gc at its defaults.

    Interleaved: each round parses every (size, mode) once, in an order
    rotated from round to round, so that a burst of load on the shared
    machine hits every size alike; each sample is ~1 MB of page (20 calls of
    the 1x page, 2 of the 10x, 1 of the 200x); medians of `rounds` samples.
    "kept" is the same parse with every Film kept until the round ends, as a
    user collecting results does: the collector then has the parse's objects
    to walk once it is back on, and that time counts too.
    """
    assert gc.isenabled() and gc.get_threshold() == (700, 10, 10), "gc must be at its defaults"
    text = PAGE.read_text(encoding="utf-8")
    pages = {factor: grown(text, factor) for factor in factors}
    kb = {factor: len(page.encode("utf-8")) / 1000 for factor, page in pages.items()}
    calls = {factor: max(1, round(1000 / kb[factor])) for factor in factors}
    modes = {"strict": True, "lenient": False, "strict kept": True, "lenient kept": False}
    keys = [(factor, mode) for factor in factors for mode in modes]
    samples: dict[tuple[int, str], list[float]] = {key: [] for key in keys}
    for factor, mode in keys:  # warm-up: the grammar built, the caches filled
        filmparse.parse(pages[factor], strict=modes[mode])
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for number in range(rounds):
        shift = number % len(keys)
        for factor, mode in keys[shift:] + keys[:shift]:
            page, strict, kept = pages[factor], modes[mode], []
            start = time.process_time()
            for _ in range(calls[factor]):
                film = filmparse.parse(page, strict=strict)
                if mode.endswith("kept"):
                    kept.append(film)
            del film
            samples[factor, mode].append((time.process_time() - start) / calls[factor])
            del kept
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    per_kb = {key: statistics.median(values) * 1e6 / kb[key[0]] for key, values in samples.items()}
    print(f"{'page':16} {'kB':>8}" + "".join(f" {mode + ' us/kB':>18}" for mode in modes)
          + f" {'strict gc 0/1/2':>16} {'tracked':>9}")  # fmt: skip
    for factor in factors:
        collections, left = gc_cost(partial(filmparse.parse, pages[factor]))
        shown = "/".join(map(str, collections))
        print(f"{f'reference x{factor}':16} {kb[factor]:8.1f}"
              + "".join(f" {per_kb[factor, mode]:18.1f}" for mode in modes)
              + f" {shown:>16} {left:9,}")  # fmt: skip
    # A rise is what a superlinear cost shows; strict time per kB falls from
    # x1 because dialogue, what the page grows by, is its cheapest section.
    for mode in modes:
        values = [per_kb[factor, mode] for factor in factors]
        rise = max(b / a for a, b in itertools.combinations(values, 2)) - 1
        steps = ", ".join(f"{b / a - 1:+.0%}" for a, b in itertools.pairwise(values))
        print(f"{mode}: us/kB steps {steps}; largest rise from a size to a larger one {rise:+.0%}; "
              f"target (rise within 20%): {'met' if rise <= 0.2 else 'not met'}")  # fmt: skip


def growth(rounds: int, factors: tuple[int, ...] = (1, 4, 16)) -> None:
    """Lenient time of each growth case at each size, and its ratio to 1x."""
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    header = " ".join(f"{f'x{f} ms':>9}" for f in factors)
    ratios = " ".join(f"{f'x{f}/x1':>7}" for f in factors[1:])
    print(f"{'lenient path':50} {header} {ratios}  us/kB x1 -> x{factors[-1]}")
    for name, case in CASES.items():
        parse = filmparse.parse_with_source_map if case.source_map else filmparse.parse
        times, sizes = [], []
        for factor in factors:
            page = case.page(factor)
            run = partial(parse, page, strict=False)
            run()  # warm-up, and the grammar built
            times.append(min(_cpu(run) for _ in range(max(2, rounds // factor + 1))))
            sizes.append(len(page.encode("utf-8", "surrogatepass")) / 1000)
        shown = " ".join(f"{t * 1e3:9.1f}" for t in times)
        grown = " ".join(f"{t / times[0]:7.1f}" for t in times[1:])
        per_kb = f"{times[0] * 1e6 / sizes[0]:.0f} -> {times[-1] * 1e6 / sizes[-1]:.0f}"
        print(f"{name:50} {shown} {grown}  {per_kb}")
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def outcome(text: str, strict: bool) -> str:
    try:
        film = filmparse.parse(text, strict=strict)
    except filmparse.FilmParseError as exc:
        return f"FilmParseError {exc.line}:{exc.column} {exc.message[:40]}"
    return f"Film, {len(film.dialogue)} dialogue lines, {len(film.diagnostics)} diagnostics"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 200])
    parser.add_argument("--no-hostile", action="store_true", help="only the linear-time checks")
    parser.add_argument("--no-growth", action="store_true", help="skip the 1x/4x/16x lenient paths")
    args = parser.parse_args()
    text = PAGE.read_text(encoding="utf-8")

    linearity(args.rounds, tuple(args.factors))
    if not args.no_growth:
        print()
        growth(args.rounds)
    if args.no_hostile:
        return

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
