"""normalise() after issue 14 gives what it gave before.

Its fast path for plain ASCII pages agrees with its full path, and the full
path (the lines a step may change found in the page's UTF-8 bytes, and only
those rewritten) with the line-by-line normalise of before
(tests/normalise_oracle.py), errors and diagnostics too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import normalise_oracle
from conftest import FIXTURES, REFERENCE, ROOT
from filmparse.diagnostics import Diagnostic
from filmparse.errors import FilmParseError
from filmparse.normalise import (
    _BLANK_END,
    _BLANK_END_TEXT,
    _CLASSES,
    _full_path,
    _line_breaks,
    normalise,
)

# Mostly what the fast path takes (printable ASCII, tab, LF, trailing spaces),
# and what must send a page to the full path: CR, control characters (NUL,
# vertical tab, DEL), characters beyond ASCII (a non-breaking space, a
# zero-width space, an accent, a Cyrillic letter), a byte-order mark.
_CHARS = st.sampled_from(
    ["a", "Z", "7", " ", "  ", "\t", "\n", "\n\n", ":", "?", "~", "\r", "\r\n",
     "\x00", "\x0b", "\x1f", "\x7f", "\x85", "\u00a0", "\u200b", "\u00e9", "\u0420", "\ufeff"]
)  # fmt: skip
_TEXTS = st.lists(_CHARS, max_size=60).map("".join) | st.text(max_size=40)
# Lines of what the full path cleans: special spaces (no-break, figure, narrow,
# ideographic, zero-width, direction marks), runs of spaces, accents written
# decomposed, Latin words with Cyrillic or Greek look-alikes, mojibake.
_UNUSUAL_CHARS = st.sampled_from(
    ["a", "P", "o", " ", "   ", "\t", "\n", "\u00a0", "\u2007", "\u202f", "\u3000", "\u2028",
     "\u200b", "\u200e", "\ufeff", "e\u0301", "\u0301", "\u0420", "\u0443", "\u03bf",
     "\u00c3\u00a9", "Caf\u00c3\u00a9", "\x00", "\ud800", "\U0001f1e6", "\u00e9"]
)  # fmt: skip
_UNUSUAL_TEXTS = st.lists(_UNUSUAL_CHARS, max_size=40).map("".join)
# Pieces for each way the full path decides what to rewrite: characters each
# step changes or refuses (control characters ASCII and C1, surrogates,
# mojibake, every special space, direction marks), NFC cases (a combining
# mark after an ASCII letter or "<", reordered marks, Hangul jamo, singletons
# such as the Ohm sign and a CJK compatibility ideograph, a precomposed
# letter), characters that change nothing (emoji and flags, quotes, CJK,
# Cyrillic and Greek words, alone or touching Latin letters), blanks at line
# ends, line breaks of every kind.
_PIECES = st.sampled_from(
    ["Heat", "P", "o", "x7", " ", "  ", "\t", " \t", "\n", "\n\n", " \n", "\t\n", "\r", "\r\n",
     "\x00", "\x01", "\x0b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", "\udfff",
     "Caf\u00c3\u00a9", "\u00c3\u00a9", "\u00e2\u20ac\u2122", "\u00e7\u2019",
     "\u00a0", "\u00a0 \u00a0", "\u2007", "\u202f", "\u3000", "\u2028", "\u2029", "\u1680",
     "\u2000", "\u200a", "\u205f", "\u200b", "\u2060", "\ufeff", "\u200e", "\u200f",
     "\u061c", "\u202a", "\u202e", "\u2066", "\u2069",
     "e\u0301", "c\u0327", "<\u0338", "\u0301", "a\u0316\u0301", "a\u0301\u0316", "\u1100\u1161",
     "\u1161", "\u11a8", "\uac00\u11a8", "\u2126", "\u212b", "\uf900", "\U0002f800",
     "\u037e", "\u0387", "\u0958", "\u00e9", "\u1e9b\u0323",
     "\U0001f1e6\U0001f1f9", "\U0001f600", "\u201cq\u201d", "\u4e2d\u6587", "\uac00",
     "\u0420\u0443\u0441", "P\u0443\u0441\u0441\u043a\u0438\u0439", "\u03bf\u03c5", "\u0391b",
     "\u0430a", "\u0410\u200b\u0430"]
)  # fmt: skip
_PIECE_TEXTS = st.lists(_PIECES, max_size=50).map("".join)
# A page of many lines that needs no repair, with trailing blanks on up to
# every one (over _MANY_BLANK_ENDS of them the full path strips them all at once).
_LINE = st.tuples(
    st.sampled_from(["Cast", "  Heat", "", "Drama, Romance", "a\u00a0 b", "Pусский RU",
                     "\U0001f1e6\U0001f1f9 Austria", "e\u0301", "\u3000", "x\u200b", "\u0391b"]),
    st.sampled_from(["", "", " ", "\t", " \t ", "\u00a0", "\u3000"]),
)  # fmt: skip
_LINED_TEXTS = st.lists(_LINE.map("".join), max_size=150).map("\n".join) | st.lists(
    _LINE.map("".join), max_size=150
).map(lambda lines: "".join(line + "\n" for line in lines))


# Pages of a few kinds of line repeated, most needing a step (over _MANY_LINES
# of them, the full path cleans them as one block), some cleaned to nothing.
_STEP_LINE = st.tuples(
    st.sampled_from(["e\u0301", "P\u0443 x", "a\u00a0 b", "\u3000", "x\u200b", "\u0391b", "Cast",
                     "c\u0327 \u1100\u1161", "\U0001f1e6\U0001f1f9 Au", "\u00e9", "\u200e"]),
    st.sampled_from(["", " ", "\t", "\u00a0"]),
)  # fmt: skip
_DENSE_TEXTS = (
    st.lists(_STEP_LINE.map("".join), min_size=1, max_size=4)
    .flatmap(lambda kinds: st.lists(st.sampled_from(kinds), min_size=30, max_size=120))
    .map("\n".join)
)


def _outcome(text: str, diagnostics: list[Diagnostic] | None) -> object:
    try:
        return normalise(text, diagnostics)
    except FilmParseError as exc:
        return ("error", exc.line, exc.column, exc.code, str(exc))


def _full_outcome(text: str, diagnostics: list[Diagnostic] | None) -> object:
    try:
        return _full_path(_line_breaks(text), diagnostics)
    except FilmParseError as exc:
        return ("error", exc.line, exc.column, exc.code, str(exc))


@given(_TEXTS)
@example("Heat  \n\t\nCast\t\n")
@example("Cast\t\nHeat")
@example("Cast \nHeat")
@example("Heat\x7f\n")
@example("")
@example("   \t ")
def test_fast_path_agrees_with_full_path(text: str) -> None:
    assert _outcome(text, None) == _full_outcome(text, None)
    fast: list[Diagnostic] = []
    full: list[Diagnostic] = []
    assert _outcome(text, fast) == _full_outcome(text, full)
    assert fast == full


@pytest.mark.parametrize("page", sorted(FIXTURES.rglob("*.txt")), ids=lambda p: p.name)
def test_fast_path_agrees_on_fixtures_made_ascii(page: Path) -> None:
    """Each fixture page with its non-ASCII characters dropped: a plain ASCII page."""
    text = page.read_bytes().decode("utf-8", "replace")
    ascii_text = text.encode("ascii", "ignore").decode("ascii")
    assert ascii_text.isascii()
    assert _outcome(ascii_text, None) == _full_outcome(ascii_text, None)
    assert _outcome(ascii_text, []) == _full_outcome(ascii_text, [])


def _oracle(text: str, diagnostics: list[Diagnostic] | None) -> object:
    try:
        return normalise_oracle.normalise(text, diagnostics)
    except FilmParseError as exc:
        return ("error", exc.line, exc.column, exc.code, str(exc))


@given(_UNUSUAL_TEXTS | _TEXTS | _PIECE_TEXTS | _LINED_TEXTS | _DENSE_TEXTS)
@example("a \u200b\u00a0 b\nPусский \u3000\nx")
@example("Caf\u00c3\u00a9 \u00a0\ne\u0301\u00a0 \n")
@example("\u00e9\n" + "Cast \n" * 70 + "Heat\t")  # many blank ends: stripped at once
@example("Cast \n\u00e9 \nHeat\t\nP\u0443 \t")  # a few: each line sliced
@example("\u00e7\u2019 \U0001f1e6\n<\u0338\nc\u0327 \u1100\u1161\n")
@example("\u3000")  # a page of one special space: blank
@example("\n".join(["P\u0443 x", "e\u0301 \u3000", "a\u00a0 b"] * 40))  # cleaned as a block
@example("\ud800 \n\u00a0")
def test_normalise_agrees_with_the_line_by_line_oracle(text: str) -> None:
    assert _outcome(text, None) == _oracle(text, None)
    mine: list[Diagnostic] = []
    before: list[Diagnostic] = []
    assert _outcome(text, mine) == _oracle(text, before)
    assert mine == before


_PAGES = sorted(FIXTURES.rglob("*.txt")) + sorted((ROOT / "fuzz" / "corpus").iterdir())


@pytest.mark.parametrize("page", _PAGES, ids=lambda p: p.name)
def test_normalise_agrees_with_the_oracle_on_fixtures(page: Path) -> None:
    text = page.read_bytes().decode("utf-8", "surrogateescape")
    assert _outcome(text, None) == _oracle(text, None)
    assert _outcome(text, []) == _oracle(text, [])


def _reference_variants() -> list[str]:
    """The reference page, each way it may need a step, at its start, middle and end."""
    text = REFERENCE.read_text(encoding="utf-8")
    lines = text.split("\n")
    out = []
    pieces = [
        "\u00a0 ",
        " \t",
        "e\u0301",
        "\u200f",
        "Pу",
        "\x00",
        "\ud800",
        "Caf\u00c3\u00a9",
        "\u3000",
    ]
    for piece in pieces:
        for at in (0, len(lines) // 2, len(lines) - 1):
            changed = lines.copy()
            changed[at] += piece
            out.append("\n".join(changed))
    return out


@pytest.mark.parametrize("text", _reference_variants())
def test_normalise_agrees_with_the_oracle_on_reference_variants(text: str) -> None:
    """Where in the page a rewritten line is moves the offsets the full path computes."""
    assert _outcome(text, None) == _oracle(text, None)
    mine: list[Diagnostic] = []
    before: list[Diagnostic] = []
    assert _outcome(text, mine) == _oracle(text, before)
    assert mine == before


# Lines ending in spaces and tabs (or not), joined by LF or CRLF, the text's
# end blank too or not; up to well past _MANY_BLANK_ENDS of them.  ASCII only,
# or with one unusual line, so both the fast path and the full path's search
# for LFs after a blank (_BLANK_END, _BLANK_END_TEXT) are exercised.
_BLANK_LINE = st.tuples(
    st.sampled_from(["Cast", "  Heat", "", "a b", " ", "\t", "x\t y"]),
    st.sampled_from(["", "", " ", "\t", "  ", " \t", "\t "]),
).map("".join)
_BLANK_ENDED_TEXTS = st.tuples(
    st.lists(_BLANK_LINE, max_size=160),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["", "\n", " ", "\t", " \n", "\r\n"]),
    st.sampled_from(["", "\u00e9 \n", "\u00a0\t\n", "\U0001f1e6\U0001f1f9\n"]),
).map(lambda parts: parts[3] + parts[1].join(parts[0]) + parts[2])


@given(_BLANK_ENDED_TEXTS)
@example("Cast \n" * 64 + "Heat\t")  # exactly _MANY_BLANK_ENDS, then the end
@example("Cast \n" * 65)
@example("\u00e9\n" + "Cast\t\n" * 63 + "x ")
@example("Cast\nHeat \t")  # a blank end at the text's end only
@example("\u00e9\nHeat\t")
@example("Cast \r\nHeat\r\n")
def test_blank_ends_agree_with_the_oracle(text: str) -> None:
    assert _outcome(text, None) == _oracle(text, None)
    assert _outcome(text, None) == _full_outcome(text, None)


@given(_BLANK_ENDED_TEXTS)
@example(" \n")
@example("\t\n")
@example("\n \n")
def test_blank_end_searches_find_each_lf_after_a_blank(text: str) -> None:
    """The searches led by the LF find what the plain search for a blank then an LF finds."""
    text = _line_breaks(text)
    expected = [i + 1 for i in range(len(text) - 1) if text[i] in " \t" and text[i + 1] == "\n"]
    found = _BLANK_END_TEXT.search(text)
    assert (found.start() if found else None) == (expected[0] if expected else None)
    marks = text.encode("utf-8").translate(_CLASSES)
    assert [hit.start() for hit in _BLANK_END.finditer(marks)] == [
        i + 1 for i in range(len(marks) - 1) if marks[i : i + 2] == b" \n"
    ]
    if text.isascii():
        assert [hit.start() for hit in _BLANK_END.finditer(marks)] == expected
