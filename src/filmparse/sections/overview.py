"""Overview: paragraphs separated by blank lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node, RegexNode

from .._entries import Entry, Pair
from ..grammar import rule_regex
from ..visitor import BaseVisitor
from ._free import HEADING_RULE, refused
from ._spec import Section
from .facts import LINES as FACT_LINES
from .header import FIRST_FACT, check_order

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

NAME = "overview"
HEADING = "Overview"
_OPENS = (*HEADING_RULE, "fact")  # what an overview line must not read as


class OverviewVisitor(BaseVisitor):
    def visit_overview(self, node: RegexNode, children: Sequence[Any]) -> list[Pair]:
        heading = self.heading_of(node, "overview_heading")
        lines = rule_regex("overview_line").finditer(self.text, heading.end(), node.end)
        return [self._overview(heading, list(lines))]

    def visit_overview_lines(self, node: RegexNode, children: Sequence[Any]) -> list[re.Match[str]]:
        return list(rule_regex("overview_line").finditer(self.text, node.start, node.end))

    def _overview(self, heading: re.Match[str], lines: Sequence[re.Match[str]]) -> Pair:
        parts: list[str] = []
        starts = True  # the line starts a paragraph, whose spaces around it are stripped
        for line in lines:
            if starts and refused(self, line, "text", NAME, "overview line", _OPENS,
                                  outcome="line dropped"):  # fmt: skip
                continue
            parts.append(line.group("text"))
            parts.append("\n\n" if line.group("gap") else "\n")
            starts = bool(line.group("gap"))
        if not lines:
            return NAME, Entry(None, (("", heading.start(), heading.start()),))
        return NAME, Entry(
            "".join(parts[:-1]) or None, (("", lines[0].start(), lines[-1].end("text")),)
        )

    def visit_lenient_overview(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        heading, lines, rest = children
        check_order(self, node.children[2].children, rest, FIRST_FACT)
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
