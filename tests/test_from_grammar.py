"""_builders.from_grammar: the parser's builders give what the constructors give.

They skip only what GRAMMAR_LINES says the grammar guarantees (one line of
text, no colon in a speaker); these tests hold them to it on the values the
grammar's own regexes let through, and check that the fields they trust have
the converter and validators that claim rests on.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from attrs.validators import optional
from hypothesis import given, settings
from hypothesis import strategies as st

from filmparse import values as v
from filmparse._builders import (
    _MANY_AT_ONCE,
    GRAMMAR_LINES,
    GRAMMAR_OPTIONAL_LINES,
    from_grammar,
    many_from_grammar,
)
from filmparse.grammar import rule_regex
from filmparse.models import (
    OFFERS,
    Availability,
    Award,
    DialogueLine,
    Film,
    MediaItem,
    Review,
    Translation,
    _Each,
)

# One line as a regex group can give it: no "\n" and no "\r" (normalised away).
LINE = st.text(st.characters(blacklist_characters="\n\r"))


def constructed(cls: type, *values: Any) -> object | None:
    try:
        built: object = cls(*values)
    except (ValueError, TypeError):
        return None
    return built


@pytest.mark.parametrize("cls", list(GRAMMAR_LINES))
def test_the_trusted_fields_only_strip_and_refuse_empty_lines(cls: type) -> None:
    for name in GRAMMAR_LINES[cls]:
        field = attrs.fields_dict(cls)[name]
        converter: object = field.converter
        assert converter is v.text
        assert field.validator in (v.line, v.speaker)


@given(speaker=LINE.map(lambda s: s.replace(":", "")), text=LINE)
def test_a_dialogue_line_is_built_as_the_constructor_builds_it(speaker: str, text: str) -> None:
    assert from_grammar(DialogueLine)(speaker, text) == constructed(DialogueLine, speaker, text)


@given(st.from_regex(rule_regex("dialogue_line"), fullmatch=True))
def test_every_line_the_grammar_reads_builds_the_same(line: str) -> None:
    match = rule_regex("dialogue_line").fullmatch(line)
    assert match is not None
    if "\r" not in line:  # normalisation leaves none
        built = from_grammar(DialogueLine)(*match.groups())
        assert built == constructed(DialogueLine, *match.groups())


@given(
    code=st.sampled_from(["US", "fr", " de ", "ZZ", "", "U S"]),
    name=LINE,
    offers=st.lists(st.sampled_from([*OFFERS, "Stream", "\u017ftream", "lease"]), max_size=4),
)
def test_a_country_is_built_as_the_constructor_builds_it(
    code: str, name: str, offers: list[str]
) -> None:
    # The offers, and the code, are checked as the constructor checks them:
    # the grammar's case-blind regex also lets a long s through ("ſtream").
    built = from_grammar(Availability)(code, name, tuple(offers))
    assert built == constructed(Availability, code, name, tuple(offers))


def test_models_built_by_hand_still_validate() -> None:
    with pytest.raises(ValueError, match="colon"):
        DialogueLine("A: B", "text")
    with pytest.raises(ValueError, match="empty"):
        DialogueLine(" ", "text")
    assert from_grammar(DialogueLine)(" ", "text") is None


@given(author=LINE, rating=st.one_of(st.none(), st.sampled_from(["7.0", "11", "x", " 3.5 ", ""])),
       content=LINE)  # fmt: skip
def test_a_review_is_built_as_the_constructor_builds_it(
    author: str, rating: str | None, content: str
) -> None:
    assert from_grammar(Review)(author, rating, content) == constructed(
        Review, author, rating, content
    )


@given(kind=st.sampled_from(["Clip", "clip", "x\u00b2", "", "CAST", "क्लिप"]), title=LINE)
def test_a_media_item_is_built_as_the_constructor_builds_it(kind: str, title: str) -> None:
    assert from_grammar(MediaItem)(kind, title) == constructed(MediaItem, kind, title)


@given(
    outcome=st.sampled_from(["won", "nominated", "lost"]),
    category=LINE,
    year=st.sampled_from(["1995", "0999", "99999", "x"]),
    nominee=LINE,
)
def test_an_award_is_built_as_the_constructor_builds_it(
    outcome: str, category: str, year: str, nominee: str
) -> None:
    values = ("Oscar", outcome, category, year, nominee)
    assert from_grammar(Award)(*values) == constructed(Award, *values)


@given(
    outcome=st.sampled_from(["won", "nominated"]),
    category=LINE,
    year=st.sampled_from(["1995", "0999", "99999", "x"]),
    nominee=LINE,
)
def test_an_award_of_fixed_ceremony_and_outcome_is_built_as_the_constructor_builds_it(
    outcome: str, category: str, year: str, nominee: str
) -> None:
    built = from_grammar(Award, ceremony="Oscar", outcome=outcome)(category, year, nominee)
    assert built == constructed(Award, "Oscar", outcome, category, year, nominee)


def test_fixed_values_are_converted_and_checked_once_when_the_builder_is_written() -> None:
    assert from_grammar(Award, ceremony=" Oscar", outcome="WON")("A", "1995", "B") == Award(
        "Oscar", "won", "A", "1995", "B"
    )
    with pytest.raises(ValueError, match="'outcome' must be in"):
        from_grammar(Award, ceremony="Oscar", outcome="lost")
    with pytest.raises(ValueError, match="'ceremony' must be in"):
        from_grammar(Award, ceremony="Emmy", outcome="won")


def test_the_trusted_optional_fields_only_strip_and_refuse_line_breaks() -> None:
    for cls, names in GRAMMAR_OPTIONAL_LINES.items():
        for name in names:
            field = attrs.fields_dict(cls)[name]
            converter: object = field.converter
            assert converter is v.optional_text
            assert repr(field.validator) == repr(optional(v.single_line))


@given(
    language=st.sampled_from(["Deutsch", "Pусский", " ", ""]),
    code=st.sampled_from(["de", "ru", "xx"]),
    country=st.sampled_from(["DE", "zz"]),
    title=st.one_of(st.none(), LINE),
    tagline=st.one_of(st.none(), LINE),
)
def test_a_translation_is_built_as_the_constructor_builds_it(
    language: str, code: str, country: str, title: str | None, tagline: str | None
) -> None:
    values = (language, code, country, title, tagline)
    assert from_grammar(Translation)(*values) == constructed(Translation, *values)
    # (a title or tagline that is not text is left to the constructor's error)
    assert from_grammar(Translation)(language, code, country, 7, tagline) is None


def test_list_fields_still_refuse_what_attrs_refuses() -> None:
    # Film's and Availability's list validators try a fast test first; what it
    # does not pass gets attrs' own validator and its error.
    line = DialogueLine("A", "b")
    with pytest.raises(TypeError, match=r"must be <class 'filmparse\.models\.DialogueLine'>"):
        Film(title="T", dialogue=(line, "A: b"))
    with pytest.raises(ValueError, match="'offers' must be in"):
        Availability("US", "United States", ("stream", "lease"))
    with pytest.raises(ValueError, match="single line"):
        Film(title="T", cast=("a\nb",))

    class Line(DialogueLine):  # a subclass passes instance_of, as before
        pass

    assert Film(title="T", dialogue=(Line("A", "b"),)).dialogue[0].speaker == "A"


# -- many_from_grammar: a block's rows at once --------------------------------

ROWS: dict[type, Any] = {
    DialogueLine: st.tuples(LINE.map(lambda s: s.replace(":", "")), LINE),
    MediaItem: st.tuples(st.sampled_from(["Clip", "clip", "x\u00b2", "", "CAST"]), LINE),
    Review: st.tuples(LINE, st.one_of(st.none(), st.sampled_from(["7.0", "11", "x", ""])), LINE),
    Award: st.tuples(
        st.just("Oscar"), st.sampled_from(["won", "lost"]), LINE,
        st.sampled_from(["1995", "0999", "x"]), LINE,
    ),
}  # fmt: skip


@pytest.mark.parametrize("cls", list(ROWS))
@given(data=st.data())
def test_many_builds_each_row_as_from_grammar_does(cls: type, data: st.DataObject) -> None:
    rows = data.draw(st.lists(ROWS[cls], max_size=6))
    one = [from_grammar(cls)(*row) for row in rows]
    many: list[Any] | None = many_from_grammar(cls)(rows)
    if any(entry is None for entry in one):
        assert many is None  # in doubt: the visitor reads the block entry by entry
    else:
        assert many == one == [constructed(cls, *row) for row in rows]
        assert many is not None and all(type(entry) is cls for entry in many)


@given(st.lists(st.from_regex(rule_regex("dialogue_line"), fullmatch=True), max_size=5))
def test_a_block_the_grammar_reads_builds_as_its_lines_do(lines: list[str]) -> None:
    block = "".join(line for line in lines if "\r" not in line)
    rows = rule_regex("dialogue_line").findall(block)
    assert many_from_grammar(DialogueLine)(rows) == (
        None if any(constructed(DialogueLine, *row) is None for row in rows)
        else [constructed(DialogueLine, *row) for row in rows]
    )  # fmt: skip


def test_many_takes_what_the_constructor_takes_in_a_trusted_field() -> None:
    class Text(str):
        pass

    rows = [(Text(" A "), "b"), ("C", Text("d "))]
    assert many_from_grammar(DialogueLine)(rows) == [DialogueLine(*row) for row in rows]
    built = many_from_grammar(DialogueLine)(rows)
    assert built is not None and all(type(line.speaker) is str for line in built)
    assert many_from_grammar(DialogueLine)([("A", "b"), (b"A", "b")]) is None
    assert many_from_grammar(DialogueLine)([("A", "b"), (None, "b")]) is None


def test_many_refuses_rows_of_the_wrong_width() -> None:
    with pytest.raises(TypeError, match="2 fields, a row 3"):
        many_from_grammar(DialogueLine)([("A", "b", "c")])
    with pytest.raises(ValueError, match="zip"):  # rows of different lengths
        many_from_grammar(DialogueLine)([("A", "b"), ("A",)])


# -- the list fields' fast check ---------------------------------------------

_SUB = type("Sub", (DialogueLine,), {})  # passes instance_of, not the exact-type test
ITEMS = st.lists(st.sampled_from([DialogueLine("A", "b"), _SUB("A", "b"), "A: b", None, 1]))
OFFER_ITEMS = st.lists(
    st.sampled_from([*OFFERS, "Stream", "lease", None, 1, b"buy", type("S", (str,), {})("buy")])
)


def _outcome(check: Any, value: Any) -> type[Exception] | None:
    try:
        check(None, attrs.fields_dict(Film)["dialogue"], value)
    except (TypeError, ValueError) as exc:
        return type(exc)
    return None


@given(ITEMS, OFFER_ITEMS)
def test_the_fast_list_checks_refuse_what_attrs_refuses(
    items: list[Any], offers: list[Any]
) -> None:
    dialogue = attrs.fields_dict(Film)["dialogue"].validator
    offers_check = attrs.fields_dict(Availability)["offers"].validator
    for check, value in ((dialogue, tuple(items)), (offers_check, tuple(offers))):
        assert isinstance(check, _Each)
        assert _outcome(check, value) == _outcome(check.full, value)


@settings(max_examples=25)
@given(st.data())
def test_a_block_longer_than_a_slice_builds_as_its_rows_do(data: st.DataObject) -> None:
    # Rows are built in slices of _MANY_AT_ONCE (for the cache): every slice
    # counts, and one row in doubt anywhere, in the last slice too, is doubt.
    size = data.draw(st.integers(_MANY_AT_ONCE + 1, 3 * _MANY_AT_ONCE + 7))
    rows = [(f"Speaker {n}", f"line {n}") for n in range(size)]
    bad = data.draw(st.one_of(st.none(), st.integers(0, size - 1)))
    if bad is not None:
        rows[bad] = (" ", "no speaker")
    built = many_from_grammar(DialogueLine)(rows)
    if bad is None:
        assert built == [DialogueLine(*row) for row in rows]
    else:
        assert built is None
