"""Media: pairs of lines, a one-word kind then a title."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node

from .._entries import Entry, Pair, group_span
from ..models import MediaItem
from ..visitor import BaseVisitor
from ._free import is_heading, refused
from ._spec import Section

if TYPE_CHECKING:
    from ..models import Film
    from ..render import PageWriter

HEADING = "Media"
FIELD = "media"


class MediaVisitor(BaseVisitor):
    def visit_media(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        return [(FIELD, Entry(children[1]))]

    def visit_media_item(self, node: Node, children: Sequence[Any]) -> Entry:
        kind, title = children
        if self._kind_is_a_heading(kind, node) or refused(
            self, title, "title", HEADING, "media title", entry=node
        ):
            return Entry(None)
        values = {"kind": kind.group("kind"), "title": title.group("title")}
        item = self.build(MediaItem, HEADING, values, {"kind": kind, "title": title}, node)
        if not self.track or item is None:
            return Entry(item)
        return Entry(item, (group_span(kind, "kind", ".kind"),
                            group_span(title, "title", ".title")))  # fmt: skip

    def _kind_is_a_heading(self, kind: re.Match[str], entry: Node) -> bool:
        """A kind is written capitalised ("Clip"): "CAST" would be written as the Cast heading."""
        written = kind.group("kind").lower().capitalize()
        if not is_heading(written):
            return False
        message = (
            f"media kind {kind.group('kind')!r} would be written {written!r}, a section heading"
        )
        if self.strict:
            raise self.error_at(kind.start(), message, section=HEADING, code="FP202",
                                expected="a media kind that is no section heading")  # fmt: skip
        self.warn("FP202", kind.start(), f"{message}; entry dropped", HEADING, self.end_of(entry))
        return True

    def visit_lenient_media(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        return [(FIELD, Entry(self.entries(children[1], HEADING)))]


def write(film: Film, page: PageWriter) -> None:
    page.add(HEADING, "")
    for item in film.media:
        page.add(page.free(item.kind.capitalize(), "media kind"), page.free(item.title, "media"))


SECTION = Section(
    rule="media",
    heading=HEADING,
    visitor=MediaVisitor,
    write=write,
    lenient="lenient_media",
    items=FIELD,
    hint="a one-word media kind (Clip, Trailer, ...) followed by its title line",
    entry_hints={"media_title": "the title line of the media item"},
    expected={"kind": "a one-word media kind such as Clip"},
)
