"""normalise()'s fast path for plain ASCII pages agrees with the full path (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import FIXTURES
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
