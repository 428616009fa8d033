"""Media: pairs of lines, a one-word kind then a title."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node, RegexNode

from .._builders import from_grammar
from .._entries import Entry, Items, Pair, entry_lines, group_span
from ..grammar import rule_regex
from ..models import MediaItem
from ..visitor import BaseVisitor, Source
from ._free import is_heading, refused
from ._spec import Section

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

HEADING = "Media"
FIELD = "media"
_ITEM_OF = from_grammar(MediaItem)  # the grammar's regex guarantees a one-line title


def _written_as_heading(kind: str) -> bool:
    """A kind is written capitalised ("Clip"): "CAST" would be written as the Cast heading."""
    return is_heading(kind.lower().capitalize())


class MediaVisitor(BaseVisitor):
    def visit_media_whole(self, node: RegexNode, children: Sequence[Any]) -> list[Pair]:
        return self.whole_section(node, FIELD, "media_heading", self._items)

    def visit_media_parts(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        return self.section_parts(node, children, FIELD, "media_heading", self._items)

    def visit_media_block(
        self, node: RegexNode, children: Sequence[Any]
    ) -> list[Entry] | Items:
        return self._items(node.start, node.end)

    def _items(self, start: int, end: int) -> list[Entry] | Items:
        regex = rule_regex("media_entry")
        if not self.track:  # the common case: the groups are the fields, in order
            built = [None if title[:1].isspace() else _ITEM_OF(kind, title)
                     for kind, title in regex.findall(self.text, start, end)]  # fmt: skip
            if all(built) and not any(_written_as_heading(item.kind)
                                      for item in built if item is not None):  # fmt: skip
                return Items(built)  # (a model is true)
        items = regex.finditer(self.text, start, end)
        return [self._item(item, item, item, True) for item in items]

    def visit_media_item(self, node: Node, children: Sequence[Any]) -> Entry:
        kind, title = children
        return self._item(node, kind, title, False)

    def _item(self, entry: Node | re.Match[str], kind: re.Match[str], title: re.Match[str],
              one: bool) -> Entry:  # fmt: skip
        """A media item from its kind and title lines' matches (`one`: the same match)."""
        if one and not self.track and not title.group("title")[:1].isspace():
            item = _ITEM_OF(*kind.groups())  # the common case: the groups are the fields
            if item is not None and not _written_as_heading(item.kind):
                return Entry(item)
        if self._kind_is_a_heading(kind, entry) or refused(
            self, title, "title", HEADING, "media title", entry=entry
        ):
            return Entry(None)
        values = {"kind": kind.group("kind"), "title": title.group("title")}
        source: Source = kind if one else {"kind": kind, "title": title}
        item = self.build(MediaItem, HEADING, values, source, entry)
        if not self.track or item is None:
            return Entry(item)
        line = entry_lines(title)[1] if one else None
        return Entry(item, (group_span(kind, "kind", ".kind"),
                            group_span(title, "title", ".title", line)))  # fmt: skip

    def _kind_is_a_heading(self, kind: re.Match[str], entry: Node | re.Match[str]) -> bool:
        if not _written_as_heading(kind.group("kind")):
            return False
        written = kind.group("kind").lower().capitalize()
        message = (
            f"media kind {kind.group('kind')!r} would be written {written!r}, a section heading"
        )
        if self.strict:
            raise self.error_at(kind.start("kind"), message, section=HEADING, code="FP202",
                                expected="a media kind that is no section heading")  # fmt: skip
        self.warn(
            "FP202", kind.start("kind"), f"{message}; entry dropped", HEADING, self.extent(entry)[1]
        )
        return True

    def visit_lenient_media(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        return [(FIELD, Entry(self.entries(children[1], HEADING)))]


def write(film: Film, page: PageWriter) -> None:
    page.add(HEADING, "")
    for item in film.media:
        page.add(page.free(item.kind.capitalize(), "media kind"), page.free(item.title, "media"))


SECTION = Section(
    rule="media",
    whole="media_whole",
    heading=HEADING,
    visitor=MediaVisitor,
    write=write,
    lenient="lenient_media",
    items=FIELD,
    hint="a one-word media kind (Clip, Trailer, ...) followed by its title line",
    entry_hints={"media_title": "the title line of the media item"},
    expected={"kind": "a one-word media kind such as Clip"},
)
