"""Header: the title, an optional tagline, metadata lines, a bare label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node, RegexNode

from ..visitor import BaseVisitor, Pair
from ._spec import Label, Line, Section

if TYPE_CHECKING:
    from ..models import Film
    from ..render import PageWriter

NAME = "header"
RELEASE_DATE = Line("release_date", "Release Date")
RUNTIME = Line("runtime", "Runtime", "runtime_minutes")
GENRES = Line("genres", "Genres")
STATUS = Line("status", "Status")
LINES = (RELEASE_DATE, RUNTIME, GENRES, STATUS)
WATCH = Label("watch", "Watch")


class HeaderVisitor(BaseVisitor):
    def visit_header(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        title, *optional_lines = children
        return [title] + [line[0] for line in optional_lines if line and line[0]]

    def visit_watch(self, node: RegexNode, children: Sequence[Any]) -> None:
        self.label("label", node.match)
        return None  # a label that carries no data

    def visit_lenient_header(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        title, tagline, lines = children
        pairs: list[Pair] = []
        if title:
            pairs.append(title[0])
        elif node.start >= len(self.text.rstrip("\n")):
            self.warn("FP104", 0, "the page is empty; title set to null", NAME)
        else:
            self.warn("FP104", node.start, "the page has no title line (it starts with a "
                      "section heading); title set to null", NAME)  # fmt: skip
        if tagline:
            pairs.append(tagline[0])
        pairs += self.header_lines(lines, NAME)
        return pairs


def write(film: Film, page: PageWriter) -> None:
    assert film.title is not None  # render() refused it
    page.add(page.free(film.title, "title"), "")
    if film.tagline is not None:
        if page.reads_as("header_field", film.tagline) or page.reads_as("fact", film.tagline):
            page.refuse(f"tagline {film.tagline!r} would read as a header or fact line")
        page.add(page.free(film.tagline, "tagline"), "")
    if film.release_date is not None:
        page.add(f"{RELEASE_DATE.prefix} {film.release_date.isoformat()}")
    if film.runtime_minutes is not None:
        page.add(f"{RUNTIME.prefix} {film.runtime_minutes} minutes")
    if film.genres:
        for genre in film.genres:
            if "," in genre:
                page.refuse(f"genre {genre!r} holds a comma, the genre separator")
        page.add(f"{GENRES.prefix} " + "".join(f"{genre}, " for genre in film.genres).rstrip())
    if film.status is not None:
        page.add(f"{STATUS.prefix} {film.status}")
    page.add(WATCH.text, "")


_LINE_NAMES = ", ".join([line.prefix for line in LINES] + [WATCH.text])

SECTION = Section(
    rule="header",
    name=NAME,
    visitor=HeaderVisitor,
    write=write,
    optional=False,
    lenient="lenient_header",
    lines=LINES,
    labels=(WATCH,),
    lookahead="header_field",
    fields=("title", "tagline", *(line.rule for line in LINES)),
    hint=f"a tagline or a header line ({_LINE_NAMES}), then the {{next}} heading",
    entry_hints={"title": "the film title on the first line"},
    expected={
        "title": "the film title",
        "tagline": "a tagline",
        "release_date": "a date such as 1995-10-27",
        "runtime_minutes": "a runtime such as '111 minutes'",
        "genres": "comma-separated genres",
        "status": "a status such as Released",
    },
)
