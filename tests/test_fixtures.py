"""Folder-driven tests: every fixtures/valid pair, fixtures/invalid pair and
fixtures/lenient triple (page, golden lenient export, expected diagnostics)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import filmparse
from conftest import FIXTURES
from filmparse.schema import schema_errors

VALID = sorted((FIXTURES / "valid").glob("*.txt"))
INVALID = sorted((FIXTURES / "invalid").glob("*.txt"))
LENIENT = sorted((FIXTURES / "lenient").glob("*.txt"))


def _ids(paths: list[Path]) -> list[str]:
    return [path.stem for path in paths]


def test_fixture_folders_are_not_empty() -> None:
    assert VALID and len(INVALID) >= 6 and LENIENT


@pytest.mark.parametrize("page", LENIENT, ids=_ids(LENIENT))
def test_lenient_page_matches_golden_json_and_diagnostics(page: Path) -> None:
    golden = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    expected = page.with_suffix(".diagnostics").read_text(encoding="utf-8").splitlines()
    film = filmparse.parse_file(page, strict=False)
    exported = filmparse.to_dict(film)
    assert exported == golden
    assert list(schema_errors(exported)) == []
    assert [str(found) for found in film.diagnostics] == expected
    with pytest.raises(filmparse.FilmParseError):  # each of those is an error in strict mode
        filmparse.parse_file(page)


@pytest.mark.parametrize("page", VALID, ids=_ids(VALID))
def test_valid_page_matches_golden_json(page: Path) -> None:
    golden = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    exported = filmparse.to_dict(filmparse.parse_file(page))
    assert exported == golden
    assert list(schema_errors(exported)) == []


@pytest.mark.parametrize("page", INVALID, ids=_ids(INVALID))
def test_invalid_page_raises_expected_error(page: Path) -> None:
    expected = dict(
        line.split(": ", 1)
        for line in page.with_suffix(".err").read_text(encoding="utf-8").splitlines()
    )
    with pytest.raises(filmparse.FilmParseError) as caught:
        filmparse.parse_file(page)
    error = caught.value
    assert (error.line, error.column) == (int(expected["line"]), int(expected["column"]))
    assert error.section == expected["section"]
    assert expected["message"] in str(error)
    assert error.path == str(page)
    # The message quotes the line and puts a caret under the column.
    quoted, caret = str(error).splitlines()[-2:]
    assert caret.strip() == "^"
    assert caret.index("^") - 4 == error.column - 1 or len(quoted) > 124
