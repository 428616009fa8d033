"""The command line, run as a user would run it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import filmparse
from conftest import FIXTURES, REFERENCE
from filmparse.grammar import grammar_text


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "filmparse", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=cwd, timeout=120,
    )  # fmt: skip


def test_convert_prints_json() -> None:
    result = run("convert", str(REFERENCE))
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    # The CLI adds where the page came from, as the last key; the rest is the golden export.
    assert list(printed)[-1] == "source"
    assert printed.pop("source") == {
        "path": str(REFERENCE),
        "sha256": hashlib.sha256(REFERENCE.read_bytes()).hexdigest(),
    }
    assert printed == json.loads(REFERENCE.with_suffix(".json").read_text(encoding="utf-8"))


def test_convert_to_directory(tmp_path: Path) -> None:
    second = tmp_path / "heat.txt"
    second.write_text("Heat\n\nRuntime 170 minutes\n", encoding="utf-8")
    result = run("convert", str(REFERENCE), str(second), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "heat.json",
        "leaving-las-vegas.json",
    ]
    heat = json.loads((tmp_path / "out" / "heat.json").read_text(encoding="utf-8"))
    assert heat["runtime_minutes"] == 170 and heat["title"] == "Heat"


def test_bad_page_reports_file_line_column_and_exits_1(tmp_path: Path) -> None:
    bad = FIXTURES / "invalid" / "impossible-date.txt"
    result = run("convert", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert f"{bad}:5:14: [header] impossible date '1995-02-30'" in first
    assert "Traceback" not in result.stderr


def test_missing_file_is_reported_not_raised(tmp_path: Path) -> None:
    # Given on the command line: a usage error before any work (issue 11).
    result = run("convert", str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert "nope.txt: no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_command_prints_the_schema() -> None:
    result = run("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == filmparse.json_schema()


def test_grammar_command_prints_the_grammar() -> None:
    result = run("grammar")
    assert result.returncode == 0, result.stderr
    assert result.stdout == grammar_text()
    assert "film_page" in result.stdout


def test_render_writes_the_page_back(tmp_path: Path) -> None:
    export = tmp_path / "llv.json"
    export.write_text(run("convert", str(REFERENCE)).stdout, encoding="utf-8")
    result = run("render", str(export))
    assert result.returncode == 0, result.stderr
    assert filmparse.parse(result.stdout) == filmparse.parse_file(REFERENCE)


def test_validate_reports_every_problem_with_its_path(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(run("convert", str(REFERENCE)).stdout, encoding="utf-8")
    data = json.loads(good.read_text(encoding="utf-8"))
    data["reviews"][2]["rating"] = 11
    data["media"][0]["kind"] = "Clip"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(data) + "\n" + good.read_text(encoding="utf-8").replace("\n", "") + "\n"
    )
    result = run("validate", str(good), str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bad}:1: $.media[0].kind: expected one lower-case word, got 'Clip'",
        f"{bad}:1: $.reviews[2].rating: expected a number from 0 to 10, or null, got 11",
    ]
    assert "3 checked, 2 valid, 1 invalid" in result.stderr
    assert run("validate", str(good)).returncode == 0


def test_render_refuses_an_invalid_export(tmp_path: Path) -> None:
    export = tmp_path / "bad.json"
    export.write_text('{"schema_version": 1, "title": ""}', encoding="utf-8")
    result = run("render", str(export))
    assert result.returncode == 1
    assert "$.title: expected one non-empty line of text" in result.stderr
    assert "Traceback" not in result.stderr
