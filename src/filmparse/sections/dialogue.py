"""Dialogue: "SPEAKER: text" lines, the speaker holds no colon."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node, RegexNode

from .._builders import from_grammar, many_from_grammar
from .._entries import Entry, Items, Pair, Unparsed, group_span
from ..grammar import rule_regex
from ..models import DialogueLine
from ..visitor import BaseVisitor
from ._spec import Section

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

HEADING = "Famous Conversations"
FIELD = "dialogue"
_LINE_OF = from_grammar(DialogueLine)  # the grammar's regex guarantees one line, no colon
_LINES_OF = many_from_grammar(DialogueLine)


class DialogueVisitor(BaseVisitor):
    def visit_dialogue(self, node: RegexNode, children: Sequence[Any]) -> list[Pair]:
        start = self.heading_of(node, "dialogue_heading").end()
        return [(FIELD, Entry(self._spoken(start, node.end)))]

    def visit_dialogue_lines(self, node: RegexNode, children: Sequence[Any]) -> list[Entry] | Items:
        return self._spoken(node.start, node.end)

    visit_dialogue_block = visit_dialogue_lines

    def _spoken(self, start: int, end: int) -> list[Entry] | Items:
        """The dialogue lines from `start` to `end`, read back with dialogue_line."""
        regex = rule_regex("dialogue_line")
        if self.track:
            return [self._dialogue_line(match) for match in regex.finditer(self.text, start, end)]
        # The common case, a column at a time: the groups are the fields, in order.
        lines = _LINES_OF(regex.findall(self.text, start, end))
        if lines is None:  # build() says which field refused and where
            lines = [self._dialogue_line(match).value
                     for match in regex.finditer(self.text, start, end)]  # fmt: skip
        return Items(lines)

    def _dialogue_line(self, match: re.Match[str]) -> Entry:
        line = _LINE_OF(*match.groups())
        if line is None:  # build() says which field refused and where
            line = self.build(DialogueLine, HEADING, match.groupdict(), match)
        if not self.track or line is None:
            return Entry(line)
        return Entry(line, (group_span(match, "speaker", ".speaker"),
                            group_span(match, "text", ".text")))  # fmt: skip

    def visit_lenient_dialogue(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        entries: list[Entry] = []
        for item in children[1]:  # blocks of dialogue lines, and unparsed lines
            if isinstance(item, Unparsed):
                self.unparsed(item, HEADING)
            else:
                entries += item.values if isinstance(item, Items) else item
        return [(FIELD, Entry(Items(entries) if not self.track else entries))]


def write(film: Film, page: PageWriter) -> None:
    page.add(HEADING, "")
    for line in film.dialogue:
        page.add(f"{line.speaker}: {line.text}", "")


_LINE = "SPEAKER: text"

SECTION = Section(
    rule="dialogue",
    heading=HEADING,
    visitor=DialogueVisitor,
    write=write,
    lenient="lenient_dialogue",
    items=FIELD,
    hint=f"a dialogue line '{_LINE}' or the next section heading",
    expected={"speaker": _LINE, "text": _LINE},
)
