"""Single-core parse speed, side by side with a hand-written `re` parser (issue 14).

Run by hand:  .venv/bin/python benchmarks/bench_parse.py [--rounds N] [--linear]

In one process, repetitions interleaved (each round runs every case once, in
a rotated order) and medians reported, on two workloads:

* the reference page (fixtures/valid/leaving-las-vegas.txt, 28.8 kB);
* --pages generated pages of ~4 kB (every section, varied; fixed --seed):
  pieces of the reference page sampled and rendered with filmparse.render.

Cases: filmparse parse + to_json (strict and lenient) against
regex_baseline.parse + the same JSON serialisation (orjson, indent 2, as
to_json does), and the ratios against issue 14's targets: <= 1.6x on the
reference page, <= 2.5x on the small pages, lenient <= 1.3x strict.  Also
parse alone, to_json alone and a plain `re` split of the page into sections
(the floor), and normalise() alone; --before SRC times another checkout's
normalise() (SRC its src/ folder, e.g. /work/main/src) in the same rounds.
--linear adds the linear-time check of bench_scaling.py
(µs/kB at 1x, 10x, 200x the reference page, gc at its defaults).
Times are CPU time (time.process_time), so that waiting for a core on the
shared machine does not count; the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
import orjson

import filmparse
from filmparse import Availability, DialogueLine, Review
from filmparse.normalise import normalise
from regex_baseline import parse as baseline_parse

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "leaving-las-vegas.txt"
HEADINGS = re.compile(
    r"^(Overview|Backdrop|Available Languages|Where to Watch|Cast|Crew|Reviews|"
    r"Famous Conversations|Oscar Awards|Media)$",
    re.MULTILINE,
)
TARGETS = {"reference": 1.6, "small": 2.5}
LENIENT_TARGET = 1.3
NAMES = ("Nicolas Cage", "Elisabeth Shue", "Julian Sands", "Richard Lewis", "Steven Weber",
         "Valeria Golino", "Mike Figgis", "Annie Stewart", "Declan Quinn")  # fmt: skip


def re_split(text: str) -> dict[str, list[str]]:
    """Sections by heading, each a list of its non-blank lines: no typing at all."""
    sections: dict[str, list[str]] = {}
    parts = HEADINGS.split(text)
    sections["header"] = [line for line in parts[0].splitlines() if line.strip()]
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[name] = [line for line in body.splitlines() if line.strip()]
    return sections


def baseline_json(text: str) -> str:
    """The hand-written parser's dict as JSON text, serialised as to_json does."""
    return orjson.dumps(baseline_parse(text), option=orjson.OPT_INDENT_2).decode("utf-8")


def _excerpt(rng: random.Random, text: str, low: int, high: int) -> str:
    """A run of whole words of `text`, about `low` to `high` characters long."""
    words = text.split(" ")
    start = rng.randrange(len(words))
    out: list[str] = []
    size = rng.randint(low, high)
    while sum(len(word) + 1 for word in out) < size:
        out.append(words[start % len(words)])
        start += 1
    return " ".join(out).strip() or "Fine."


