"""The page rule: film_page is one regex, each section the regex that reads
it whole (an optional one possessive, as PEG's `x?`), where a sequence of
rules, `x?` and alternations made 29 nodes; a page it refuses is read again
by film_page_for_errors (each section by its rule), for the error.  Both
must read as the sequence of `<rule>?` did: the same pages, Film, spans and
labels, and the same grammar failure (position and rule) on a page strict
mode refuses."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parsimonious.exceptions import ParseError
from parsimonious.expressions import Regex
from parsimonious.grammar import Grammar
from parsimonious.nodes import Node

import filmparse
from conftest import FIXTURES
from filmparse import Film, render
from filmparse.grammar import _compiled, assemble, film_grammar, grammar_parts
from filmparse.normalise import normalise
from filmparse.sections import HEADINGS, SECTIONS, FilmVisitor, page_rules
from strategies import corrupted_pages, films

_REFERENCE = (FIXTURES / "valid" / "leaving-las-vegas.txt").read_text(encoding="utf-8")


def _unfolded() -> Grammar:
    """The grammar with every section read by its rule, `<rule>?` if optional."""
    parts = grammar_parts()
    assert parts[1][0] == "src/filmparse/sections/__init__.py"
    return _compiled(assemble([parts[0], (parts[1][0], page_rules()), *parts[2:]]))


UNFOLDED = _unfolded()


def test_the_page_is_one_regex_of_the_sections_and_for_errors_their_rules() -> None:
    page = film_grammar()["film_page"]
    assert isinstance(page, Regex)  # each section a group, of its whole rule's name
    assert list(page.re.groupindex) == [section.whole for section in SECTIONS]
    assert str(film_grammar()["film_page_for_errors"]).endswith(
        str(UNFOLDED["film_page"]).partition(" = ")[2]
    )
    assert not isinstance(UNFOLDED["film_page"], Regex)


def _tree(grammar: Grammar, clean: str) -> Node | str | tuple[str, int, str | None]:
    """The tree parser.py reads (film_page, and if it fails film_page_for_errors),
    or the failure: the position and the rule."""
    try:
        return grammar["film_page"].parse(clean)
    except ParseError:
        pass
    try:
        grammar["film_page_for_errors"].parse(clean)
    except ParseError as exc:
        return "refused", exc.pos, exc.expr.name if exc.expr is not None else None
    return "read by film_page_for_errors alone"  # never: the two read the same pages


def _reading(grammar: Grammar, page: str, track: bool) -> object:
    clean = normalise(page, [])
    tree = _tree(grammar, clean)
    if not isinstance(tree, Node):
        return tree
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
    headings = [i for i, line in enumerate(lines) if line in HEADINGS]
    for index in sorted((headings[i] for i in drop if i < len(headings)), reverse=True):
        del lines[index]  # a heading gone: its lines read as the section above, or fail
    _same("\n".join(lines))


def test_the_page_regex_keeps_no_state_for_each_entry_it_reads() -> None:
    # In one regex, a repetition that may give back what it read (`(?:x)*`, even
    # inside an atomic group) has re save the groups set before it (the
    # sections above) at each entry: 6.7 MB for the 20,000 dialogue lines of
    # 20x the reference page, read at a fifth of the speed.  A possessive one
    # (`*+`) keeps nothing (the blocks are atomic as terminals all the same).
    film = filmparse.parse(_REFERENCE)
    many = attrs.evolve(
        film, cast=film.cast * 400, crew=film.crew * 400, reviews=film.reviews * 200,
        dialogue=film.dialogue * 20, translations=film.translations * 100,
        availability=film.availability * 20, media=film.media * 100,
        awards=sorted(film.awards * 100, key=lambda award: award.outcome != "won"),
        overview="\n".join([film.overview or ""] * 300),
    )  # fmt: skip
    page = normalise(render(many), [])
    regex = film_grammar()["film_page"]
    assert isinstance(regex, Regex)
    tracemalloc.start()
    try:
        read = regex.re.match(page)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read is not None and read.end() == len(page)
    assert peak < 64_000, f"{peak} bytes for a page of {len(page)} characters"
