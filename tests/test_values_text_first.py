"""values.py: the converters test for text (a str, the parser's case) first
and read it there without the calls of their general path; a str subclass
still takes the general path (text() strips it as it strips a str).  Both
must give the same value, or the same error, for the same text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from filmparse import values as v
from filmparse.schema import INT64_MAX


class Text(str):
    """Text that is not a str exactly: the converters' general path."""


CONVERTERS: list[Callable[[Any], Any]] = [
    v.optional_date, v.optional_count, v.optional_dollars, v.optional_runtime,
    v.optional_rating, v.optional_float, v.genre_list,
]  # fmt: skip

# Pieces of what a header or fact line may hold, well formed or not.
PIECES = st.sampled_from([
    "1995-10-27", "1995-02-30", "0000-01-01", "1995-1-1", "$3,600,000", "$ 12", "$1,00",
    "3,600", "111 minutes", "1 min", "7.253/10", "7 / 10", "11/10", "0.5", "1e5", "Drama",
    "Drama, Romance,", ",", " ", "\t", "\u3000", "\u00a0", "-", "x", "", str(INT64_MAX),
    str(INT64_MAX + 1), "9" * 30, "0" * 25 + "1", "٣",
])  # fmt: skip
TEXT = st.lists(PIECES | st.text(max_size=6), max_size=4).map("".join)


def _outcome(convert: Callable[[Any], Any], value: Any) -> object:
    try:
        return "value", convert(value)
    except (ValueError, TypeError) as exc:
        return type(exc), str(exc)


@pytest.mark.parametrize("convert", CONVERTERS, ids=lambda f: f.__name__)
@given(text=TEXT)
def test_text_reads_as_the_general_path_reads_it(convert: Callable[[Any], Any], text: str) -> None:
    assert _outcome(convert, text) == _outcome(convert, Text(text))


def test_what_is_not_text_takes_the_general_path() -> None:
    assert v.optional_count(None) is None and v.optional_count(3) == 3
    assert v.optional_rating(7) == 7.0 and v.optional_float(1.5) == 1.5
    assert v.optional_date(None) is None
    with pytest.raises(ValueError, match="too large"):
        v.optional_dollars(INT64_MAX + 1)
    with pytest.raises(ValueError, match="not text"):
        v.genre_list([3])
