"""The grammar assembled from grammars/ and the section list (filmparse.sections)."""

from __future__ import annotations

import re

import pytest
from parsimonious.grammar import Grammar

import filmparse
from conftest import ROOT
from filmparse.grammar import (
    GrammarError,
    assemble,
    film_grammar,
    grammar_parts,
    grammar_text,
    inlined,
)
from filmparse.sections import HEADINGS, SECTIONS, FilmVisitor


def test_a_rule_defined_twice_is_refused_naming_the_rule_and_both_files() -> None:
    parts = grammar_parts()
    twice = ("grammars/sections/extra.ppeg", '# again\nreview_rating = ~r"x"\n')
    with pytest.raises(GrammarError) as caught:
        assemble([*parts, twice])
    message = str(caught.value)
    assert "'review_rating'" in message
    assert "grammars/sections/reviews.ppeg" in message
    assert "grammars/sections/extra.ppeg" in message
    assert isinstance(caught.value, filmparse.Error)


def test_a_rule_derived_from_a_section_and_written_in_a_file_is_refused() -> None:
    parts = [*grammar_parts(), ("grammars/sections/mine.ppeg", 'reviews_heading = "Reviews"\n')]
    with pytest.raises(GrammarError, match=r"'reviews_heading'.*sections/reviews\.py.*mine\.ppeg"):
        assemble(parts)


def test_the_assembled_text_is_the_grammar_with_every_file_and_its_comments() -> None:
    text = grammar_text()
    assert set(Grammar(text).keys()) == set(film_grammar().keys())
    # (each `(?&rule)` of a file replaced by the rule's regex: see grammar.inlined)
    at = [text.index(inlined(path_text, text)) for path_text in _file_texts()]
    assert at == sorted(at)  # each file whole, in page order
    assert text.startswith("# ==== grammars/film_page.ppeg ====\n# Grammar of one scraped")
    assert film_grammar().default_rule is film_grammar()["film_page"]


def _file_texts() -> list[str]:
    files = [ROOT / "grammars" / "film_page.ppeg"]
    homes = dict.fromkeys(section.home for section in SECTIONS)
    files += [ROOT / "grammars" / "sections" / f"{home}.ppeg" for home in homes]
    return [path.read_text(encoding="utf-8").rstrip() for path in files]


def test_every_section_module_has_its_grammar_file_and_no_file_is_left_over() -> None:
    homes = {section.home for section in SECTIONS}
    files = {path.stem for path in (ROOT / "grammars" / "sections").glob("*.ppeg")}
    modules = {path.stem for path in (ROOT / "src" / "filmparse" / "sections").glob("[!_]*.py")}
    assert homes == files == modules


def test_headings_are_the_sections_in_page_order() -> None:
    assert tuple(s.heading for s in SECTIONS if s.heading is not None) == HEADINGS
    heading = film_grammar()["heading"]
    for line in HEADINGS:
        assert heading.match(line + "\n") is not None
        assert film_grammar()[_heading_rule(line)].match(line + "\n\n") is not None


def _heading_rule(line: str) -> str:
    return next(s.heading_rule for s in SECTIONS if s.heading == line)


def test_no_heading_prefix_or_label_is_written_twice_in_the_source() -> None:
    # The source of truth of each is one string literal in src/; the grammar
    # files reference the rules written from them instead of retyping them.
    texts = [s.heading for s in SECTIONS if s.heading is not None]
    texts += [line.prefix.rstrip(":") for s in SECTIONS for line in s.lines]
    texts += [label.text for s in SECTIONS for label in s.labels]
    python = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    rules = "\n".join(
        line
        for p in (ROOT / "grammars").rglob("*.ppeg")
        for line in p.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    )
    for text in texts:
        assert python.count(f'"{text}"') == 1, text
        assert re.search(rf"\b{re.escape(text)}\b", rules) is None, text


def test_every_rule_with_a_visit_method_is_a_rule_of_the_grammar() -> None:
    rules = set(film_grammar().keys())
    names = dir(FilmVisitor)
    methods = {name.removeprefix("visit_") for name in names if name.startswith("visit_")}
    assert methods <= rules
