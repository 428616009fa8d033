"""Backdrop: a label only, its heading line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node, RegexNode

from .._entries import Pair
from ..visitor import BaseVisitor
from ._spec import Section

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

HEADING = "Backdrop"


class BackdropVisitor(BaseVisitor):
    def visit_backdrop(self, node: RegexNode, children: Sequence[Any]) -> list[Pair]:
        self.label("heading", node.match)
        return []

    def visit_lenient_backdrop(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        for line in children[1]:
            self.unparsed(line, HEADING, f"the {HEADING} section holds no lines")
        return []


def write(film: Film, page: PageWriter) -> None:
    page.add(HEADING, "")


SECTION = Section(
    rule="backdrop",
    heading=HEADING,
    heading_rule="backdrop",  # the heading is the whole section
    visitor=BackdropVisitor,
    write=write,
    lenient="lenient_backdrop",
    hint="the next section heading",
)
