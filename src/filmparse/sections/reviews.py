"""Reviews: author, optional "N.N/10" rating, one line of Markdown content."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node

from .._entries import Entry, Pair, group_span, line_span
from ..models import Review
from ..visitor import BaseVisitor, Source
from ._free import refused
from ._spec import Section

if TYPE_CHECKING:
    from ..models import Film
    from ..render import PageWriter

HEADING = "Reviews"
FIELD = "reviews"


class ReviewsVisitor(BaseVisitor):
    def visit_reviews(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        return [(FIELD, Entry(children[1]))]

    def visit_review(self, node: Node, children: Sequence[Any]) -> Entry:
        author, rating, content = children
        if refused(self, author, "author", HEADING, "review author", entry=node) or refused(
            self, content, "content", HEADING, "review content", entry=node
        ):
            return Entry(None)
        rating_match = rating[0] if rating else None
        values = {
            "author": author.group("author"),
            "rating": rating_match.group("rating") if rating_match else None,
            "content": content.group("content"),
        }
        source: Source = {"author": author, "rating": rating_match or author, "content": content}
        review = self.build(Review, HEADING, values, source, node)
        if not self.track or review is None:
            return Entry(review)
        spans = [group_span(author, "author", ".author"), group_span(content, "content",
                 ".content")]  # fmt: skip
        if rating_match:
            spans.insert(1, line_span(rating_match, ".rating"))
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
