"""The page rule: an optional section that is one regex is read by
`<rule>_or_none` (its regex, or nothing) where `<rule>?` made two nodes; the
page must read as with `<rule>?`: the same Film, spans, labels, and the
same grammar failure (position and rule) on a page strict mode refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parsimonious.exceptions import ParseError
from parsimonious.grammar import Grammar

import filmparse
from conftest import FIXTURES
from filmparse import Film, render
from filmparse.grammar import _compiled, assemble, film_grammar, grammar_parts
from filmparse.normalise import normalise
from filmparse.sections import FilmVisitor, page_rules
from strategies import corrupted_pages, films

_REFERENCE = (FIXTURES / "valid" / "leaving-las-vegas.txt").read_text(encoding="utf-8")


def _unfolded() -> Grammar:
    """The grammar with every optional section written `<rule>?`."""
    parts = grammar_parts()
    assert parts[1][0] == "src/filmparse/sections/__init__.py"
    return _compiled(assemble([parts[0], (parts[1][0], page_rules()), *parts[2:]]))


UNFOLDED = _unfolded()


def test_the_one_regex_sections_are_folded_and_the_others_are_not() -> None:
    rule = str(film_grammar()["film_page"])
    for folded in ("overview", "backdrop", "where_to_watch", "cast", "crew", "dialogue"):
        assert f"{folded}_or_none" in rule
    assert "languages?" in rule and "reviews?" in rule  # alternations: written as before
    assert "_or_none" not in str(UNFOLDED["film_page"])


def _reading(grammar: Grammar, page: str, track: bool) -> object:
    clean = normalise(page, [])
    try:
        tree = grammar["film_page"].parse(clean)
    except ParseError as exc:
        return "refused", exc.pos, exc.expr.name if exc.expr is not None else None
    visitor = FilmVisitor(clean, strict=True, track=track)
    try:
        film = visitor.visit(tree)
    except filmparse.FilmParseError as exc:
        return "error", exc.line, exc.column, exc.code, exc.message
    return film, filmparse.to_json(film), visitor.spans, visitor.labels


def _same(page: str) -> None:
    for track in (False, True):
        assert _reading(film_grammar(), page, track) == _reading(UNFOLDED, page, track)


@pytest.mark.parametrize("path", sorted((FIXTURES / "valid").glob("*.txt")), ids=lambda p: p.stem)
def test_a_valid_page_reads_as_with_optional_sections(path: Path) -> None:
    _same(path.read_text(encoding="utf-8"))


def test_a_page_without_its_optional_sections_reads_as_before() -> None:
    film = filmparse.parse(_REFERENCE)
    empty = render(Film(title=film.title, budget=film.budget))
    _same(empty)
    assert filmparse.parse(empty).budget == film.budget


@settings(max_examples=60, deadline=None)
@given(page=corrupted_pages(_REFERENCE))
def test_a_corrupted_page_reads_or_fails_as_with_optional_sections(page: str) -> None:
    _same(page)


@settings(max_examples=40, deadline=None)
@given(film=films(), drop=st.sets(st.integers(0, 12)))
def test_a_generated_page_with_headings_dropped_reads_as_before(film: Film, drop: set[int]) -> None:
    page = render(film)
    lines = page.split("\n")
    headings = [i for i, line in enumerate(lines) if line in filmparse.sections.HEADINGS]
    for index in sorted((headings[i] for i in drop if i < len(headings)), reverse=True):
        del lines[index]  # a heading gone: its lines read as the section above, or fail
    _same("\n".join(lines))
