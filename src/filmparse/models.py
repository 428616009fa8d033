"""Typed film records: frozen, slotted attrs classes.

Conversion and validation live on the fields (see values.py), so a Film is
valid however it was built: by the parser, from JSON, or by hand.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from typing import Any, Literal, TypeVar

import attrs
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


# -- entries the grammar has read --------------------------------------------

# What the grammar guarantees of the text it gives these fields (by class):
# a str of one line, since every regex group stops at "\n" and normalisation
# leaves no "\r" (and the dialogue speaker's group holds no colon).  Their
# converters only strip (values.text) and their validators refuse only an
# empty value, a line break or (the speaker) a colon, so a value that is
# non-empty once stripped is what the constructor would store.  No other
# guarantee is assumed: every other field runs its converter and validator.
GRAMMAR_LINES: Mapping[type, frozenset[str]] = {
    DialogueLine: frozenset({"speaker", "text"}),
    Availability: frozenset({"country_name"}),
    Review: frozenset({"author", "content"}),
    MediaItem: frozenset({"title"}),
    Award: frozenset({"category", "nominee"}),
    Translation: frozenset(),
}


def _built(cls: type) -> Callable[..., Any]:
    lines = GRAMMAR_LINES[cls]
    names: dict[str, Any] = {"new": object.__new__, "cls": cls}
    body = ["    entry = new(cls)"]
    for i, attribute in enumerate(attrs.fields(cls)):
        names[f"set{i}"] = getattr(cls, attribute.name).__set__
        if attribute.name in lines:
            body += [f"    if type(v{i}) is not str or not (v{i} := v{i}.strip()):",
                     "        return None"]  # fmt: skip
        else:
            names[f"a{i}"], names[f"c{i}"], names[f"f{i}"] = (
                attribute, attribute.converter, attribute.validator)  # fmt: skip
            body += ["    try:",
                     f"        v{i} = c{i}(v{i})" if attribute.converter else "        pass",
                     f"        f{i}(entry, a{i}, v{i})" if attribute.validator else "",
                     "    except (ValueError, TypeError):",
                     "        return None"]  # fmt: skip
        body.append(f"    set{i}(entry, v{i})")
    arguments = ", ".join(f"v{i}" for i in range(len(attrs.fields(cls))))
    source = "\n".join([f"def build({arguments}):", *filter(None, body), "    return entry"])
    exec(compile(source, f"<from_grammar {cls.__name__}>", "exec"), names)
    build: Callable[..., Any] = names["build"]
    return build


def from_grammar(cls: type[T]) -> Callable[..., T | None]:
    """A builder of `cls` for entries the grammar has read: called with the
    field values in order, it gives what cls(...) would, or None when in doubt.

    Fields in GRAMMAR_LINES[cls] are only stripped (see there); the others run
    their converter and validator as the constructor does.  None (a value
    empty once stripped, or refused) means: call the constructor, or the
    visitor's build(), for the error and where it stands.  The builder is
    written out for its class, as attrs writes the constructor: a loop over
    the fields cost more than the checks it saves.  Models built by hand or
    from JSON always go through the constructor.
    """
    return _BUILDERS[cls]


_BUILDERS: dict[type, Callable[..., Any]] = {cls: _built(cls) for cls in GRAMMAR_LINES}


# Rows built a field at a time in slices of this many: each pass over a slice
# finds its entries still in the CPU's cache.  Over a whole 52,000-line block
# (200x the reference page's dialogue) the passes cost 2x per entry.
_MANY_AT_ONCE = 512


def _many(cls: type) -> Callable[[list[tuple[Any, ...]]], list[Any] | None]:
    fields = attrs.fields(cls)
    lines = GRAMMAR_LINES[cls]
    setters = [getattr(cls, field.name).__set__ for field in fields]
    new, strip = object.__new__, str.strip

    def build(rows: list[tuple[Any, ...]]) -> list[Any] | None:
        if len(rows) <= _MANY_AT_ONCE:
            return build_some(rows)
        built: list[Any] = []
        for start in range(0, len(rows), _MANY_AT_ONCE):
            some = build_some(rows[start : start + _MANY_AT_ONCE])
            if some is None:
                return None
            built += some
        return built

    def build_some(rows: list[tuple[Any, ...]]) -> list[Any] | None:
        if not rows:
            return []
        columns = list(zip(*rows, strict=True))
        if len(columns) != len(fields):
            raise TypeError(f"{cls.__name__} has {len(fields)} fields, a row {len(columns)}")
        entries: list[Any] = list(map(new, repeat(cls, len(rows))))
        for attribute, setter, column in zip(fields, setters, columns, strict=True):
            values: Iterable[Any]
            if attribute.name in lines:
                try:  # str.strip refuses a value that is not text (as values.text does)
                    values = list(map(strip, column))
                except TypeError:
                    return None
                if not all(values):
                    return None
            else:
                try:
                    converter, validator = attribute.converter, attribute.validator
                    values = list(map(converter, column)) if converter else column
                    if validator:
                        deque(map(validator, entries, repeat(attribute), values), 0)
                except (ValueError, TypeError):
                    return None
            deque(map(setter, entries, values), 0)
        return entries

    return build


def many_from_grammar(cls: type[T]) -> Callable[[list[tuple[Any, ...]]], list[T] | None]:
    """from_grammar(cls) for a block's entries at once: given a list of rows
    (each the field values in order, as a regex's findall gives them), the
    list of what cls(*row) gives for each, or None if any row is in doubt
    (then read the block entry by entry, for the error and where it stands).

    The same checks as from_grammar, a field at a time over all rows (map,
    in C): no Python call per entry for the trusted fields, one per value
    for the others' converters and validators.  (A str subclass in a trusted
    field is stripped to a str, as the constructor does, where from_grammar
    hands it to the constructor.)
    """
    return _MANY[cls]


_MANY: dict[type, Callable[[list[tuple[Any, ...]]], list[Any] | None]] = {
    cls: _many(cls) for cls in GRAMMAR_LINES
}


# -- a Film of values its own fields have already checked ---------------------


def checked_film(trusted: frozenset[str]) -> Callable[[dict[str, Any]], Film]:
    """A builder of Film from a dict of field values, for the parser: the
    fields in `trusted` are set as given (each value is what its own Film
    field's converter and validator gave, or a tuple of models their own
    constructors or builders checked), the others converted and validated as
    Film(...) does; an absent field gets its default.  Film(**fields) cost
    as much again as the checks that had made its header and fact values.
    Any refusal: Film(**fields) is called, for its error."""
    names: dict[str, Any] = {"new": object.__new__, "cls": Film, "Film": Film}
    body = ["    try:", "        film = new(cls)", "        get = fields.get"]
    film_fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(Film)
    for i, attribute in enumerate(film_fields):
        default: Any = attribute.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            names[f"d{i}"] = default.factory
            body.append(f"        v = get({attribute.name!r}) if {attribute.name!r} in fields "
                        f"else d{i}()")  # fmt: skip
        elif default is attrs.NOTHING:
            body.append(f"        v = fields[{attribute.name!r}]")
        else:
            names[f"d{i}"] = default
            body.append(f"        v = get({attribute.name!r}, d{i})")
        if attribute.name not in trusted:
            names[f"a{i}"], names[f"c{i}"], names[f"f{i}"] = (
                attribute, attribute.converter, attribute.validator)  # fmt: skip
            body.append(f"        v = c{i}(v)" if attribute.converter else "")
            body.append(f"        f{i}(film, a{i}, v)" if attribute.validator else "")
        names[f"set{i}"] = getattr(Film, attribute.name).__set__
        body.append(f"        set{i}(film, v)")
    body += ["    except (ValueError, TypeError):",
             "        return Film(**fields)",
             "    return film"]  # fmt: skip
    source = "\n".join(["def build(fields):", *filter(None, body)])
    exec(compile(source, "<checked_film>", "exec"), names)
    build: Callable[[dict[str, Any]], Film] = names["build"]
    return build
