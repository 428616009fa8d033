"""Lenient mode reads a page the strict page rule reads whole with that rule (issue 14).

lenient_page is ``film_page / lenient_sections``: a page the strict page
rule matches is visited as that tree (its values still refused into
diagnostics), any other section by section.  What parse(strict=False)
returns must be what the lenient rules alone give: the same Film, the same
diagnostics, the same source map.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import filmparse
import filmparse.parser as parser_module
from conftest import FIXTURES, REFERENCE, ROOT
from filmparse.diagnostics import Diagnostic
from filmparse.normalise import decode, normalise
from filmparse.sections._page import PageVisitor
from modes_pages import edited_pages
from strategies import corrupted_pages

REFERENCE_TEXT = REFERENCE.read_text(encoding="utf-8")
PAGES = sorted(FIXTURES.rglob("*.txt")) + sorted((ROOT / "fuzz" / "corpus").iterdir())


def _both(text: str, *, track: bool, require: bool) -> None:
    """parse(strict=False) against the lenient rules alone, on one text."""
    film, visitor = parser_module._parse(text, strict=False, track=track, require=require)
    rules: list[Diagnostic] = []
    clean = normalise(text, rules)
    alone, read = parser_module._read_lenient(
        clean, track=track, require=require, found=rules, rule="lenient_sections"
    )
    assert film == alone
    assert film.diagnostics == alone.diagnostics
    assert filmparse.to_json(film) == filmparse.to_json(alone)
    assert visitor.text == read.text
    if track:
        assert visitor.spans == read.spans
        assert visitor.labels == read.labels


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("track", [False, True])
@pytest.mark.parametrize("require", [False, True])
def test_lenient_mode_reads_like_the_lenient_rules(page: Path, track: bool, require: bool) -> None:
    _both(decode(page.read_bytes(), []), track=track, require=require)


@given(edited_pages() | corrupted_pages(REFERENCE_TEXT), st.booleans(), st.booleans())
def test_lenient_mode_reads_edited_pages_like_the_lenient_rules(
    text: str, track: bool, require: bool
) -> None:
    _both(text, track=track, require=require)


def _refuse_lenient_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the lenient rules read a page the strict page rule reads")

    monkeypatch.setattr(PageVisitor, "visit_lenient_sections", refuse)


def test_a_well_formed_page_is_read_by_the_strict_rules_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    strict = filmparse.parse(REFERENCE_TEXT)
    _refuse_lenient_rules(monkeypatch)
    assert filmparse.parse(REFERENCE_TEXT, strict=False) == strict
    assert filmparse.parse_bytes(REFERENCE.read_bytes(), strict=False).diagnostics == ()
    film, where = filmparse.parse_with_source_map(REFERENCE_TEXT, strict=False)
    assert film == strict
    assert where == filmparse.parse_with_source_map(REFERENCE_TEXT)[1]


def test_a_repaired_page_keeps_the_diagnostics_of_its_repairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A NUL byte and a page read as Windows-1252: strict mode refuses both, but
    # once repaired the page is well-formed, so the strict rules read it.
    text = REFERENCE_TEXT.replace("Overview\n", "Over\x00view\n", 1)
    data = "Caf\u00e9 Society\n\nOverview\n\nA caf\u00e9.\n".encode("cp1252")
    expected = [parser_module._lenient_rules(text, False)[0].diagnostics]
    found: list[Diagnostic] = []
    expected.append(parser_module._read_lenient(
        normalise(decode(data, found), found), track=False, require=False, found=found,
        rule="lenient_sections",
    )[0].diagnostics)  # fmt: skip
    _refuse_lenient_rules(monkeypatch)
    assert [d.code for d in expected[0]] == ["FP003"]
    assert filmparse.parse(text, strict=False).diagnostics == expected[0]
    assert [d.code for d in expected[1]] == ["FP001"]
    assert filmparse.parse_bytes(data, strict=False).diagnostics == expected[1]


def test_a_page_the_strict_rules_refuse_is_read_by_the_lenient_rules() -> None:
    page = (FIXTURES / "lenient" / "drifted.txt").read_text(encoding="utf-8")
    film = filmparse.parse(page, strict=False)
    assert [d.code for d in film.diagnostics] == ["FP201", "FP301", "FP101", "FP204"]
    assert film.diagnostics == parser_module._lenient_rules(page, False)[0].diagnostics
