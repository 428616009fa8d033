"""Typed Film -> page text, in the format of the reference page.

The writer is the grammar read backwards: sections in order, blank lines
where the site puts them, empty sections as bare headings, absent values
left out.  parse(render(film)) == film for every Film the writer accepts;
a Film holding a value the page format cannot carry unambiguously (a cast
line that reads as a heading, a tagline that starts like a header line) is
refused with RenderError rather than written as a page that would parse
differently.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NoReturn

from attrs import field, frozen

from .errors import Error
from .grammar import rule_regex
from .models import Film
from .sections import HEADINGS as HEADINGS  # the tests' strategies read it here
from .sections import SECTIONS

# Characters the normalisation step rewrites: a value holding one would not
# read back as itself.
_REWRITTEN = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u2007\u202f\u200b\u2060\ufeff\ud800-\udfff]"
)
_HEADINGS = frozenset(HEADINGS)


class RenderError(Error):
    """A Film value the page format cannot represent unambiguously."""


def render(film: Film) -> str:
    """The page text of `film` (LF line endings, one final newline)."""
    if film.title is None:
        raise RenderError("a film without a title cannot be written: line 1 is the title")
    if film.extra_sections:
        raise RenderError(
            f"extra sections ({', '.join(film.extra_sections)}) cannot be written: "
            "the page format has no place for them"
        )
    page = PageWriter()
    for section in SECTIONS:
        section.write(film, page)
    out = page.lines
    while out and out[-1] == "":
        out.pop()
    text = "\n".join(out) + "\n"
    bad = _REWRITTEN.search(text)
    if bad:
        raise RenderError(f"U+{ord(bad.group()):04X} cannot be written: normalisation rewrites it")
    return text


def number(value: float) -> str:
    """A float in plain decimal notation that reads back as the same float."""
    text = repr(value + 0.0)  # + 0.0 turns -0.0 into 0.0
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text if "." in text else text + ".0"


@frozen
class PageWriter:
    """The lines of the page being written, and the checks every section's writer shares."""

    lines: list[str] = field(factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def free(self, line: str, what: str) -> str:
        """A line of free text, refused if it would read as a section heading."""
        if line in _HEADINGS:
            self.refuse(f"{what} line {line!r} would read as a section heading")
        return line

    def is_heading(self, line: str) -> bool:
        return line in _HEADINGS

    def reads_as(self, rule: str, line: str) -> bool:
        """Whether the grammar's lookahead rule `rule` (header_field, fact) takes `line`."""
        return rule_regex(rule).match(line + "\n") is not None

    @staticmethod
    def number(value: float) -> str:
        return number(value)

    @staticmethod
    def refuse(message: str) -> NoReturn:
        raise RenderError(message) from None
