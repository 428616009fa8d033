"""Strict mode without a source map takes shortcuts a source map rules out:
the header and the facts come from their block's one match (each line's
value a named group of it), translations and reviews from their block's
builders.  With a source map each line or entry is read back with its rule.
Both must give the same Film, or the same error at the same line and column."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import filmparse

# Each kind of line in page order, as a page may write it (or get it wrong).
HEADER = [
    ["A tagline", " Reviews", "\tOverview", " A tagline"],
    ["Release Date 1995-10-27", "Release Date 1995-02-30", "Release Date", "Release Date x"],
    ["Runtime 111 minutes", "Runtime", "Runtime 99999999999999999999 minutes"],
    ["Genres Drama, Romance,", "Genres", "Genres ,", "Genres  Drama"],
    ["Status Released", "Status", "Status  Rumored"],
    ["Watch"],
]
FACTS = [
    ["Budget $3,600,000", "Budget", "Budget $x"],
    ["Revenue $1", "Revenue", "Revenue 1"],
    ["Vote Average 7.253/10", "Vote Average 11/10", "Vote Average"],
    ["Vote Count 3", "Vote Count lots", "Vote Count"],
    ["Popularity 1.5", "Popularity", "Popularity -1"],
    ["Original Language en", "Original Language xx", "Original Language"],
]


def _lines(kinds: list[list[str]]) -> st.SearchStrategy[list[str]]:
    each = [st.none() | st.sampled_from(variants) for variants in kinds]
    return st.tuples(*each).map(lambda lines: [line for line in lines if line is not None])


def _read(text: str, track: bool) -> object:
    try:
        if track:
            return filmparse.parse_with_source_map(text)[0]
        return filmparse.parse(text)
    except filmparse.FilmParseError as error:
        return error.line, error.column, error.code, error.message, error.problems


@given(
    title=st.sampled_from(["Heat", " Heat", " Reviews"]),
    header=_lines(HEADER),
    overview=st.booleans(),
    facts=_lines(FACTS),
)
def test_a_block_read_from_its_groups_is_read_as_line_by_line(
    title: str, header: list[str], overview: bool, facts: list[str]
) -> None:
    above = ["", "Overview", "", "Text.", ""] if overview else [""]
    text = "\n".join([title, *header, *above, *facts]) + "\n"
    assert _read(text, track=False) == _read(text, track=True)


TRANSLATION = st.tuples(
    st.sampled_from(["English", "Deutsch", "Русский", "Klingon", "  English", "Français"]),
    st.sampled_from(["US", "DE", "XX", "us", "D"]),
    st.sampled_from(["Title: Heat", "Title:", "Title:  Heat ", "Title: a\u2028b"]),
    st.sampled_from(['"A tagline"', '""', '" spaced "']),
)


@given(translations=st.lists(TRANSLATION, max_size=6))
def test_translations_read_a_column_at_a_time_are_read_as_entry_by_entry(
    translations: list[tuple[str, str, str, str]],
) -> None:
    lines = [line for language, code, title, tagline in translations
             for line in (f"{language} {code}", title, tagline)]  # fmt: skip
    text = "\n".join(["Heat", "", "Available Languages", "", *lines, "", "Cast", "", "A"]) + "\n"
    assert _read(text, track=False) == _read(text, track=True)
    _same_lenient(text)


def _same_lenient(text: str) -> None:
    """A lenient parse without a source map reads as one with it: the same Film and diagnostics."""
    lenient, tracked = filmparse.parse(text, strict=False), filmparse.parse_with_source_map(
        text, strict=False
    )[0]
    assert lenient == tracked and lenient.diagnostics == tracked.diagnostics


REVIEW = st.tuples(
    st.sampled_from(["Ann", " Ann", "  Reviews", "Bob Smith"]),
    st.sampled_from([None, "7.0/10", "11/10", "/10", "x/10", " 3/10"]),
    st.sampled_from(["Great film.", " Cast", "\tGood", "Fine"]),
)


@given(reviews=st.lists(REVIEW, max_size=5))
def test_reviews_read_a_column_at_a_time_are_read_as_entry_by_entry(
    reviews: list[tuple[str, str | None, str]],
) -> None:
    lines = [line for author, rating, content in reviews
             for line in (author, rating, content) if line is not None]  # fmt: skip
    text = "\n".join(["Heat", "", "Reviews", "", *lines, "", "Media", "", "Clip", "A"]) + "\n"
    assert _read(text, track=False) == _read(text, track=True)
    _same_lenient(text)


MEDIA = st.tuples(
    st.sampled_from(["Clip", "clip", "CAST", "Reviews", "Trailer", "x\u00b2"]),
    st.sampled_from(["A title", " Cast", "\tSpaced", "Reviews", "Another"]),
)


@given(items=st.lists(MEDIA, max_size=5))
def test_media_read_at_once_are_read_as_item_by_item(items: list[tuple[str, str]]) -> None:
    lines = [line for kind, title in items for line in (kind, title)]
    text = "\n".join(["Heat", "", "Media", "", *lines]) + "\n"
    assert _read(text, track=False) == _read(text, track=True)
    _same_lenient(text)


AWARD = st.sampled_from([
    "Best Actor - 1996 Nicolas Cage", "Best Picture - 0999 Someone", " Best Actor - 1996 A",
    "Best - 1996  Spaced ", "A - 1995 B - 1996 C", "Best Actress - 1996 Elisabeth Shue",
])  # fmt: skip


LABEL = st.none() | st.lists(AWARD, max_size=4)  # None: no label


@given(wins=LABEL, nominations=LABEL)
def test_awards_built_a_label_at_a_time_are_read_as_line_by_line(
    wins: list[str] | None, nominations: list[str] | None
) -> None:
    # Without a source map the lines under a label are built at once, the
    # ceremony and the outcome checked once; with one, line by line.
    lines = ["Heat", "", "Oscar Awards", ""]
    for label, awards in (("Wins", wins), ("Nominations", nominations)):
        lines += [label, "", *awards, ""] if awards is not None else []
    text = "\n".join([*lines, "Media", "", "Clip", "A"]) + "\n"
    assert _read(text, track=False) == _read(text, track=True)
    _same_lenient(text)
