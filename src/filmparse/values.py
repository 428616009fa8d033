"""Converters and validators for model fields.

Each converter takes the raw text of a page (or an already typed value, so
the models can be built from Python and from JSON as well) and returns the
typed value, raising ValueError with a message a person can act on.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any, TypeGuard

from . import codes
from .schema import INT64_MAX

_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]+)?)")
_INTEGER = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)")
_DOLLARS = re.compile(r"\$\s?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)")
_RUNTIME = re.compile(r"([0-9]+) ?(?:minutes?|min)")
_RATING = re.compile(r"([0-9]+(?:\.[0-9]+)?)(?: ?/ ?10)?")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def text(value: Any) -> str:
    """A single line of text, surrounding spaces removed."""
    if not isinstance(value, str):
        raise ValueError(f"{type(value).__name__} is not text")
    return value.strip()


def folded_text(value: Any) -> str:
    """Text with look-alike letters from another script folded (a Latin P in
    the Cyrillic "Русский" becomes Cyrillic)."""
    return codes.fold_lookalikes(text(value))


def optional_text(value: Any) -> str | None:
    """Text, or None when absent or empty."""
    if value is None:
        return None
    cleaned = text(value)
    return cleaned or None


def optional_line_text(value: Any) -> str | None:
    """Text, or None when absent (an empty string stays, for the validator to refuse)."""
    return None if value is None else text(value)


def optional_paragraphs(value: Any) -> str | None:
    """Paragraphs separated by one blank line; None when empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{type(value).__name__} is not text")
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(value.strip())]
    # Lines keep their leading spaces but never trailing ones: a page cannot
    # carry those (normalisation strips them), so neither does the model.
    joined = "\n\n".join(
        "\n".join(line.rstrip() for line in p.split("\n")) for p in paragraphs if p
    )
    return joined or None


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def optional_date(value: Any) -> dt.date | None:
    """An ISO date YYYY-MM-DD that exists in the calendar."""
    # (text, the parser's case, tested first: each test below is a call a value)
    if type(value) is not str and (value is None or isinstance(value, dt.date)):
        return value
    raw = value.strip() if type(value) is str else text(value)
    if not raw:
        return None
    if not _DATE.fullmatch(raw):
        raise ValueError(f"{raw!r} is not a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValueError(f"impossible date {raw!r}: {exc}") from None


def _matched(raw: str, pattern: re.Pattern[str], what: str) -> str:
    """Group 1 of `pattern` matching all of `raw`, or a ValueError naming `what`."""
    match = pattern.fullmatch(raw)
    if not match:
        raise ValueError(f"{raw!r} is not {what}")
    return match.group(1)


def _integer(raw: str, what: str) -> int:
    return _whole(_matched(raw, _INTEGER, what), raw)


def optional_count(value: Any) -> int | None:
    """A whole number, thousands separators allowed ("1,524")."""
    return _optional_whole(value, _INTEGER, "a whole number")


def optional_dollars(value: Any) -> int | None:
    """Whole US dollars written as "$3,600,000"."""
    return _optional_whole(value, _DOLLARS, "an amount in dollars")


def optional_runtime(value: Any) -> int | None:
    """Minutes written as "111 minutes"."""
    return _optional_whole(value, _RUNTIME, "a runtime in minutes")


def _optional_whole(value: Any, pattern: re.Pattern[str], what: str) -> int | None:
    """An int, or text whose `pattern` group 1 is its digits; None when absent or empty."""
    if type(value) is str:  # the parser's case, first (as text() reads it)
        raw = value.strip()
        return _whole(_matched(raw, pattern, what), raw) if raw else None
    if value is None:
        return None
    if _is_int(value):
        return _bounded(value)
    raw = text(value)
    return _whole(_matched(raw, pattern, what), raw) if raw else None


# Every whole number fits an int64, as the schema says and a table column needs:
# a page's "$100,000,000,000,000,000,000,000" is an error where it stands, not
# a Film that no export can hold.
_TOO_LARGE = f"a whole number is at most {INT64_MAX} (2^63 - 1, an int64)"


def _whole(digits: str, raw: str) -> int:
    """The digits (thousands separators allowed) of `raw` as an int of at most INT64_MAX.
    Counted first: a page's thousands of digits cost no conversion."""
    digits = digits.replace(",", "").lstrip("0") or "0"
    number = int(digits) if len(digits) <= len(_INT64_TEXT) else INT64_MAX + 1
    if number > INT64_MAX:
        raise ValueError(f"{_cut(raw)!r} is too large ({len(digits)} digits): {_TOO_LARGE}")
    return number


_INT64_TEXT = str(INT64_MAX)


def _bounded(value: int) -> int:
    """An int given as a number, at most INT64_MAX (a negative one is the validator's)."""
    if value > INT64_MAX:
        shown = value if value.bit_length() <= 256 else f"a {value.bit_length()}-bit integer"
        raise ValueError(f"{shown} is too large: {_TOO_LARGE}")
    return value


def _cut(raw: str) -> str:
    """`raw` as a message shows it: 20 characters at most."""
    return raw if len(raw) <= 20 else f"{raw[:17]}..."


def optional_rating(value: Any) -> float | None:
    """A rating out of ten written as "7.253/10" (or a bare number)."""
    return _optional_number(value, _RATING, "a number out of 10")


def optional_float(value: Any) -> float | None:
    """A plain decimal number such as 3.1095."""
    return _optional_number(value, _NUMBER, "a decimal number")


def _optional_number(value: Any, pattern: re.Pattern[str], what: str) -> float | None:
    """A finite float: given as a number, or as text whose `pattern` group 1 is one."""
    if type(value) is str:  # the parser's case, first (as text() reads it)
        raw = value.strip()
        return _finite(float(_matched(raw, pattern, what)), raw) if raw else None
    if value is None or isinstance(value, float):
        return _finite(value)
    if _is_int(value):
        return _finite(float(value))
    raw = text(value)
    return _finite(float(_matched(raw, pattern, what)), raw) if raw else None


def _finite(value: float | None, raw: str | None = None) -> float | None:
    """JSON has no infinity or NaN: 400 digits of popularity is an error, not inf."""
    if value is not None and not math.isfinite(value):
        shown = value if raw is None else _cut(raw)
        raise ValueError(f"{shown!r} is too large to be a number (not finite)")
    return value


def optional_language_code(value: Any) -> str | None:
    if value is None:
        return None
    raw = text(value)
    return codes.language_code(raw) if raw else None


def country_code(value: Any) -> str:
    return codes.country_code(text(value))


def language_code(value: Any) -> str:
    return codes.language_code(text(value))


def genre_list(value: Any) -> tuple[str, ...]:
    """The genres of "Drama, Romance," or from a list; empty items dropped."""
    if isinstance(value, str):  # (its parts are str: text() would only strip them)
        return tuple([name for name in map(str.strip, value.split(",")) if name])
    items: Iterable[Any] = value or ()
    return tuple(name for name in (text(item) for item in items) if name)


def lower_word(value: Any) -> str:
    return text(value).lower()


def year(value: Any) -> int:
    if _is_int(value):
        return int(value)
    return _integer(text(value), "a year")


# Validators: attrs calls them as (instance, attribute, value); they never
# look at the instance, so the parser can run them on a lone value too.


def single_line(_: object, attribute: Any, value: str | None) -> None:
    if value is not None and ("\n" in value or "\r" in value):
        raise ValueError(f"{attribute.name} must be a single line")


def non_empty(_: object, attribute: Any, value: str) -> None:
    if not value:
        raise ValueError(f"{attribute.name} must not be empty")


def non_negative(_: object, attribute: Any, value: float | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


def out_of_ten(_: object, attribute: Any, value: float | None) -> None:
    if value is not None and not 0 <= value <= 10:
        raise ValueError(f"{attribute.name} must be a number from 0 to 10, got {value}")


def four_digit_year(_: object, attribute: Any, value: int) -> None:
    if not 1000 <= value <= 9999:
        raise ValueError(f"{attribute.name} must be a four-digit year, got {value}")


def line(_: object, attribute: Any, value: str) -> None:
    """One non-empty line of text."""
    if not value:
        raise ValueError(f"{attribute.name} must not be empty")
    if "\n" in value or "\r" in value:
        raise ValueError(f"{attribute.name} must be a single line")


def genre(_: object, attribute: Any, value: str) -> None:
    """A genre: one line, no comma (the comma separates genres on the page)."""
    line(_, attribute, value)
    if "," in value:
        raise ValueError(f"a genre must not contain a comma, got {value!r}")


def speaker(_: object, attribute: Any, value: str) -> None:
    """A dialogue speaker: one line, no colon (the colon ends the speaker)."""
    line(_, attribute, value)
    if ":" in value:
        raise ValueError(f"{attribute.name} must not contain a colon, got {value!r}")


def one_word(_: object, attribute: Any, value: str) -> None:
    if not value.isalpha():  # also refuses the empty string
        raise ValueError(f"{attribute.name} must be a single word of letters, got {value!r}")
