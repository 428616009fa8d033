"""The benchmarks' hand-written `re` parser reads well-formed pages as filmparse does.

benchmarks/regex_baseline.py is the reference of issue 14's speed targets
("why not a few regexes?"); a ratio against it only means something if it
produces the same export.  Checked: same dict, same key order, same JSON
bytes as `to_json`, on the fixture pages and on rendered generated films,
also with the line endings and trailing spaces it claims to tolerate.
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import filmparse
from conftest import FIXTURES, ROOT
from filmparse import Film
from strategies import films

sys.path.insert(0, str(ROOT / "benchmarks"))
import regex_baseline  # (benchmarks/ is no package)

VALID = sorted((FIXTURES / "valid").glob("*.txt"))


def _same_export(text: str, expected: Film) -> None:
    data = regex_baseline.parse(text)
    wanted = filmparse.to_dict(expected)
    assert data == wanted
    assert list(data) == list(wanted)
    assert orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() == filmparse.to_json(expected)


@pytest.mark.parametrize("page", VALID, ids=[p.stem for p in VALID])
def test_fixture_pages_read_alike(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    _same_export(text, filmparse.parse(text))


def test_reference_page_has_every_section(reference_text: str) -> None:
    data = regex_baseline.parse(reference_text)
    lists = ("translations", "availability", "reviews", "dialogue", "awards", "media")
    assert all(data[key] for key in lists)
    assert data["translations"][4] == {"language": "Русский", "language_code": "ru",
                                       "country_code": "RU", "title": "Покидая Лас-Вегас",
                                       "tagline": None}  # fmt: skip
    assert data["genres"] == ["Drama", "Romance"]  # the line's non-breaking spaces stripped


@given(films())
def test_generated_pages_read_alike(film: Film) -> None:
    page = filmparse.render(film)
    _same_export(page, filmparse.parse(page))


# A narrow variation of the test above: fewer examples keep CI's time down.
@settings(max_examples=60)
@given(films(), st.sampled_from(["\r\n", "\r", " \n", "\t\n", "  \t \r\n"]))
def test_line_endings_and_trailing_spaces_read_alike(film: Film, ending: str) -> None:
    page = filmparse.render(film).replace("\n", ending)
    _same_export(page, filmparse.parse(page))
