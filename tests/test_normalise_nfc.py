"""The characters normalise() takes to need no NFC check do need none.

The full path checks NFC only on lines holding a character outside
normalise._NFC_INERT.  That is right if every character in it has NFC quick
check Yes and combining class 0: then any string of them is NFC.  Quick check
is No for a character NFC changes on its own, and Maybe for one that NFC may
compose with the character before it: the second of a canonical pair, or a
Hangul vowel or trailing consonant (composed by rule, not by the table).
"""

from __future__ import annotations

import itertools
import sys
import unicodedata
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from filmparse.normalise import _NFC_INERT, _NFC_SUSPECT


@cache
def _seconds_of_pairs() -> frozenset[str]:
    """Every character that is the second of a canonical decomposition pair."""
    seconds = set()
    for point in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(point))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                seconds.add(chr(int(parts[1], 16)))
    return frozenset(seconds)


def _inert() -> list[str]:
    return [chr(point) for low, high in _NFC_INERT for point in range(low, high + 1)]


def test_every_inert_character_takes_part_in_no_nfc_change() -> None:
    seconds = _seconds_of_pairs()
    hangul_jamo = range(0x1100, 0x1200)
    bad = [
        f"U+{ord(char):04X}"
        for char in _inert()
        if unicodedata.combining(char)
        or unicodedata.normalize("NFC", char) != char
        or char in seconds
        or ord(char) in hangul_jamo
        or "\ud800" <= char <= "\udfff"
    ]
    assert bad == []


def test_the_ranges_are_sorted_and_apart() -> None:
    assert all(low <= high for low, high in _NFC_INERT)
    assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(_NFC_INERT))


def test_the_suspect_pattern_is_the_complement_of_the_ranges() -> None:
    inside = set(_inert())
    for point in range(0, sys.maxunicode + 1, 7):  # every 7th: the edges below
        char = chr(point)
        assert (_NFC_SUSPECT.match(char) is None) == (char in inside), hex(point)
    for low, high in _NFC_INERT:
        for point in (low - 1, low, high, high + 1):
            if 0 <= point <= sys.maxunicode:
                assert (_NFC_SUSPECT.match(chr(point)) is None) == (chr(point) in inside)


@given(st.text(st.sampled_from([*_inert()[::13], "\n", "a", "<", "c"]), max_size=60))
def test_text_of_inert_characters_is_nfc(text: str) -> None:
    assert unicodedata.is_normalized("NFC", text)
