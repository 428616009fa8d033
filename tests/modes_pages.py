"""Well-formed pages and the small edits that keep most of them well-formed.

The pages are generated films written with filmparse.render; the edits are
the ones a scraper's output drifts by: blank lines inserted, deleted or
doubled, a line indented (a tab, U+2028, an ideographic space), a line
duplicated, moved one place or upper-cased, a line of the format inserted,
a U+2028 inside a line.
Many edited pages are still valid in strict mode, many are not: both kinds
are what tests/test_modes_agree.py checks the modes and the writer on.
"""

from __future__ import annotations

import attrs
from hypothesis import strategies as st

import filmparse
from filmparse import Film, MediaItem, Review
from strategies import films, free_lines

# What precedes a line that an edit indents: each is stripped from a value's
# ends (str.strip), none of them is removed by normalisation at a line's start.
INDENTS = ("\t", " ", "  ", "\u2028", "\u3000", "\u2003", "\t\u2028")

# Lines of the format itself, inserted where they may or may not belong.
FORMAT_LINES = (
    "Overview", "Backdrop", "Cast", "Crew", "Reviews", "Media", "Watch", "Wins",
    "Nominations", "Release Date 1995-10-27", "Runtime 83 minutes", "Genres Drama",
    "Status Released", "Budget $5", "Revenue $7", "Vote Average 7.0/10", "Vote Count 12",
    "Popularity 1.5", "Original Language en", "Title:", "7.0/10", "Clip", "Wuchak",
    "CAST", "Trivia", "Box Office", "Great film.",
)  # fmt: skip

# Title-Case names: a review author or a media kind the site writes alike, and
# the shape of an unknown section's heading in lenient mode.
NAMES = ("Wuchak", "CinemaSerf", "Filipe Manuel Neto", "Clip", "Trailer", "Jane", "Box Office")


@st.composite
def realistic_films(draw: st.DrawFn) -> Film:
    """films(), with review authors and media kinds as the site writes them, sometimes."""
    film = draw(films())
    reviews = tuple(
        attrs.evolve(review, author=draw(st.sampled_from(NAMES) | st.just(review.author)))
        for review in film.reviews
    )
    if not reviews:
        unrated = st.builds(Review, author=st.sampled_from(NAMES), rating=st.none(),
                            content=free_lines(6))  # fmt: skip
        reviews = tuple(draw(st.lists(unrated, max_size=2)))
    media = film.media
    if not media:
        kinds = st.sampled_from(NAMES[3:5])
        media = tuple(draw(st.lists(st.builds(MediaItem, kind=kinds, title=free_lines(4)),
                                    max_size=2)))  # fmt: skip
    return attrs.evolve(film, reviews=reviews, media=media)


def rendered_films() -> st.SearchStrategy[str]:
    return realistic_films().map(filmparse.render)


@st.composite
def edited_pages(
    draw: st.DrawFn, pages: st.SearchStrategy[str] | None = None, max_edits: int = 3
) -> str:
    """A page (by default a rendered film) with 1 to `max_edits` small edits (see the
    module doc)."""
    lines = draw(rendered_films() if pages is None else pages).split("\n")
    for _ in range(draw(st.integers(1, max_edits))):
        at = draw(st.integers(0, len(lines) - 1))
        blanks = [i for i, line in enumerate(lines) if not line]
        edit = draw(st.sampled_from(
            ["blank", "blank", "unblank", "blanks", "indent", "indent", "duplicate", "swap",
             "upper", "insert", "separator"]
        ))  # fmt: skip
        if edit == "blank":
            lines.insert(at, "")
        elif edit == "unblank" and blanks:
            del lines[draw(st.sampled_from(blanks))]
        elif edit == "blanks" and blanks:
            where = draw(st.sampled_from(blanks))
            lines[where:where] = [""] * draw(st.integers(1, 3))
        elif edit == "indent":
            lines[at] = draw(st.sampled_from(INDENTS)) + lines[at]
        elif edit == "duplicate":
            lines.insert(at, lines[at])
        elif edit == "swap" and at + 1 < len(lines):
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
        elif edit == "upper":
            lines[at] = lines[at].upper()
        elif edit == "insert":
            lines.insert(at, draw(st.sampled_from(FORMAT_LINES)))
        elif edit == "separator":  # U+2028 inside a line: str.splitlines would cut it there
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + "\u2028" + lines[at][cut:]
    return "\n".join(lines)
