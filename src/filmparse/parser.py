"""Public entry points: page text or file -> Film.

raw bytes --decode--> text --normalise--> normalised text --grammar--> tree
--visitor--> Film.  Strict (the default): every failure on bad input is a
FilmParseError.  Lenient (strict=False): nothing fails; what strict mode
refuses is repaired, guessed or kept aside, and said in `film.diagnostics`.
"""

from __future__ import annotations

import gc
import os
import re
import threading
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from parsimonious.exceptions import ParseError
from parsimonious.expressions import Expression

from . import sections
from .diagnostics import Diagnostic
from .errors import FilmParseError, error_at, line_and_column
from .grammar import film_grammar
from .models import Film
from .normalise import decode, normalise
from .sections import HEADING_SECTIONS, NEXT_IN_ENTRY, NEXT_IN_SECTION, SECTION_ORDER
from .source_map import SourceMap
from .visitor import BaseVisitor

_HEADING_LINE = re.compile(
    "^(" + "|".join(re.escape(h) for h in HEADING_SECTIONS) + ")$", re.MULTILINE
)


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


P = ParamSpec("P")
R = TypeVar("R")
_pause_lock = threading.Lock()
_pause = {"depth": 0, "restore": False}  # parses under way; whether the collector was on


def _collector_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` with the cyclic garbage collector off, left as it was found.

    A parse builds many objects and frees none until it ends (the tree, the
    models), so each collection it sets off walks them all again for nothing:
    with the collector at its defaults a page 200 times the reference page
    cost up to 70% (strict) and 140% (lenient) more per kB (issue 14).
    Reference counting still frees what a parse drops.  Parses in several
    threads at once are counted: the last one out restores the collector.
    """

    @wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with _pause_lock:
            if _pause["depth"] == 0:
                _pause["restore"] = gc.isenabled()
                gc.disable()
            _pause["depth"] += 1
        try:
            return fn(*args, **kwargs)
        finally:
            with _pause_lock:
                _pause["depth"] -= 1
                if _pause["depth"] == 0 and _pause["restore"]:
                    gc.enable()

    return paused


@_collector_paused
def _parse(
    text: str, *, strict: bool, track: bool, found: list[Diagnostic] | None = None
) -> tuple[Film, BaseVisitor]:
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
    visitor = sections.FilmVisitor(clean, strict=strict, track=track)
    if found:
        visitor.diagnostics += found
    return visitor.visit(tree), visitor


def section_at(text: str, pos: int) -> str:
    """The section a position falls in: the last heading above it."""
    found = _HEADING_LINE.findall(text, 0, pos)
    return HEADING_SECTIONS[found[-1]] if found else sections.HEADER


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
    expected = NEXT_IN_ENTRY.get(rule) or NEXT_IN_SECTION[section]
    line_end = clean.find("\n", pos)
    line = clean[pos:line_end]
    if pos >= len(clean) - 1:
        message = f"the page ends in the middle of section {section!r}"
        pos = len(clean.rstrip("\n"))  # just after the last character
    elif line in HEADING_SECTIONS and rule in NEXT_IN_ENTRY:
        message = f"an entry is cut short: the section heading {line!r} comes first"
    elif line in HEADING_SECTIONS:
        message = (
            f"section heading {line!r} is out of place (sections come in the order {SECTION_ORDER})"
        )
    else:
        message = f"unexpected line {line[:80]!r}"
    return error_at(clean, pos, message, section=section, expected=expected)
