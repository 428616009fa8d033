"""Facts: no heading of their own, right after the overview; each line optional."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import RegexNode

from .._entries import Pair
from ..visitor import BaseVisitor
from ._spec import Line, Section

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

NAME = "facts"
BUDGET = Line("budget", "Budget")
REVENUE = Line("revenue", "Revenue")
VOTE_AVERAGE = Line("vote_average", "Vote Average")
VOTE_COUNT = Line("vote_count", "Vote Count")
POPULARITY = Line("popularity", "Popularity")
ORIGINAL_LANGUAGE = Line("original_language", "Original Language")
LINES = (BUDGET, REVENUE, VOTE_AVERAGE, VOTE_COUNT, POPULARITY, ORIGINAL_LANGUAGE)


_RULES = tuple(line.rule for line in LINES)


class FactsVisitor(BaseVisitor):
    # Each fact line is a Film field (the generic field handler reads it where
    # a lenient page has it alone).
    def visit_facts(self, node: RegexNode, children: Sequence[Any]) -> list[Pair]:
        if self.strict and not self.track:  # no spans needed: the block's groups will do
            block = node.match  # (None: a line absent, or without a value, as the default is)
            return [self.film_field(block, NAME, name)
                    for name, raw in block.groupdict().items() if raw is not None]  # fmt: skip
        return [self.film_field(match, NAME) for _, match in self.read_back(node, _RULES)]


def write(film: Film, page: PageWriter) -> None:
    facts = []
    if film.budget is not None:
        facts.append(f"{BUDGET.prefix} ${film.budget:,}")
    if film.revenue is not None:
        facts.append(f"{REVENUE.prefix} ${film.revenue:,}")
    if film.vote_average is not None:
        facts.append(f"{VOTE_AVERAGE.prefix} {page.number(film.vote_average)}/10")
    if film.vote_count is not None:
        facts.append(f"{VOTE_COUNT.prefix} {film.vote_count}")
    if film.popularity is not None:
        facts.append(f"{POPULARITY.prefix} {page.number(film.popularity)}")
    if film.original_language is not None:
        facts.append(f"{ORIGINAL_LANGUAGE.prefix} {film.original_language}")
    if facts:
        page.add(*facts, "")


SECTION = Section(
    rule="facts",
    name=NAME,
    visitor=FactsVisitor,
    write=write,
    optional=False,
    lines=LINES,
    lookahead="fact",
    fields=tuple(line.rule for line in LINES),
    expected={
        "budget": "an amount such as $3,600,000",
        "revenue": "an amount such as $49,800,000",
        "vote_average": "a rating such as 7.253/10",
        "vote_count": "a whole number such as 1524",
        "popularity": "a number such as 3.1095",
        "original_language": "an ISO 639-1 code such as en",
    },
)
