"""Overview: paragraphs separated by blank lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node

from ..visitor import BaseVisitor, Entry, Pair
from ._spec import Section
from .facts import LINES as FACT_LINES

if TYPE_CHECKING:
    from ..models import Film
    from ..render import PageWriter

NAME = "overview"
HEADING = "Overview"


class OverviewVisitor(BaseVisitor):
    def visit_overview(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        heading, lines = children
        return [self._overview(heading, lines)]

    def _overview(self, heading: re.Match[str], lines: Sequence[re.Match[str]]) -> Pair:
        parts: list[str] = []
        for line in lines:
            parts.append(line.group("text"))
            parts.append("\n\n" if line.group("gap") else "\n")
        if not lines:
            return NAME, Entry(None, (("", heading.start(), heading.start()),))
        return NAME, Entry(
            "".join(parts[:-1]) or None, (("", lines[0].start(), lines[-1].end("text")),)
        )

    def visit_lenient_overview(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        heading, lines, rest = children
        return [self._overview(heading, lines), *self.header_lines(rest, NAME)]


def write(film: Film, page: PageWriter) -> None:
    page.add(HEADING, "")
    if film.overview is not None:
        for line in film.overview.split("\n"):
            if line and (page.reads_as("fact", line) or page.is_heading(line)):
                page.refuse(f"overview line {line!r} would read as a fact or heading")
        page.add(film.overview, "")


_FACTS = ", ".join(line.prefix for line in FACT_LINES)

SECTION = Section(
    rule="overview",
    name=NAME,
    heading=HEADING,
    visitor=OverviewVisitor,
    write=write,
    lenient="lenient_overview",
    fields=(),
    hint=f"an overview paragraph, a fact line ({_FACTS}) or the next section heading",
    expected={"overview": "overview paragraphs"},
)
