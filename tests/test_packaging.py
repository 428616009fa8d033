"""A non-editable install must carry the grammar and the schema inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


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
