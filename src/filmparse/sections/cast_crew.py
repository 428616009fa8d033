"""Cast and crew: two sections of one free-text line each."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node

from .._entries import Entry, Items, Pair
from ..grammar import rule_regex
from ..visitor import BaseVisitor
from ._free import refused
from ._spec import Section

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

CAST = "Cast"
CREW = "Crew"


class CastCrewVisitor(BaseVisitor):
    # Lenient pages are read by these strict rules too: a line is a line.
    def visit_cast(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        start = self.heading_of(node, "cast_heading").end()
        return [("cast", Entry(self._lines(start, node.end, "cast_line", CAST)))]

    def visit_crew(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        start = self.heading_of(node, "crew_heading").end()
        return [("crew", Entry(self._lines(start, node.end, "crew_line", CREW)))]

    def _lines(self, start: int, end: int, rule: str, heading: str) -> list[Entry] | Items:
        """The lines from `start` to `end`, read back with the line rule."""
        lines = rule_regex(rule).finditer(self.text, start, end)
        if not self.track:  # the common case: a line that starts with its text is kept as read
            found = rule_regex(rule).findall(self.text, start, end)
            if not any(line[:1].isspace() for line in found):
                return Items(found)
        return [self._line(match, heading) for match in lines]

    def _line(self, match: re.Match[str], heading: str) -> Entry:
        if refused(self, match, "line", heading, f"{heading.lower()} line",
                   outcome="line dropped"):  # fmt: skip
            return Entry(None)
        return self.free_line(match, heading)


def write_cast(film: Film, page: PageWriter) -> None:
    _write(CAST, film.cast, page)


def write_crew(film: Film, page: PageWriter) -> None:
    _write(CREW, film.crew, page)


def _write(heading: str, lines: tuple[str, ...], page: PageWriter) -> None:
    page.add(heading, "")
    if lines:
        page.add(*[page.free(line, heading) for line in lines], "")


def _section(heading: str, write: Callable[[Film, PageWriter], None]) -> Section:
    rule = heading.lower()
    return Section(
        rule=rule,
        heading=heading,
        visitor=CastCrewVisitor,
        write=write,
        lenient=rule,
        items=rule,
        hint=f"a {rule} line or the next section heading",
    )


CAST_SECTION = _section(CAST, write_cast)
CREW_SECTION = _section(CREW, write_crew)
