"""Every input fuzzing has found, and the seed corpus, replayed through the
fuzz target's own checks (fuzz/fuzz_parse.py): strict raises only
FilmParseError, lenient never raises and exports schema-valid JSON, and every
non-blank line is accounted for."""

from __future__ import annotations

import importlib.util
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
