"""Typed film records: frozen, slotted attrs classes.

Conversion and validation live on the fields (see values.py), so a Film is
valid however it was built: by the parser, from JSON, or by hand.  (The
parser builds them with _builders.py, which leaves out only the checks the
grammar has made.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypeVar

from attrs import field, frozen
from attrs.validators import deep_iterable, in_, instance_of, optional

from . import values as v
from .diagnostics import Diagnostic

T = TypeVar("T")
OFFERS = ("stream", "rent", "buy", "free", "ads")
OUTCOMES = ("won", "nominated")
CEREMONIES = ("Oscar",)

Offer = Literal["stream", "rent", "buy", "free", "ads"]
Outcome = Literal["won", "nominated"]

_line = v.line
_optional_line = optional(v.single_line)


_STR = frozenset({str})


class _Each:
    """deep_iterable(member), first tried fast on a tuple: its members all of
    type `kind` exactly, or all in `allowed`, or (neither given) all passing
    `member` in one loop; else the attrs validator runs, for its error.  (Per
    member, attrs' validator cost more than the rest of building a Film.)"""

    def __init__(
        self, member: Any, kind: type | None = None, allowed: frozenset[str] | None = None
    ) -> None:
        self.kind, self.member, self.allowed = kind, member, allowed
        self.kinds = frozenset({kind})
        iterable = instance_of(tuple) if kind is not None else None
        self.full = deep_iterable(member_validator=member, iterable_validator=iterable)

    def __call__(self, instance: Any, attribute: Any, value: Any) -> None:
        if type(value) is tuple:  # (issuperset runs over the members in C)
            if self.kind is not None:
                if self.kinds.issuperset(map(type, value)):
                    return
            elif self.allowed is not None:
                if _STR.issuperset(map(type, value)) and self.allowed.issuperset(value):
                    return
            else:
                member = self.member
                for item in value:
                    member(instance, attribute, item)
                return
        self.full(instance, attribute, value)

    def __repr__(self) -> str:
        return repr(self.full)


def _tuple_of(kind: type) -> Any:
    return _Each(instance_of(kind), kind)


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Any iterable of entries as a tuple (the element validator checks the type)."""
    return tuple(value)


def _str_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        raise ValueError("expected a list of text lines, got a single string")
    return tuple(v.text(item) for item in value or ())  # type: ignore[attr-defined]


@frozen
class Translation:
    """One entry of the languages section."""

    language: str = field(converter=v.folded_text, validator=_line)
    language_code: str = field(converter=v.language_code)
    country_code: str = field(converter=v.country_code)
    title: str | None = field(default=None, converter=v.optional_text, validator=_optional_line)
    tagline: str | None = field(default=None, converter=v.optional_text, validator=_optional_line)


def _offers(value: object) -> tuple[Any, ...]:  # the in_(OFFERS) validator narrows it
    if isinstance(value, str):
        raise ValueError("expected a list of offers, got a single string")
    return tuple(v.lower_word(item) for item in value or ())  # type: ignore[attr-defined]


@frozen
class Availability:
    """One country of the where-to-watch section and its offers in page order."""

    country_code: str = field(converter=v.country_code)
    country_name: str = field(converter=v.text, validator=_line)
    offers: tuple[Offer, ...] = field(
        default=(), converter=_offers, validator=_Each(in_(OFFERS), allowed=frozenset(OFFERS))
    )


@frozen
class Review:
    author: str = field(converter=v.text, validator=_line)
    rating: float | None = field(converter=v.optional_rating, validator=v.out_of_ten)
    content: str = field(converter=v.text, validator=_line)


@frozen
class DialogueLine:
    speaker: str = field(converter=v.text, validator=v.speaker)
    text: str = field(converter=v.text, validator=_line)


@frozen
class Award:
    ceremony: str = field(converter=v.text, validator=in_(CEREMONIES))
    outcome: Outcome = field(converter=v.lower_word, validator=in_(OUTCOMES))
    category: str = field(converter=v.text, validator=_line)
    year: int = field(converter=v.year, validator=v.four_digit_year)
    nominee: str = field(converter=v.text, validator=_line)


@frozen
class MediaItem:
    kind: str = field(converter=v.lower_word, validator=v.one_word)
    title: str = field(converter=v.text, validator=_line)


def _extra_sections(value: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise ValueError("expected a mapping of heading -> lines")
    return {v.text(heading): _str_tuple(lines) for heading, lines in value.items()}


def _extra_section(_: object, attribute: Any, value: dict[str, tuple[str, ...]]) -> None:
    for heading, lines in value.items():
        _line(_, attribute, heading)
        for line in lines:
            _line(_, attribute, line)


@frozen
class Film:
    """Everything the page says about one film, in export order.

    ``title`` is None only from a lenient parse of a page without one.
    ``extra_sections`` holds the sections a lenient parse did not know
    (heading -> lines).  ``diagnostics`` are the warnings of a lenient parse:
    about the page, not the film, so they take no part in equality or export.
    """

    title: str | None = field(converter=v.optional_line_text, validator=optional(_line))
    tagline: str | None = field(default=None, converter=v.optional_text, validator=_optional_line)
    release_date: dt.date | None = field(default=None, converter=v.optional_date)
    runtime_minutes: int | None = field(
        default=None, converter=v.optional_runtime, validator=v.non_negative
    )
    genres: tuple[str, ...] = field(default=(), converter=v.genre_list, validator=_Each(v.genre))
    status: str | None = field(default=None, converter=v.optional_text, validator=_optional_line)
    overview: str | None = field(default=None, converter=v.optional_paragraphs)
    budget: int | None = field(default=None, converter=v.optional_dollars, validator=v.non_negative)
    revenue: int | None = field(
        default=None, converter=v.optional_dollars, validator=v.non_negative
    )
    vote_average: float | None = field(
        default=None, converter=v.optional_rating, validator=v.out_of_ten
    )
    vote_count: int | None = field(
        default=None, converter=v.optional_count, validator=v.non_negative
    )
    popularity: float | None = field(
        default=None, converter=v.optional_float, validator=v.non_negative
    )
    original_language: str | None = field(default=None, converter=v.optional_language_code)
    translations: tuple[Translation, ...] = field(
        default=(), converter=_tuple, validator=_tuple_of(Translation)
    )
    availability: tuple[Availability, ...] = field(
        default=(), converter=_tuple, validator=_tuple_of(Availability)
    )
    cast: tuple[str, ...] = field(default=(), converter=_str_tuple, validator=_Each(_line))
    crew: tuple[str, ...] = field(default=(), converter=_str_tuple, validator=_Each(_line))
    reviews: tuple[Review, ...] = field(default=(), converter=_tuple, validator=_tuple_of(Review))
    dialogue: tuple[DialogueLine, ...] = field(
        default=(), converter=_tuple, validator=_tuple_of(DialogueLine)
    )
    awards: tuple[Award, ...] = field(default=(), converter=_tuple, validator=_tuple_of(Award))
    media: tuple[MediaItem, ...] = field(
        default=(), converter=_tuple, validator=_tuple_of(MediaItem)
    )
    extra_sections: dict[str, tuple[str, ...]] = field(
        factory=dict, converter=_extra_sections, validator=_extra_section, hash=False
    )
    diagnostics: tuple[Diagnostic, ...] = field(
        default=(), converter=_tuple, validator=_tuple_of(Diagnostic), eq=False
    )
