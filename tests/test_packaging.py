"""A non-editable install must carry the grammar and the schema inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REFERENCE, ROOT
from filmparse.grammar import grammar_text


def test_wheel_ships_grammar_and_schema(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("filmparse-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "filmparse/grammars/film_page.ppeg" in names
    assert "filmparse/film.schema.json" in names
    assert "filmparse/py.typed" in names
    shipped = zipfile.ZipFile(wheel).read("filmparse/grammars/film_page.ppeg").decode("utf-8")
    assert shipped == (ROOT / "grammars" / "film_page.ppeg").read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_installed_wheel_assembles_its_grammar_from_its_own_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path),
         str(ROOT)],
        check=True,
        timeout=300,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("filmparse-*.whl")
    grammars = sorted(
        name for name in zipfile.ZipFile(wheel).namelist() if name.startswith("filmparse/grammars")
    )
    files = ROOT.glob("grammars/**/*.ppeg")
    repo = sorted(f"filmparse/{path.relative_to(ROOT).as_posix()}" for path in files)
    assert grammars == repo
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import filmparse, filmparse.grammar as g, sys;"
        "assert filmparse.__file__.startswith(sys.argv[1]), filmparse.__file__;"
        "print(g.grammar_text(), end='');"
        "assert filmparse.parse(open(sys.argv[2]).read()).title == 'Leaving Las Vegas'"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(site), str(REFERENCE)],
        capture_output=True, text=True, check=True, timeout=120, cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": ""},
    )  # fmt: skip
    assert run.stdout == grammar_text()