def small_pages(count: int, seed: int) -> list[str]:
    """`count` pages of ~4 kB with every section, made of varied pieces of the reference page."""
    film = filmparse.parse(PAGE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    pages = []
    for number in range(count):
        reviews = [
            Review(
                author=review.author,
                rating=rng.choice([None, review.rating]),
                content=_excerpt(rng, review.content, 200, 700),
            )
            for review in rng.sample(film.reviews, rng.randint(1, 2))
        ]
        start = rng.randrange(len(film.dialogue) - 40)
        dialogue = [
            DialogueLine(speaker=line.speaker, text=_excerpt(rng, line.text, 20, 90))
            for line in film.dialogue[start : start + rng.randint(24, 36)]
        ]
        availability = [
            Availability(country.country_code, country.country_name,
                         rng.sample(("stream", "rent", "buy", "free", "ads"), rng.randint(0, 3)))
            for country in rng.sample(film.availability, rng.randint(4, 9))
        ]  # fmt: skip
        variant = attrs.evolve(
            film,
            title=f"{film.title} {number}",
            overview=_excerpt(rng, film.overview or "", 150, 400),
            vote_count=rng.randrange(10, 99_999),
            vote_average=round(rng.uniform(0, 10), 3),
            popularity=round(rng.uniform(0, 99), 4),
            translations=rng.sample(film.translations, rng.randint(2, 5)),
            availability=availability,
            cast=rng.sample(NAMES, rng.randint(1, 4)),
            crew=rng.sample(NAMES, rng.randint(1, 3)),
            reviews=reviews,
            dialogue=dialogue,
            awards=film.awards[: rng.randint(1, len(film.awards))],
            media=rng.sample(film.media, rng.randint(1, len(film.media))),
        )
        pages.append(filmparse.render(variant))
    return pages


def interleaved(
    cases: dict[str, Callable[[], object]], rounds: int, calls: dict[str, int]
) -> dict[str, float]:
    """Median CPU seconds per call of each case; every round runs each case
    (its `calls` calls) once, the order rotated from round to round.  CPU
    time, not wall time: on the shared machine a process waits for a core,
    and waiting is not parsing."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            fn, count = cases[name], calls[name]
            start = time.process_time()
            for _ in range(count):
                fn()
            samples[name].append((time.process_time() - start) / count)
    return {name: statistics.median(values) for name, values in samples.items()}


def _each(fn: Callable[[str], object], pages: Sequence[str]) -> Callable[[], object]:
    def run() -> None:
        for page in pages:
            fn(page)

    return run


def other_normalise(src: str) -> Callable[[str], str]:
    """normalise() of the filmparse package in the folder `src`, imported under
    another name beside this one."""
    name = "filmparse_before"
    spec = importlib.util.spec_from_file_location(
        name, Path(src) / "filmparse" / "__init__.py",
        submodule_search_locations=[str(Path(src) / "filmparse")],
    )  # fmt: skip
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    normalise: Callable[[str], str] = importlib.import_module(f"{name}.normalise").normalise
    return normalise


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def side_by_side(rounds: int, batch: int, count: int, seed: int, before: str | None) -> None:
    text = PAGE.read_text(encoding="utf-8")
    pages = small_pages(count, seed)
    for page in pages:  # the reference is only fair if it reads the same export
        assert baseline_parse(page) == filmparse.to_dict(filmparse.parse(page))
    small_kb = statistics.mean(len(page.encode()) for page in pages) / 1000
    ref_kb = len(text.encode()) / 1000
    film = filmparse.parse(text)

    def strict(page: str) -> str:
        return filmparse.to_json(filmparse.parse(page))

    def lenient(page: str) -> str:
        return filmparse.to_json(filmparse.parse(page, strict=False))

    cases: dict[str, Callable[[], object]] = {
        "reference: baseline + JSON": lambda: baseline_json(text),
        "reference: parse + to_json": lambda: strict(text),
        "reference: lenient + to_json": lambda: lenient(text),
        "reference: parse alone": lambda: filmparse.parse(text),
        "reference: to_json alone": lambda: filmparse.to_json(film),
        "reference: re split (floor)": lambda: re_split(text),
        "small: baseline + JSON": _each(baseline_json, pages),
        "small: parse + to_json": _each(strict, pages),
        "small: lenient + to_json": _each(lenient, pages),
        "reference: normalise alone": lambda: normalise(text),
        "small: normalise alone": _each(normalise, pages),
    }
    if before is not None:
        other = other_normalise(before)
        for page in [text, *pages]:
            assert other(page) == normalise(page)
        cases["reference: normalise (--before)"] = lambda: other(text)
        cases["small: normalise (--before)"] = _each(other, pages)
    calls = {name: batch if name.startswith("reference") else 1 for name in cases}
    print(_load())
    seconds = interleaved(cases, rounds, calls)
    print(_load())
    per_page = {name: s / (len(pages) if name.startswith("small") else 1)
                for name, s in seconds.items()}  # fmt: skip
    print(f"reference page {ref_kb:.1f} kB; {len(pages)} generated pages, mean {small_kb:.1f} kB "
          f"(seed {seed}); medians of {rounds} interleaved rounds")  # fmt: skip
    print(f"{'case':32} {'us/page':>9} {'pages/s':>9} {'x baseline':>11}")
    for name, value in per_page.items():
        base = per_page[name.split(":")[0] + ": baseline + JSON"]
        print(f"{name:32} {value * 1e6:9.1f} {1 / value:9.0f} {value / base:11.2f}")
    print()
    print(f"{'target':52} {'now':>7} {'target':>7}  met")
    for kind, target in TARGETS.items():
        ratio = per_page[f"{kind}: parse + to_json"] / per_page[f"{kind}: baseline + JSON"]
        print(f"{kind + ' page: parse + to_json / baseline + JSON':52} {ratio:6.2f}x "
              f"{target:6.1f}x  {'yes' if ratio <= target else 'no'}")  # fmt: skip
        ratio = per_page[f"{kind}: lenient + to_json"] / per_page[f"{kind}: parse + to_json"]
        print(f"{kind + ' page: lenient / strict':52} {ratio:6.2f}x "
              f"{LENIENT_TARGET:6.1f}x  {'yes' if ratio <= LENIENT_TARGET else 'no'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=20, help="reference-page calls per round")
    parser.add_argument("--pages", type=int, default=60, help="generated pages (one round each)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--linear", action="store_true", help="also the 1x/10x/200x check")
    parser.add_argument("--before", metavar="SRC", help="also time normalise() of SRC/filmparse")
    args = parser.parse_args()
    side_by_side(args.rounds, args.batch, args.pages, args.seed, args.before)
    if args.linear:
        from bench_scaling import linearity

        print()
        linearity(max(3, args.rounds // 3))


if __name__ == "__main__":
    main()
