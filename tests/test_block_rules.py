"""Block rules: one regex for a section's entries must read what the PEG
entry rules read, entry by entry (grammars/sections/*.ppeg, grammar.inlined).

Each block is checked against parsimonious itself running the entry rule
repeated (or the line rules in turn), on generated lines that mix entries,
near-misses and headings; and the visitor's read-back (finditer with the
entry's regex, or the line rules in turn) must give the same entries.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from parsimonious.expressions import Expression, Optional, ZeroOrMore
from parsimonious.expressions import Sequence as AllOf

import filmparse
from filmparse.grammar import GrammarError, film_grammar, inlined, rule_regex
from filmparse.normalise import normalise
from filmparse.sections import HEADINGS, FilmVisitor

PIECES = [
    *HEADINGS, "  Reviews", "Ann", "7.0/10", "/10", "x/10", "Great film.", " ", "\t", "Clip",
    "CAST", "x\u00b2", "Trailer: one", "Deutsch DE", "Title: Heat", "Title:", "Title", '""',
    '"Tag"', '"', "Best Picture - 1995 Someone", "Best - 99 X", "A - 1995 B - 1996 C",
    "Release Date 1995-10-27", "Runtime 111 minutes", "Genres Drama,", "Status Released",
    "Status", "Watch", "Budget $1", "Revenue", "Vote Average 7/10", "Vote Count 3",
    "Popularity 1.5", "Original Language en", "Budgeted", "",
]
TEXTS = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text("aB :/-.\"'19", max_size=12)), max_size=12
).map(lambda lines: "\n".join(lines) + "\n")

# block rule -> the entry rule it repeats, and the regex the visitor reads it back with
BLOCKS = {
    "reviews_block": ("review", "review_entry"),
    "media_block": ("media_item", "media_entry"),
    "translations_block": ("translation", "translation_entry"),
    "cast_lines": ("cast_line", "cast_line"),
    "crew_lines": ("crew_line", "crew_line"),
    "award_lines": ("award_line", "award_line"),
    "overview_lines": ("overview_line", "overview_line"),
}


def _peg_end(expression: Expression, text: str) -> int:
    node = expression.match(text)
    return node.end


@pytest.mark.parametrize("block", list(BLOCKS))
@given(text=TEXTS)
def test_a_block_reads_what_its_entry_rule_repeated_reads(block: str, text: str) -> None:
    entry, regex = BLOCKS[block]
    read = rule_regex(block).match(text)
    assert read is not None
    assert read.end() == _peg_end(ZeroOrMore(film_grammar()[entry]), text)
    # Read back entry by entry: the entries tile the block.
    pos = 0
    for match in rule_regex(regex).finditer(text, 0, read.end()):
        assert match.start() == pos
        pos = match.end()
    assert pos == read.end()


def _in_turn(*rules: str) -> Expression:
    grammar = film_grammar()
    return AllOf(*(Optional(grammar[rule]) for rule in rules))


@given(text=TEXTS)
def test_the_header_block_reads_what_the_header_lines_read(text: str) -> None:
    block = rule_regex("header_block").match(text)
    node = film_grammar()["header_lines"]
    try:
        end = node.match(text).end
    except filmparse.Error:
        raise
    except Exception:  # parsimonious' ParseError: no title
        assert block is None
        return
    assert block is not None and block.end() == end


@given(text=TEXTS)
def test_the_facts_block_reads_what_the_fact_lines_in_turn_read(text: str) -> None:
    rules = ("budget", "revenue", "vote_average", "vote_count", "popularity", "original_language")
    block = rule_regex("facts").match(text)
    assert block is not None
    assert block.end() == _peg_end(_in_turn(*rules), text)


def test_an_inlined_rule_is_its_regex_as_an_atomic_group() -> None:
    grammar = 'a = ~r"x+"\nb = ~r"(?&a)x"\n# (?&a) in a comment stays\n'
    text = inlined(grammar)
    assert 'b = ~r"(?>x+)x"' in text
    assert "# (?&a) in a comment stays" in text
    # Atomic, as PEG reads a terminal: a+ never gives back an x to what follows.
    assert re.match(r"(?>x+)x", "xxx") is None
    # (?&-rule): the same without the names of its groups, nested ones too.
    named = 'a = ~r"(?P<x>y)\\(?P<z>"\nb = ~r"(?&a)(?P<w>v)"\nc = ~r"(?&-b)"\n'
    assert 'c = ~r"(?>(?>(?:y)\\(?P<z>)(?:v))"' in inlined(named)


def test_inlining_an_unknown_or_flagged_rule_is_refused() -> None:
    with pytest.raises(GrammarError, match=r"\(\?&nope\)"):
        inlined('b = ~r"(?&nope)"\n')
    with pytest.raises(GrammarError, match=r"\(\?&a\)"):
        inlined('a = ~r"x"i\nb = ~r"(?&a)"\n')
    with pytest.raises(GrammarError, match="cycle"):
        inlined('a = ~r"(?&b)"\nb = ~r"(?&a)"\n')


def test_a_review_cut_short_is_reported_as_before_the_block(reference_text: str) -> None:
    # The block stops before the broken review (an author line, then the next
    # heading); review* after it fails inside the entry, further on, so the
    # line is reported as lenient mode reports it, not as the grammar's
    # "unexpected line" where the block stopped.
    heading = "\nFamous Conversations\n"
    page = reference_text.replace(heading, "Lonely Author\n" + heading)
    line = page.splitlines().index("Lonely Author") + 1
    with pytest.raises(filmparse.FilmParseError) as caught:
        filmparse.parse(page)
    error = caught.value
    assert (error.line, error.column, error.code, error.section) == (line, 1, "FP204", "Reviews")
    assert "'Lonely Author' fits no rule of this section" in error.message


_REFUSED = [  # values strict mode refuses where they stand: lenient diagnostics, same page shape
    ("[US]", "[ZZ]"),  # FP202, a country dropped
    ("Release Date 1995-10-27", "Release Date 1995-13-27"),  # FP201
    ("\U0001f1fa\U0001f1f8 United States", "\U0001f1eb\U0001f1f7 United States"),  # FP301
    ("\nClip\n", "\nCAST\n"),  # FP202, a media kind written as a heading
    ("", ""),
]


@pytest.mark.parametrize(("old", "new"), _REFUSED)
def test_lenient_reads_a_page_strict_mode_reads_whole_as_section_by_section(
    reference_text: str, old: str, new: str
) -> None:
    # lenient_page tries film_page first: the same Film, diagnostics, refusals,
    # spans and labels as the section-by-section rules give.
    page = normalise(reference_text.replace(old, new, 1), [])
    grammar = film_grammar()
    tree = grammar["lenient_page"].parse(page)
    assert tree.children[0].expr_name == "film_page"
    visitors = [FilmVisitor(page, strict=False, track=True) for _ in range(2)]
    whole = visitors[0].visit(tree)
    by_section = visitors[1].visit(grammar["lenient_sections"].parse(page))
    assert whole == by_section
    assert whole.diagnostics == by_section.diagnostics
    assert (new == old) == (not whole.diagnostics)
    assert visitors[0].refusals == visitors[1].refusals
    assert visitors[0].spans == visitors[1].spans
    assert visitors[0].labels == visitors[1].labels
