"""The tree -> Film step alone, two source trees side by side (issue 14).

Run by hand:  .venv/bin/python benchmarks/bench_visit.py --src /work/main/src src [--rounds N]

Each `--src` folder gets a worker process that imports filmparse from it;
the rounds alternate between the workers (the order flipped every round),
so both sides see the same machine load.  In each round every worker runs
each case once: the visitor (strict, lenient, with a source map) on trees
parsed beforehand, `to_dict`, and the whole parse + `to_json`, on the
reference page and on the generated ~4 kB pages of bench_parse.py; and
the grammar's match alone (strict), each tree's own grammar.  The collector
is off around the matches and visits, as parse() has it.  Medians of CPU
time (time.process_time) per page; the load average is printed before and
after.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PAGE = HERE.parent / "fixtures" / "valid" / "leaving-las-vegas.txt"


def _worker(batch: int, count: int, seed: int) -> None:
    """Read "round" lines on stdin; answer each with a JSON line of seconds per page."""
    import filmparse
    from bench_parse import small_pages
    from filmparse import sections
    from filmparse.grammar import film_grammar
    from filmparse.normalise import normalise

    grammar = film_grammar()
    reference = normalise(PAGE.read_text(encoding="utf-8"))
    small = [normalise(page) for page in small_pages(count, seed)]

    def trees(rule: str, pages: list[str]) -> list[tuple[str, Any]]:
        return [(page, grammar[rule].parse(page)) for page in pages]

    def visits(pages: list[tuple[str, Any]], strict: bool, track: bool) -> Callable[[], None]:
        def run() -> None:
            gc.disable()
            for text, tree in pages:
                sections.FilmVisitor(text, strict=strict, track=track).visit(tree)
            gc.enable()

        return run

    def matches(rule: str, pages: list[str]) -> Callable[[], None]:
        def run() -> None:
            gc.disable()
            for page in pages:
                grammar[rule].parse(page)
            gc.enable()

        return run

    def each(fn: Callable[[Any], object], items: list[Any]) -> Callable[[], None]:
        def run() -> None:
            for item in items:
                fn(item)

        return run

    rule = grammar.default_rule.name
    workloads = {"reference": [reference] * batch, "small": small}
    cases: dict[str, tuple[Callable[[], None], int]] = {}
    for kind, pages in workloads.items():
        films = [filmparse.parse(page) for page in pages]
        cases[f"{kind}: match strict"] = matches(rule, pages), len(pages)
        cases[f"{kind}: visit strict"] = visits(trees(rule, pages), True, False), len(pages)
        lenient = trees("lenient_page", pages)
        cases[f"{kind}: visit lenient"] = visits(lenient, False, False), len(pages)
        cases[f"{kind}: visit track"] = visits(trees(rule, pages), True, True), len(pages)
        cases[f"{kind}: to_dict"] = each(filmparse.to_dict, films), len(pages)
        strict_json = each(lambda page: filmparse.to_json(filmparse.parse(page)), pages)
        cases[f"{kind}: parse + to_json"] = strict_json, len(pages)
        lenient_json = each(lambda page: filmparse.to_json(filmparse.parse(page, strict=False)),
                            pages)  # fmt: skip
        cases[f"{kind}: lenient + to_json"] = lenient_json, len(pages)
    print(json.dumps(list(cases)), flush=True)
    for line in sys.stdin:
        if line.strip() != "round":
            break
        seconds: dict[str, float] = {}
        for name, (fn, pages_run) in cases.items():
            start = time.process_time()
            fn()
            seconds[name] = (time.process_time() - start) / pages_run
        print(json.dumps(seconds), flush=True)


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", nargs="+", default=["src"], help="folders holding filmparse/")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=20, help="reference-page visits per round")
    parser.add_argument("--pages", type=int, default=30, help="generated pages")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.batch, args.pages, args.seed)
        return
    workers = []
    for src in args.src:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(src).resolve()), str(HERE)])}
        command = [sys.executable, __file__, "--worker", "--batch", str(args.batch),
                   "--pages", str(args.pages), "--seed", str(args.seed)]  # fmt: skip
        workers.append(subprocess.Popen(command, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True))  # fmt: skip
    names: list[str] = []
    for worker in workers:
        assert worker.stdout is not None
        names = json.loads(worker.stdout.readline())
    samples: list[dict[str, list[float]]] = [{name: [] for name in names} for _ in workers]
    print(_load())
    for round_number in range(args.rounds):
        order = list(range(len(workers)))
        if round_number % 2:
            order.reverse()
        for index in order:
            worker = workers[index]
            assert worker.stdin is not None and worker.stdout is not None
            worker.stdin.write("round\n")
            worker.stdin.flush()
            for name, value in json.loads(worker.stdout.readline()).items():
                samples[index][name].append(value)
    print(_load())
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.close()
        worker.wait()
    medians = [{name: statistics.median(values) for name, values in side.items()}
               for side in samples]  # fmt: skip
    header = "".join(f"{Path(src).resolve().parent.name[-14:]:>16}" for src in args.src)
    print(f"medians of {args.rounds} rounds, us per page")
    print(f"{'case':30}{header}" + ("   last/first" if len(workers) > 1 else ""))
    for name in names:
        row = "".join(f"{side[name] * 1e6:16.1f}" for side in medians)
        ratio = f"{medians[-1][name] / medians[0][name]:12.2f}x" if len(workers) > 1 else ""
        print(f"{name:30}{row}{ratio}")


if __name__ == "__main__":
    main()
