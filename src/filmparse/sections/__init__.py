"""The page's sections, listed once, in page order.

Each section's module holds its visitor methods (a mixin), its writer for
render(), its heading and name, and its error hints; its grammar file of the
same name in grammars/sections/ holds its rules.  From the list below come
the page-level rules, the headings, the section order, the error hints and
the composed FilmVisitor.
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Iterator, Mapping
from typing import cast

from .._builders import checked_film
from ..visitor import BaseVisitor
from . import (
    awards,
    backdrop,
    cast_crew,
    dialogue,
    facts,
    header,
    languages,
    media,
    overview,
    reviews,
    where_to_watch,
)
from ._page import PageVisitor
from ._spec import Label, Line, Section, regex_text

__all__ = ["HEADER", "HEADINGS", "SECTIONS", "FilmVisitor", "Label", "Line", "Section"]

SECTIONS: tuple[Section, ...] = (
    header.SECTION,
    overview.SECTION,
    facts.SECTION,
    backdrop.SECTION,
    languages.SECTION,
    where_to_watch.SECTION,
    cast_crew.CAST_SECTION,
    cast_crew.CREW_SECTION,
    reviews.SECTION,
    dialogue.SECTION,
    awards.SECTION,
    media.SECTION,
)

HEADER = SECTIONS[0].name  # what the lines before the first heading belong to
HEADINGS = tuple(section.heading for section in SECTIONS if section.heading is not None)
# A heading line -> the section it opens.
HEADING_SECTIONS = {s.heading: s.name for s in SECTIONS if s.heading is not None}
SECTION_ORDER = ", ".join(HEADINGS)


def _merged(pairs: Iterator[tuple[str, str]], what: str) -> dict[str, str]:
    """One table of many sections' entries; a key given twice is a mistake."""
    table: dict[str, str] = {}
    for key, value in pairs:
        if table.setdefault(key, value) != value:
            raise ValueError(f"{what} {key!r} is given twice, differently")
    return table


def _next_heading(index: int) -> str:
    return next(s.heading for s in SECTIONS[index + 1 :] if s.heading is not None)


# What may come next, by section, when a line fits nothing there.
NEXT_IN_SECTION: Mapping[str, str] = {
    s.name: s.hint.format(next=_next_heading(i) if "{next}" in s.hint else "")
    for i, s in enumerate(SECTIONS)
    if s.hint is not None
}
# Rules that fail inside an entry, where the grammar knows exactly what is due.
NEXT_IN_ENTRY = _merged((pair for s in SECTIONS for pair in s.entry_hints.items()), "entry rule")


def _field_names(section: Section) -> Iterator[tuple[str, str]]:
    """(rule, Film field) of each of the section's field rules."""
    names = {line.rule: line.name for line in section.lines}
    for rule in section.fields:
        yield rule, names.get(rule, rule)


def _checked_fields() -> frozenset[str]:
    """The Film fields whose values the visitor hands on checked: each header
    and fact line's (film_field ran its Film field's converter and validator),
    and each list of models (built by their constructors or builders).  Cast
    and crew lines and the overview are converted by the Film, as are
    extra_sections and the diagnostics."""
    lines = {field for s in SECTIONS for _, field in _field_names(s)}
    models = {s.items for s in SECTIONS if s.items is not None} - {"cast", "crew"}
    return frozenset(lines | models)


def _visitor() -> type[BaseVisitor]:
    mixins = tuple(dict.fromkeys(section.visitor for section in SECTIONS))
    namespace = {
        "field_sections": {rule: s.name for s in SECTIONS for rule, _ in _field_names(s)},
        "heading_rules": frozenset(s.heading_rule for s in SECTIONS if s.heading is not None),
        "label_rules": frozenset(label.rule for s in SECTIONS for label in s.labels),
        "expected": _merged((pair for s in SECTIONS for pair in s.expected.items()), "field"),
        "optional": tuple(s.optional for s in SECTIONS),
        "wholes": tuple(s.whole for s in SECTIONS),
        "lenient_sections": {s.lenient: s.name for s in SECTIONS[1:] if s.lenient is not None},
        "order": tuple(s.name for s in SECTIONS if s.lenient is not None),
        "headings": {s.name: s.heading for s in SECTIONS if s.heading is not None},
        "item_fields": frozenset(s.items for s in SECTIONS if s.items is not None),
        "field_section": {field: s.name for s in SECTIONS for _, field in _field_names(s)},
        "film_of": staticmethod(checked_film(_checked_fields())),
        "__doc__": BaseVisitor.__doc__,
        "__module__": __name__,
    }
    return cast("type[BaseVisitor]", type("FilmVisitor", (*mixins, PageVisitor), namespace))


FilmVisitor = _visitor()


def page_rules(one_regex: Collection[str] = ()) -> str:
    """The page-level rules, as grammar text: they follow from the list above.

    film_page is one regex where every section's `whole` rule is one of the
    regexes `one_regex`: each section that regex as a group of its name, an
    optional one possessive (PEG's `x?`: never given back); one node, where a
    sequence of rules, `x?` and alternations made 29.  film_page_for_errors
    reads each section by its `rule`, whose other alternatives fail inside
    the entry that broke off, with its error."""
    first, rest = SECTIONS[0], SECTIONS[1:]
    each = [s.rule + ("?" if s.optional else "") for s in SECTIONS]
    if {"leading_blank", "end_of_page", *(s.whole for s in SECTIONS)} <= set(one_regex):
        groups = "".join(f"(?P<{s.whole}>(?&-{s.whole}))" + ("?+" if s.optional else "")
                         for s in SECTIONS)  # fmt: skip
        page = f'{"film_page":<19} = ~r"(?&leading_blank){groups}(?&end_of_page)"'
    else:
        page = _wrapped("film_page", " ".join(["leading_blank", *each, "end_of_page"]))
    lenient = [s.lenient for s in rest if s.lenient is not None]
    words = [label.text for s in SECTIONS for label in s.labels]
    words += [word for s in SECTIONS for word in s.never_headings]
    rules = [
        "# The page: its sections in order, each but the header and facts optional;",
        "# each is the regex that reads it whole, as a group of that rule's name.",
        page,
        "# The same pages, each section read by its rule: where film_page fails, this",
        "# fails inside the entry that broke off (parser.py reads a refused page again",
        "# with it, for the error).",
        _wrapped("film_page_for_errors", " ".join(["leading_blank", *each, "end_of_page"])),
        "# Lenient mode: parse(text, strict=False) starts here instead (film_page.ppeg).",
        "# A page strict mode reads whole is read as strict mode reads it (its entries",
        "# and values are checked alike, the refusals then diagnostics), the others",
        "# section by section.",
        _wrapped("lenient_page", "film_page / lenient_sections"),
        _wrapped("lenient_sections", f"leading_blank {first.lenient} lenient_section* end_of_page"),
        _wrapped("lenient_section", " / ".join([*lenient, "extra_section", "unparsed_line"])),
        "# Lines that open something else. Free-text lines (tagline, overview, cast, ...)",
        "# must not be one of these; that is the rule that keeps the format unambiguous.",
        f'heading             = ~r"(?:{"|".join(regex_text(h) for h in HEADINGS)})\\n"',
        "# Labels, offers and header/fact lines are never headings.",
        f'label               = ~r"(?:{"|".join(regex_text(word) for word in words)})\\n"i',
    ]
    return "\n".join(rules) + "\n"


def _wrapped(name: str, body: str) -> str:
    return "\n".join(textwrap.wrap(f"{name:<19} = {body}", 90, subsequent_indent=" " * 22))
