"""Reviews: author, optional "N.N/10" rating, one line of Markdown content."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node, RegexNode

from .._builders import from_grammar
from .._entries import Entry, Items, Pair, entry_lines, group_span
from ..grammar import rule_regex
from ..models import Review
from ..visitor import BaseVisitor, Source
from ._free import refused
from ._spec import Section

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

HEADING = "Reviews"
FIELD = "reviews"
_REVIEW_OF = from_grammar(Review)  # the grammar's regex guarantees one line each


class ReviewsVisitor(BaseVisitor):
    def visit_reviews_whole(self, node: RegexNode, children: Sequence[Any]) -> list[Pair]:
        return self.whole_section(node, FIELD, "reviews_heading", self._reviews)

    def visit_reviews_parts(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        return self.section_parts(node, children, FIELD, "reviews_heading", self._reviews)

    def visit_reviews_block(
        self, node: RegexNode, children: Sequence[Any]
    ) -> list[Entry] | Items:
        return self._reviews(node.start, node.end)

    def _reviews(self, start: int, end: int) -> list[Entry] | Items:
        regex = rule_regex("review_entry")
        if not self.track:
            # The groups are the fields, in order (an absent rating "": None, as
            # the group's None); a value with spaces before it (that may read as
            # a heading once stripped) takes the long way, as any refused one.
            rows = regex.findall(self.text, start, end)
            built = [None if author[:1].isspace() or content[:1].isspace()
                     else _REVIEW_OF(author, rating, content)
                     for author, rating, content in rows]  # fmt: skip
            if all(built):  # (a model is true)
                return Items(built)
        return [self._entry(review) for review in regex.finditer(self.text, start, end)]

    def _entry(self, review: re.Match[str]) -> Entry:
        return self._review(review, review, review, review if review.start("rating") >= 0 else None,
                            review)  # fmt: skip

    def visit_review(self, node: Node, children: Sequence[Any]) -> Entry:
        author, rating, content = children
        return self._review(node, author, content, rating[0] if rating else None, None)

    def _review(self, entry: Node | re.Match[str], author: re.Match[str], content: re.Match[str],
                rating: re.Match[str] | None, one: re.Match[str] | None) -> Entry:  # fmt: skip
        """A review read from its author, content and rating lines' matches
        (`one`: the one match they all are, of review_entry)."""
        if refused(self, author, "author", HEADING, "review author", entry=entry) or refused(
            self, content, "content", HEADING, "review content", entry=entry
        ):
            return Entry(None)
        values = {
            "author": author.group("author"),
            "rating": rating.group("rating") if rating else None,
            "content": content.group("content"),
        }
        source: Source = one or {"author": author, "rating": rating or author, "content": content}
        review = self.build(Review, HEADING, values, source, entry)
        if not self.track or review is None:
            return Entry(review)
        line = entry_lines(content)[-1] if one else None
        spans = [group_span(author, "author", ".author"), group_span(content, "content",
                 ".content", line)]  # fmt: skip
        if rating:
            start = rating.start("rating")
            spans.insert(1, (".rating", start, self.text.index("\n", start)))
        return Entry(review, tuple(spans))

    def visit_lenient_reviews(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        return [(FIELD, Entry(self.entries(children[1], HEADING)))]


def write(film: Film, page: PageWriter) -> None:
    page.add(HEADING, "")
    for review in film.reviews:
        page.add(page.free(review.author, "review author"))
        if review.rating is not None:
            page.add(f"{page.number(review.rating)}/10")
        elif page.reads_as("review_rating", review.content):
            page.refuse(f"unrated review content {review.content!r} reads as a rating")
        page.add(page.free(review.content, "review content"))
    if film.reviews:
        page.add("")


SECTION = Section(
    rule="reviews",
    whole="reviews_whole",
    heading=HEADING,
    visitor=ReviewsVisitor,
    write=write,
    lenient="lenient_reviews",
    items=FIELD,
    hint=(
        "a review (author line, rating line such as 7.0/10, one line of content) "
        "or the next section heading"
    ),
    entry_hints={"review_content": "the review text on one line"},
    expected={
        "author": "the review's author",
        "rating": "a rating such as 7.0/10",
        "content": "the review text",
    },
)
