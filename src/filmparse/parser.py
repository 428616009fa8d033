"""Public entry points: page text or file -> Film.

raw bytes --decode--> text --normalise--> normalised text --grammar--> tree
--visitor--> Film.  Strict (the default): every failure on bad input is a
FilmParseError.  Lenient (strict=False): nothing fails; what strict mode
refuses is repaired, guessed or kept aside, and said in `film.diagnostics`.
"""

from __future__ import annotations

import os
import re

from parsimonious.exceptions import ParseError
from parsimonious.expressions import Expression

from . import visitor as sections
from .diagnostics import Diagnostic
from .errors import FilmParseError, error_at, line_and_column
from .grammar import film_grammar
from .models import Film
from .normalise import decode, normalise
from .source_map import SourceMap
from .visitor import FilmVisitor

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


def parse(text: str, *, strict: bool = True) -> Film:
    """Parse the text of one film page into a Film.

    Strict (the default): raises FilmParseError (with line, column, section
    and what was expected) for anything that is not a well-formed page.
    Lenient (``strict=False``): never raises for any text; the Film keeps
    every value that could be read and ``film.diagnostics`` names every line
    that was not understood and every value that was repaired or dropped.
    """
    return _parse(text, strict=strict, track=False)[0]


def parse_with_source_map(text: str, *, strict: bool = True) -> tuple[Film, SourceMap]:
    """parse(text), and for every value read its JSON path -> line:column range."""
    film, visitor = _parse(text, strict=strict, track=True)
    return film, SourceMap.from_offsets(visitor.text, visitor.spans, visitor.labels)


def parse_bytes(data: bytes, *, strict: bool = True) -> Film:
    """Parse UTF-8 bytes (with or without a BOM).  Lenient: other bytes are
    read as Windows-1252 (or Latin-1), with a diagnostic."""
    if strict:
        return parse(decode(data))
    found: list[Diagnostic] = []
    return _parse(decode(data, found), strict=False, track=False, found=found)[0]


def parse_file(path: str | os.PathLike[str], *, strict: bool = True) -> Film:
    """Read and parse one page file; errors name the file."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return parse_bytes(data, strict=strict)
    except FilmParseError as exc:
        raise exc.with_path(os.fspath(path)) from None


def _parse(
    text: str, *, strict: bool, track: bool, found: list[Diagnostic] | None = None
) -> tuple[Film, FilmVisitor]:
    if not isinstance(text, str):
        raise TypeError(f"parse() takes str, not {type(text).__name__}; use parse_bytes()")
    if strict:
        clean = normalise(text)
        _refuse_non_pages(clean)
        rule: Expression = film_grammar().default_rule
    else:
        found = [] if found is None else found
        clean = normalise(text, found)
        html = _html_at(clean)  # (an empty page gets FP104, no title, from the visitor)
        if html is not None:
            line, column, _ = line_and_column(clean, html)
            found.append(Diagnostic("FP005", _HTML, line, column, sections.HEADER))
        rule = film_grammar()["lenient_page"]
    try:
        tree = rule.parse(clean)
    except ParseError as exc:  # strict only: every line fits some lenient rule
        raise _explain(clean, exc) from None
    except RecursionError:
        raise error_at(
            clean,
            0,
            "the page is nested too deeply to read",
            section="page",
            expected="a film page",
        ) from None
    visitor = FilmVisitor(clean, strict=strict, track=track)
    if found:
        visitor.diagnostics += found
    return visitor.visit(tree), visitor


def section_at(text: str, pos: int) -> str:
    """The section a position falls in: the last heading above it."""
    found = _HEADING_LINE.findall(text, 0, pos)
    return _HEADINGS[found[-1]] if found else sections.HEADER


def _refuse_non_pages(clean: str) -> None:
    if not clean.strip():
        raise error_at(
            clean,
            0,
            "the page is empty",
            section=sections.HEADER,
            expected="the film title on the first line",
        )
    html = _html_at(clean)
    if html is not None:
        expected = "the plain-text dump of a film page"
        raise error_at(clean, html, _HTML, section=sections.HEADER, expected=expected)


_HTML = "this is HTML markup, not a plain-text page"
_HTML_START = re.compile(r"\s*<(?:!doctype|html|head|body|\?xml)\b", re.IGNORECASE)


def _html_at(clean: str) -> int | None:
    """Where the markup of an HTML page starts, or None for a plain-text page."""
    return len(clean) - len(clean.lstrip("\n")) if _HTML_START.match(clean) else None


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
    elif line in _HEADINGS and rule in _NEXT_IN_ENTRY:
        message = f"an entry is cut short: the section heading {line!r} comes first"
    elif line in _HEADINGS:
        message = (
            f"section heading {line!r} is out of place (sections come in the order {SECTION_ORDER})"
        )
    else:
        message = f"unexpected line {line[:80]!r}"
    return error_at(clean, pos, message, section=section, expected=expected)
