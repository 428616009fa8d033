"""Public entry points: page text or file -> Film.

raw bytes --decode--> text --normalise--> normalised text --grammar--> tree
--visitor--> Film.  Every failure on bad input is a FilmParseError.
"""

from __future__ import annotations

import os
import re

from parsimonious.exceptions import ParseError

from . import visitor as sections
from .errors import FilmParseError
from .grammar import film_grammar
from .models import Film
from .normalise import decode, normalise
from .visitor import FilmVisitor, error_at

_HEADINGS = {
    "Overview": sections.OVERVIEW,
    "Backdrop": sections.FACTS,
    "Available Languages": sections.LANGUAGES,
    "Where to Watch": sections.WHERE_TO_WATCH,
    "Cast": sections.CAST,
    "Crew": sections.CREW,
    "Reviews": sections.REVIEWS,
    "Famous Conversations": sections.DIALOGUE,
    "Oscar Awards": sections.AWARDS,
    "Media": sections.MEDIA,
}
_HEADING_LINE = re.compile(r"^(" + "|".join(re.escape(h) for h in _HEADINGS) + r")$", re.MULTILINE)
SECTION_ORDER = ", ".join(_HEADINGS)

# What may come next, by section, when a line fits nothing there.
_NEXT_IN_SECTION = {
    sections.HEADER: (
        "a tagline or a header line (Release Date, Runtime, Genres, Status, Watch), "
        "then the Overview heading"
    ),
    sections.OVERVIEW: (
        "an overview paragraph, a fact line (Budget, Revenue, Vote Average, Vote Count, "
        "Popularity, Original Language) or the next section heading"
    ),
    sections.FACTS: "the next section heading",
    sections.LANGUAGES: (
        'a translation: "<language name> <country code>", then "Title: <title>", '
        "then the tagline in double quotes; or the next section heading"
    ),
    sections.WHERE_TO_WATCH: (
        "a country line such as '🇺🇸 United States [US]', an offer "
        "(Stream, rent, buy, free, ads) or the next section heading"
    ),
    sections.CAST: "a cast line or the next section heading",
    sections.CREW: "a crew line or the next section heading",
    sections.REVIEWS: (
        "a review (author line, rating line such as 7.0/10, one line of content) "
        "or the next section heading"
    ),
    sections.DIALOGUE: "a dialogue line 'SPEAKER: text' or the next section heading",
    sections.AWARDS: "Wins or Nominations, then lines 'CATEGORY - YEAR Nominee', or Media",
    sections.MEDIA: "a one-word media kind (Clip, Trailer, ...) followed by its title line",
}

# Rules that fail inside an entry, where the grammar knows exactly what is due.
_NEXT_IN_ENTRY = {
    "title": "the film title on the first line",
    "translation_title": 'a "Title:" line with the translated title after the colon',
    "translation_tagline": 'the translated tagline in double quotes ("" when empty)',
    "review_content": "the review text on one line",
    "media_title": "the title line of the media item",
}


def parse(text: str) -> Film:
    """Parse the text of one film page into a Film.

    Raises FilmParseError (with line, column, section and what was expected)
    for anything that is not a well-formed page.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() takes str, not {type(text).__name__}; use parse_bytes()")
    clean = normalise(text)
    _refuse_non_pages(clean)
    try:
        tree = film_grammar().parse(clean)
    except ParseError as exc:
        raise _explain(clean, exc) from None
    except RecursionError:
        raise error_at(
            clean,
            0,
            "the page is nested too deeply to read",
            section="page",
            expected="a film page",
        ) from None
    return FilmVisitor(clean).visit(tree)


def parse_bytes(data: bytes) -> Film:
    """Parse UTF-8 bytes (with or without a BOM)."""
    return parse(decode(data))


def parse_file(path: str | os.PathLike[str]) -> Film:
    """Read and parse one page file; errors name the file."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return parse_bytes(data)
    except FilmParseError as exc:
        raise exc.with_path(os.fspath(path)) from None


def section_at(text: str, pos: int) -> str:
    """The section a position falls in: the last heading above it."""
    found = _HEADING_LINE.findall(text, 0, pos)
    return _HEADINGS[found[-1]] if found else sections.HEADER


def _refuse_non_pages(clean: str) -> None:
    stripped = clean.lstrip("\n")
    if not stripped.strip():
        raise error_at(
            clean,
            0,
            "the page is empty",
            section=sections.HEADER,
            expected="the film title on the first line",
        )
    if re.match(r"\s*<(?:!doctype|html|head|body|\?xml)\b", stripped, re.IGNORECASE):
        raise error_at(
            clean,
            len(clean) - len(stripped),
            "this is HTML markup, not a plain-text page",
            section=sections.HEADER,
            expected="the plain-text dump of a film page",
        )


def _explain(clean: str, exc: ParseError) -> FilmParseError:
    pos = exc.pos
    section = section_at(clean, pos)
    rule = exc.expr.name if exc.expr is not None else ""
    expected = _NEXT_IN_ENTRY.get(rule) or _NEXT_IN_SECTION[section]
    line_end = clean.find("\n", pos)
    line = clean[pos:line_end]
    if pos >= len(clean) - 1:
        message = f"the page ends in the middle of section {section!r}"
        pos = len(clean.rstrip("\n"))  # just after the last character
    elif line in _HEADINGS:
        message = (
            f"section heading {line!r} is out of place (sections come in the order {SECTION_ORDER})"
        )
    else:
        message = f"unexpected line {line[:80]!r}"
    return error_at(clean, pos, message, section=section, expected=expected)
