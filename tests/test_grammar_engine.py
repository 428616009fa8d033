"""The grammar's regexes run on the standard library's re (see grammar.py).

Every rule must read what it reads under parsimonious' default engine, the
regex module, on real pages and on generated lines; and the block rule
dialogue_lines (and lenient mode's dialogue_block) must read exactly what
dialogue_line repeated reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st
from parsimonious.expressions import Regex

import filmparse
from conftest import FIXTURES
from filmparse.grammar import _expressions, film_grammar, rule_regex
from filmparse.models import DialogueLine
from filmparse.normalise import decode, normalise

RULES = [e for e in _expressions(film_grammar().values()) if isinstance(e, Regex)]
PAGES = sorted(FIXTURES.glob("*/*.txt"))

# Page-like characters, plus the ones where engines could part: case-folding
# look-alikes (long s, Kelvin sign, dotted I), letters of other scripts, digits
# of other scripts, the flag letters, and a combining mark on a base letter.
ALPHABET = (
    "AaBbCcDeEFgHiIKkLMnNOpRrSsTtuWwyZ0123456789 :-/.,\"'[]$&\n"
    "ſKİıРусскийΕλληνικά日本語٣४🇺🇸🇩🇪éß"
)
LINES = st.lists(
    st.one_of(
        st.text(ALPHABET, max_size=30),
        st.sampled_from(["Stream", "rent", "Wins", "Nominations", "Cast", "Title: X",
                         "BEN: Hi.", "7.0/10", "🇺🇸 United States [US]", "Clip"]),
    ),
    max_size=8,
).map(lambda lines: "\n".join(lines) + "\n")


def _read(match: re.Match[str] | regex.Match[str] | None) -> object:
    return None if match is None else (match.span(), match.groupdict())


def _twin(rule: Regex) -> regex.Pattern[str]:
    return regex.compile(rule.re.pattern, rule.re.flags)


def test_every_rule_runs_on_the_standard_library_engine() -> None:
    assert len(RULES) > 40
    assert all(isinstance(rule.re, re.Pattern) for rule in RULES)


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.parent.name}/{p.stem}" for p in PAGES])
def test_both_engines_read_every_line_of_the_fixture_pages_alike(page: Path) -> None:
    text = normalise(decode(page.read_bytes(), []), [])
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for rule in RULES:
        twin = _twin(rule)
        for start in starts:
            assert _read(rule.re.match(text, start)) == _read(twin.match(text, start)), (
                rule.name or rule.re.pattern, text[start : start + 60]
            )


@given(LINES)
def test_both_engines_read_generated_lines_alike(text: str) -> None:
    for rule in RULES:
        assert _read(rule.re.match(text)) == _read(_twin(rule).match(text)), rule.re.pattern


def test_dialogue_line_groups_are_the_model_fields_in_order() -> None:
    # The visitor builds DialogueLine(*match.groups()): positional, for speed.
    assert tuple(rule_regex("dialogue_line").groupindex) == tuple(
        field.name for field in attrs.fields(DialogueLine)
    )


def _one_by_one(text: str, rule: str = "dialogue_line") -> int:
    """Where `rule`, repeated, stops reading."""
    line = rule_regex(rule)
    pos = 0
    while (match := line.match(text, pos)) is not None:
        pos = match.end()
    return pos


@given(st.lists(st.one_of(st.text(ALPHABET, max_size=20), st.sampled_from(
    ["BEN: Hi.", "SERA: What?", "A: b", ": x", "X:y", "X: ", "X:  y", "\n"])), max_size=10
).map("\n".join))
def test_dialogue_lines_reads_what_dialogue_line_repeated_reads(text: str) -> None:
    block = rule_regex("dialogue_lines").match(text)
    assert block is not None
    assert block.end() == _one_by_one(text)
    # Lenient mode's block: the same lines, and no match where there is none.
    lenient = rule_regex("dialogue_block").match(text)
    assert (lenient.end() if lenient else 0) == block.end()


@given(st.lists(st.one_of(st.text(ALPHABET, max_size=20), st.sampled_from(
    ["\U0001f1fa\U0001f1f8 United States [US]", "\U0001f1eb\U0001f1f7 France [FR]", "X Y [Z]",
     "Stream", "rent", "BUY", "Free", "ads", "lease", "X [Y]", "X Y [", "\n"])), max_size=10
).map("\n".join))
def test_watch_countries_reads_what_watch_country_repeated_reads(text: str) -> None:
    block = rule_regex("watch_countries").match(text)
    assert block is not None
    assert block.end() == _one_by_one(text, "watch_country")


def test_a_media_kind_with_combining_marks_is_refused_where_it_stands(reference_text: str) -> None:
    # "क्लिप" (clip) holds a virama and a vowel sign: not str.isalpha(), so
    # not a one-word kind for the model, and not for the grammar either.
    page = reference_text.replace("\nClip\n", "\nक्लिप\n")
    line = page.splitlines().index("क्लिप") + 1
    with pytest.raises(filmparse.FilmParseError) as caught:
        filmparse.parse(page)
    assert (caught.value.line, caught.value.column, caught.value.section) == (line, 1, "Media")
    film = filmparse.parse(page, strict=False)
    assert [(d.code, d.line) for d in film.diagnostics] == [("FP204", line), ("FP204", line + 1)]
    assert [item.kind for item in film.media] == ["trailer", "featurette"]
