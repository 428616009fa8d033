"""Header: the title, an optional tagline, metadata lines, a bare label."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node, RegexNode

from .._entries import Entry, Pair, Unparsed, group_span
from ..visitor import BaseVisitor
from ._free import HEADING_RULE, refused
from ._spec import Label, Line, Section
from .facts import LINES as FACT_LINES
from .facts import NAME as FACTS

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

NAME = "header"
RELEASE_DATE = Line("release_date", "Release Date")
RUNTIME = Line("runtime", "Runtime", "runtime_minutes")
GENRES = Line("genres", "Genres")
STATUS = Line("status", "Status")
LINES = (RELEASE_DATE, RUNTIME, GENRES, STATUS)
WATCH = Label("watch", "Watch")


_TAGLINE_RULES = (*HEADING_RULE, "header_field", "fact")  # what a tagline must not read as
_RULES = ("title", "tagline", *(line.rule for line in LINES), WATCH.rule)  # header_block's
_FREE = {"title": HEADING_RULE, "tagline": _TAGLINE_RULES}  # free-text group -> not these


class HeaderVisitor(BaseVisitor):
    def visit_header_block(self, node: RegexNode, children: Sequence[Any]) -> list[Pair]:
        pairs: list[Pair] = []
        if self.strict and not self.track:  # no spans, no label: the block's groups will do
            block = node.match
            for name, raw in block.groupdict().items():  # in line order; None: no value
                if raw is None:
                    continue
                if name in _FREE:
                    pairs.append(self._free_field(block, _FREE[name], name))
                else:
                    pairs.append(self.film_field(block, NAME, name))
            return pairs
        for rule, match in self.read_back(node, _RULES):
            if rule == "title":
                pairs.append(self._free_field(match, HEADING_RULE))
            elif rule == "tagline":
                pairs.append(self._free_field(match, _TAGLINE_RULES))
            elif rule == WATCH.rule:
                self.label("label", match)
            else:
                pairs.append(self.film_field(match, NAME))
        return pairs

    def visit_header_lines(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        title, *optional_lines = children
        return [title] + [line[0] for line in optional_lines if line and line[0]]

    def visit_header(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        pairs: list[Pair] = children[0]
        return pairs

    def visit_title(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self._free_field(node.match, HEADING_RULE)

    def visit_tagline(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self._free_field(node.match, _TAGLINE_RULES)

    def _free_field(
        self, match: re.Match[str], rules: tuple[str, ...], name: str | None = None
    ) -> Pair:
        """A title or tagline line (`name`: that group of the block's match);
        refused if, stripped, it reads as one of `rules`."""
        name = next(iter(match.re.groupindex)) if name is None else name
        if refused(self, match, name, NAME, name, rules, code="FP201",
                   outcome=f"{name} set to null"):  # fmt: skip
            return name, Entry(None, (group_span(match, name),))
        return self.film_field(match, NAME, name)

    def visit_watch(self, node: RegexNode, children: Sequence[Any]) -> None:
        self.label("label", node.match)
        return None  # a label that carries no data

    def visit_lenient_header_lines(self, node: Node, children: Sequence[Any]) -> list[Pair]:
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
        check_order(self, node.children[2].children, lines, 0)
        pairs += self.header_lines(lines, NAME)
        return pairs


# Strict mode reads the header lines, then the facts, each at most once, in
# this order (the facts under the Overview when there is one).
_IN_ORDER = (*((line.name, line.prefix) for line in LINES), (WATCH.rule, WATCH.text),
             *((line.name, line.prefix) for line in FACT_LINES))  # fmt: skip
ORDER = {name: place for place, (name, _) in enumerate(_IN_ORDER)}  # field -> place
FIRST_FACT = ORDER[FACT_LINES[0].name]


def check_order(
    visitor: BaseVisitor, nodes: Sequence[Node], lines: Sequence[Any], first: int
) -> None:
    """Lenient header or fact lines (`lines`, read from `nodes`), which may come
    in any order: a line strict mode refuses where it stands gets a diagnostic,
    FP205 for one out of order (or, `first` being the facts' place, a header
    line under the Overview), FP203 for the Watch label again (a field again is
    FP203 when the page is assembled)."""
    furthest, seen = first - 1, dict[int, int]()  # place -> where first read
    first_line = 0  # of the first Watch label, once counted
    for node, item in zip(nodes, lines, strict=True):
        if isinstance(item, Unparsed):
            continue
        name = WATCH.rule if item is None else item[0]
        place = ORDER[name]
        section = FACTS if place >= FIRST_FACT else NAME
        if place in seen:
            if name == WATCH.rule:
                first_line = first_line or visitor.text.count("\n", 0, seen[place]) + 1
                visitor.warn("FP203", node.start, f"{WATCH.text!r} given again (first on "
                             f"line {first_line})", section)  # fmt: skip
        elif place < first:
            visitor.warn("FP205", node.start, f"header line {_IN_ORDER[place][1]!r} under the "
                         "Overview (header lines come before its heading); read anyway",
                         section)  # fmt: skip
        elif place < furthest:
            shown, after = _IN_ORDER[place][1], _IN_ORDER[furthest][1]
            visitor.warn("FP205", node.start, f"{shown!r} after {after!r}, out of "
                         f"order ({_ORDER_TEXT}); read anyway", section)  # fmt: skip
        seen.setdefault(place, node.start)
        furthest = max(furthest, place)


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
_ORDER_TEXT = f"{_LINE_NAMES}, then {', '.join(line.prefix for line in FACT_LINES)}"

SECTION = Section(
    rule="header",
    whole="header_block",
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
