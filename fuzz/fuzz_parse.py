#!/usr/bin/env python3
"""Coverage-guided fuzz target (atheris / libFuzzer) for filmparse.

For every input (raw page bytes) it checks the three promises of the API:

1. strict: ``parse_bytes(data)`` returns a Film or raises FilmParseError;
   no other exception may escape;
2. lenient: ``parse_bytes(data, strict=False)`` never raises, and
   ``to_dict(film)`` validates against the JSON Schema;
3. lenient accounting: for ``t = decode(data, [])``, every non-blank line of
   ``normalise(t, [])`` is covered by a value span of the source map, by a
   label span, or by a diagnostic of ``parse_with_source_map(t, strict=False)``.

A broken promise raises AssertionError with a message saying which, so
libFuzzer records the input as a crash.

Run it from the repository root (the venv has atheris and filmparse installed;
``fuzz/corpus`` is the committed seed corpus, ``fuzz/make_corpus.py`` rebuilds it).
Fuzz into a scratch copy so the committed corpus does not grow::

    mkdir -p /tmp/fuzz-corpus /tmp/fuzz-artifacts && cp fuzz/corpus/* /tmp/fuzz-corpus/
    .venv/bin/python fuzz/fuzz_parse.py -dict=fuzz/film.dict -max_total_time=600 \\
        -rss_limit_mb=4096 -timeout=60 -artifact_prefix=/tmp/fuzz-artifacts/ /tmp/fuzz-corpus

(``-max_len=8192`` roughly doubles exec/s; the reference page is 29 kB.)

Replay inputs (crash files, corpus files) without fuzzing::

    .venv/bin/python fuzz/fuzz_parse.py fuzz/findings/NAME ...

``fuzz/findings/README.md`` lists what fuzzing has found so far.

Minimise a crash (libFuzzer re-runs the script itself, so the venv's python
must come first on PATH for the shebang)::

    PATH=$PWD/.venv/bin:$PATH fuzz/fuzz_parse.py -minimize_crash=1 -runs=10000 \\
        -exact_artifact_path=/tmp/min CRASH_FILE
"""

from __future__ import annotations

import importlib
import math
import sys
import traceback
from collections.abc import Iterator
from typing import Any

import atheris  # type: ignore[import-untyped]

#: What the target runs, imported under instrumentation (coverage guides the fuzzer).
INSTRUMENTED = ("filmparse.parser", "filmparse.sections", "filmparse.export",
                "filmparse._render", "filmparse.source_map", "filmparse.codes", "ftfy")  # fmt: skip

with atheris.instrument_imports(include=["filmparse", "parsimonious", "ftfy"]):
    import filmparse
    from filmparse import FilmParseError
    from filmparse.normalise import decode, normalise
    from filmparse.schema import is_valid, schema_errors

    # filmparse imports its modules on first use: load them here, or the
    # parser would be imported uninstrumented and the fuzzer would run blind.
    for _module in INSTRUMENTED:
        importlib.import_module(_module)

# How many uncovered lines / schema errors a failure message quotes.
_SHOWN = 5
# How many innermost frames of an unexpected exception a failure message quotes
# (atheris prints the AssertionError's own traceback, not the one it wraps).
_FRAMES = 6


def _describe(exc: BaseException) -> str:
    frames = "".join(traceback.format_tb(exc.__traceback__)[-_FRAMES:])
    return f"{type(exc).__name__}: {exc}\n-- raised at (innermost {_FRAMES} frames):\n{frames}"


def check_strict(data: bytes) -> None:
    """Strict mode: a Film or FilmParseError, nothing else."""
    try:
        filmparse.parse_bytes(data)
    except FilmParseError:
        pass
    except Exception as exc:
        raise AssertionError(
            f"strict parse_bytes raised {_describe(exc)} (only FilmParseError is allowed)"
        ) from exc


def check_lenient(data: bytes) -> None:
    """Lenient mode: never raises; its export satisfies the JSON Schema."""
    try:
        film = filmparse.parse_bytes(data, strict=False)
    except Exception as exc:
        raise AssertionError(f"lenient parse_bytes raised {_describe(exc)}") from exc
    try:
        exported = filmparse.to_dict(film)
        valid = is_valid(exported)
    except Exception as exc:
        raise AssertionError(
            f"to_dict or is_valid of a lenient Film raised {_describe(exc)}"
        ) from exc
    if not valid:
        errors = list(schema_errors(exported))
        shown = "; ".join(f"{path}: {message}" for path, message in errors[:_SHOWN])
        if not errors:  # the two validators disagree: say what is unusual in the export
            shown = "the reference validator finds no error; unusual values: " + ", ".join(
                f"{path} = {value!r}" for path, value in _unusual(exported)
            )
        raise AssertionError(
            f"lenient export breaks the JSON Schema ({len(errors)} error(s)): {shown}"
        )


def _unusual(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Values JSON cannot carry faithfully: non-finite floats, integers past 64 bits."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _unusual(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unusual(item, f"{path}[{index}]")
    else:
        non_finite = isinstance(value, float) and not math.isfinite(value)
        huge = isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63
        if non_finite or huge:
            yield path, value


def check_accounting(data: bytes) -> None:
    """Lenient mode: every non-blank normalised line is a value, a label or a diagnostic."""
    try:
        text = decode(data, [])
        film, source_map = filmparse.parse_with_source_map(text, strict=False)
        clean = normalise(text, [])
    except Exception as exc:
        raise AssertionError(
            f"lenient decode/parse_with_source_map/normalise raised {_describe(exc)}"
        ) from exc
    covered = source_map.covered_lines(film.diagnostics)
    missing = [
        (number, line)
        for number, line in enumerate(clean.split("\n"), 1)
        if line.strip() and number not in covered
    ]
    if missing:
        shown = ", ".join(f"{number}: {line[:60]!r}" for number, line in missing[:_SHOWN])
        raise AssertionError(
            f"lenient parse left {len(missing)} non-blank line(s) unaccounted for "
            f"(no value span, label or diagnostic): {shown}"
        )


def TestOneInput(data: bytes) -> None:  # the name atheris expects
    check_strict(data)
    check_lenient(data)
    check_accounting(data)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
