"""Every input fuzzing has found, and the seed corpus, replayed through the
fuzz target's own checks (fuzz/fuzz_parse.py): strict raises only
FilmParseError, lenient never raises and exports schema-valid JSON, and every
non-blank line is accounted for."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT

FUZZ = ROOT / "fuzz"
INPUTS = sorted(
    path
    for folder in (FUZZ / "findings", FUZZ / "corpus")
    for path in folder.iterdir()
    if path.is_file() and path.name != "README.md"
)


def _target() -> Callable[[bytes], None]:
    spec = importlib.util.spec_from_file_location("fuzz_parse", FUZZ / "fuzz_parse.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    check: Callable[[bytes], None] = module.TestOneInput
    return check


CHECK = _target()


def test_there_are_findings_and_seeds() -> None:
    assert any(path.parent.name == "findings" for path in INPUTS)
    assert sum(path.parent.name == "corpus" for path in INPUTS) >= 20


@pytest.mark.parametrize("path", INPUTS, ids=[f"{p.parent.name}/{p.name}" for p in INPUTS])
def test_fuzz_input_keeps_every_promise(path: Path) -> None:
    CHECK(path.read_bytes())


def test_the_fuzz_target_runs_the_parser_instrumented(tmp_path: Path) -> None:
    # filmparse imports its modules on first use; imported after the fuzz
    # target's instrument_imports block, the parser ran uninstrumented and the
    # fuzzer was blind (cov ~190 on the seed corpus instead of ~1,000).
    seeds = tmp_path / "corpus"
    seeds.mkdir()
    for path in INPUTS[:8]:
        (seeds / path.name).write_bytes(path.read_bytes())
    command = [sys.executable, str(FUZZ / "fuzz_parse.py"), "-runs=0", str(seeds)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    found = re.search(r"INITED cov: (\d+)", result.stderr)
    assert found is not None, result.stderr[-1000:]
    assert int(found[1]) >= 500, result.stderr[-1000:]
