"""normalise() after issue 14 gives what it gave before.

Its fast path for plain ASCII pages agrees with its full path, and the full
path (the steps run on the unusual lines as one block) with the line-by-line
normalise of before (tests/normalise_oracle.py), errors and diagnostics too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import normalise_oracle
from conftest import FIXTURES, ROOT
from filmparse.diagnostics import Diagnostic
from filmparse.errors import FilmParseError
from filmparse.normalise import _full_path, _line_breaks, normalise

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


@given(_UNUSUAL_TEXTS | _TEXTS)
@example("a \u200b\u00a0 b\nPусский \u3000\nx")
@example("Caf\u00c3\u00a9 \u00a0\ne\u0301\u00a0 \n")
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
