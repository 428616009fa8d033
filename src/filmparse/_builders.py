"""Models built from what the grammar has read, for the parser: the same
values the constructors give, with the checks the grammar already made left out.

Models built by hand or from JSON always go through their constructors.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from typing import Any, TypeVar

import attrs

from .models import Availability, Award, DialogueLine, Film, MediaItem, Review, Translation

T = TypeVar("T")


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
# The same for lines that may be absent (the group None): their converters
# strip and make an empty value None (values.optional_text), their validators
# refuse only a line break (optional single_line).
GRAMMAR_OPTIONAL_LINES: Mapping[type, frozenset[str]] = {
    Translation: frozenset({"title", "tagline"}),
}


def _built(cls: type, fixed: Mapping[str, Any]) -> Callable[..., Any]:
    lines, optional = GRAMMAR_LINES[cls], GRAMMAR_OPTIONAL_LINES.get(cls, frozenset())
    names: dict[str, Any] = {"new": object.__new__, "cls": cls}
    body = ["    entry = new(cls)"]
    arguments = []
    for i, attribute in enumerate(attrs.fields(cls)):
        names[f"set{i}"] = getattr(cls, attribute.name).__set__
        if attribute.name in fixed:  # converted and checked once, here (a bad value raises)
            converter: Any = attribute.converter
            value = converter(fixed[attribute.name]) if converter else fixed[attribute.name]
            if attribute.validator:
                attribute.validator(None, attribute, value)
            names[f"v{i}"] = value
            body.append(f"    set{i}(entry, v{i})")
            continue
        arguments.append(f"v{i}")
        if attribute.name in lines:
            body += [f"    if type(v{i}) is not str or not (v{i} := v{i}.strip()):",
                     "        return None"]  # fmt: skip
        elif attribute.name in optional:
            body += [f"    if v{i} is not None:",
                     f"        if type(v{i}) is not str:",
                     "            return None",
                     f"        v{i} = v{i}.strip() or None"]  # fmt: skip
        else:
            names[f"a{i}"], names[f"c{i}"], names[f"f{i}"] = (
                attribute, attribute.converter, attribute.validator)  # fmt: skip
            body += ["    try:",
                     f"        v{i} = c{i}(v{i})" if attribute.converter else "        pass",
                     f"        f{i}(entry, a{i}, v{i})" if attribute.validator else "",
                     "    except (ValueError, TypeError):",
                     "        return None"]  # fmt: skip
        body.append(f"    set{i}(entry, v{i})")
    source = "\n".join([f"def build({', '.join(arguments)}):", *filter(None, body),
                        "    return entry"])  # fmt: skip
    exec(compile(source, f"<from_grammar {cls.__name__}>", "exec"), names)
    build: Callable[..., Any] = names["build"]
    return build


def from_grammar(cls: type[T], **fixed: Any) -> Callable[..., T | None]:
    """A builder of `cls` for entries the grammar has read: called with the
    field values in order, it gives what cls(...) would, or None when in doubt.

    Fields in GRAMMAR_LINES[cls] are only stripped, those in
    GRAMMAR_OPTIONAL_LINES[cls] stripped or None (see there); the others run
    their converter and validator as the constructor does.  `fixed`: fields
    whose value is the same for every entry (an award's ceremony, its
    label's outcome), converted and checked once, here (a refused one
    raises); the builder takes the other fields.  None (a value empty once stripped,
    or refused) means: call the constructor, or the visitor's build(), for
    the error and where it stands.  The builder is written out for its
    class, as attrs writes the constructor: a loop over the fields cost more
    than the checks it saves.  Models built by hand or from JSON always go
    through the constructor.
    """
    key = (cls, tuple(sorted(fixed.items())))
    if key not in _BUILDERS:
        _BUILDERS[key] = _built(cls, fixed)
    return _BUILDERS[key]


_BUILDERS: dict[tuple[type, tuple[tuple[str, Any], ...]], Callable[..., Any]] = {}


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
