"""Single-core parse speed on the reference page.

Run by hand:  .venv/bin/python benchmarks/bench_parse.py [--rounds N]

Reports pages/s and MB/s (medians over repeated rounds) for parse alone,
parse + to_json (pretty and compact), and, measured side by side in the same
run, a plain `re` split of the same page into its sections: the floor any
parser has to pay, so the ratio says what the grammar and the models cost.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import filmparse

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "leaving-las-vegas.txt"
HEADINGS = re.compile(
    r"^(Overview|Backdrop|Available Languages|Where to Watch|Cast|Crew|Reviews|"
    r"Famous Conversations|Oscar Awards|Media)$",
    re.MULTILINE,
)


def re_split(text: str) -> dict[str, list[str]]:
    """Sections by heading, each a list of its non-blank lines: no typing at all."""
    sections: dict[str, list[str]] = {}
    parts = HEADINGS.split(text)
    sections["header"] = [line for line in parts[0].splitlines() if line.strip()]
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[name] = [line for line in body.splitlines() if line.strip()]
    return sections


def per_call(fn: Callable[[], object], rounds: int, batch: int) -> float:
    """Median seconds per call over `rounds` rounds of `batch` calls each."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - start) / batch)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=40)
    args = parser.parse_args()

    text = PAGE.read_text(encoding="utf-8")
    megabytes = len(text.encode("utf-8")) / 1e6
    film = filmparse.parse(text)
    cases: dict[str, Callable[[], object]] = {
        "re split (baseline)": lambda: re_split(text),
        "parse": lambda: filmparse.parse(text),
        "parse + to_json(indent=None)": lambda: filmparse.to_json(filmparse.parse(text), None),
        "parse + to_json(indent=2)": lambda: filmparse.to_json(filmparse.parse(text)),
        "to_json(indent=None) alone": lambda: filmparse.to_json(film, None),
    }
    results = {name: per_call(fn, args.rounds, args.batch) for name, fn in cases.items()}
    base = results["re split (baseline)"]
    print(f"page: {PAGE.name}, {megabytes * 1000:.1f} kB; median of {args.rounds} x {args.batch}")
    print(f"{'case':32} {'ms/page':>9} {'pages/s':>9} {'MB/s':>7} {'x re':>7}")
    for name, seconds in results.items():
        print(
            f"{name:32} {seconds * 1000:9.3f} {1 / seconds:9.0f} "
            f"{megabytes / seconds:7.2f} {seconds / base:7.1f}"
        )


if __name__ == "__main__":
    main()
