"""Public entry points: page text or file -> Film.

raw bytes --decode--> text --normalise--> normalised text --grammar--> tree
--visitor--> Film.  Strict (the default): every failure on bad input is a
FilmParseError: the first problem of the page in page order, with every
problem the page has in ``error.problems``.  Lenient (strict=False): nothing
fails; what strict mode refuses is repaired, guessed or kept aside, and said
in `film.diagnostics`, under the same codes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import attrs
from parsimonious.exceptions import ParseError
from parsimonious.expressions import Expression

from . import sections
from ._collector import collector_paused
from .diagnostics import Diagnostic
from .errors import FilmParseError, Problem, error_at, line_and_column
from .grammar import film_grammar
from .models import Film
from .normalise import decode, normalise
from .sections import HEADING_SECTIONS, HEADINGS, NEXT_IN_ENTRY, NEXT_IN_SECTION, SECTION_ORDER
from .sections._spec import regex_text
from .source_map import SourceMap
from .visitor import BaseVisitor

_HEADING_LINE = re.compile(
    "^(" + "|".join(re.escape(h) for h in HEADING_SECTIONS) + ")$", re.MULTILINE
)
# What makes text a film page: a heading, or a line of the sections that have
# none (the header's and the facts' lines and labels).
_UNHEADED = [s for s in sections.SECTIONS if s.heading is None]
_FILM_SIGN = re.compile(
    "^(?:(?:{})$|(?:{})(?: |$))".format(
        "|".join(regex_text(h) for h in HEADINGS),
        "|".join(
            regex_text(word)
            for s in _UNHEADED
            for word in [*(line.prefix for line in s.lines), *(label.text for label in s.labels)]
        ),
    ),
    re.MULTILINE,
)
_NOT_A_PAGE = "no section heading, header line or fact line: this is not a film page"
_A_PAGE = (
    "a film page: the title, header lines such as 'Release Date 1995-10-27', "
    "section headings such as 'Overview'"
)


def parse(text: str, *, strict: bool = True, require_sections: bool = False) -> Film:
    """Parse the text of one film page into a Film.

    Strict (the default): raises FilmParseError (with line, column, section,
    code and what was expected) for anything that is not a well-formed page:
    the page's first problem, with all of them in ``error.problems``.
    Lenient (``strict=False``): never raises for any text; the Film keeps
    every value that could be read and ``film.diagnostics`` names every line
    that was not understood and every value that was repaired or dropped
    (text that is no film page at all gets FP105, see FATAL_CODES).
    ``require_sections``: a page must carry every section heading (a scraper
    that always writes them all); one that lacks some is cut off or broken:
    an error (strict) or FP106 (lenient) naming the last section present and
    the first one missing.
    """
    return _parse(text, strict=strict, track=False, require=require_sections)[0]


def parse_with_source_map(
    text: str, *, strict: bool = True, require_sections: bool = False
) -> tuple[Film, SourceMap]:
    """parse(text), and for every value read its JSON path -> line:column range."""
    film, visitor = _parse(text, strict=strict, track=True, require=require_sections)
    return film, SourceMap.from_offsets(visitor.text, visitor.spans, visitor.labels)


def parse_bytes(data: bytes, *, strict: bool = True, require_sections: bool = False) -> Film:
    """Parse UTF-8 bytes (with or without a BOM).  Lenient: other bytes are
    read as Windows-1252 (or Latin-1), with a diagnostic."""
    if strict:
        try:
            text = decode(data)
        except FilmParseError as exc:
            raise _in_page_order(exc, lambda: _lenient_bytes(data, require_sections)) from None
        return parse(text, require_sections=require_sections)
    return _lenient_bytes(data, require_sections)[0]


def parse_file(
    path: str | os.PathLike[str], *, strict: bool = True, require_sections: bool = False
) -> Film:
    """Read and parse one page file; errors name the file."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return parse_bytes(data, strict=strict, require_sections=require_sections)
    except FilmParseError as exc:
        raise exc.with_path(os.fspath(path)) from None


Parsed = tuple[Film, BaseVisitor]


def _lenient_bytes(data: bytes, require: bool) -> Parsed:
    found: list[Diagnostic] = []
    return _parse(decode(data, found), strict=False, track=False, require=require, found=found)


@collector_paused
def _parse(
    text: str,
    *,
    strict: bool,
    track: bool,
    require: bool,
    found: list[Diagnostic] | None = None,
) -> Parsed:
    if not isinstance(text, str):
        raise TypeError(f"parse() takes str, not {type(text).__name__}; use parse_bytes()")
    if not strict:
        return _lenient(text, track=track, require=require, found=[] if found is None else found)
    try:
        return _strict(text, track=track, require=require)
    except _GrammarFailure as failure:
        error, grammar = _explain(failure.text, failure.error), True
    except FilmParseError as exc:
        error, grammar = exc, False
    raise _in_page_order(error, lambda: _lenient_rules(text, require), grammar=grammar) from None


def _lenient_rules(text: str, require: bool) -> Parsed:
    """A lenient parse by the lenient rules alone: for a page strict mode
    refused, where trying the strict page rule first would fail again."""
    found: list[Diagnostic] = []
    clean = normalise(text, found)
    return _read_lenient(clean, track=False, require=require, found=found, rule="lenient_sections")


class _GrammarFailure(Exception):
    def __init__(self, text: str, error: ParseError) -> None:
        self.text, self.error = text, error


def _strict(text: str, *, track: bool, require: bool) -> Parsed:
    return _read_strict(normalise(text), track=track, require=require)


def _read_strict(clean: str, *, track: bool, require: bool) -> Parsed:
    """A strict parse of normalised text."""
    _refuse_non_pages(clean)
    rule: Expression = film_grammar().default_rule
    try:
        try:
            tree = rule.parse(clean)
        except ParseError:  # film_page reads sections whole: the error is this rule's
            tree = film_grammar()["film_page_for_errors"].parse(clean)
    except ParseError as exc:
        raise _GrammarFailure(clean, exc) from None
    except RecursionError:
        raise error_at(clean, 0, "the page is nested too deeply to read", section="page",
                       expected="a film page", code="FP204") from None  # fmt: skip
    visitor = sections.FilmVisitor(clean, strict=True, track=track)
    film = visitor.visit(tree)
    if require:
        missing = _missing_sections(clean)
        if missing:
            line, column, source_line = line_and_column(clean, missing[0][0])
            first = missing[0][1]
            raise FilmParseError(first.message, line=line, column=column, section=first.section,
                                 expected=first.expected, source_line=source_line,
                                 code=first.code)  # fmt: skip
    return film, visitor


def _lenient(text: str, *, track: bool, require: bool, found: list[Diagnostic]) -> Parsed:
    return _read_lenient(normalise(text, found), track=track, require=require, found=found)


def _read_lenient(
    clean: str,
    *,
    track: bool,
    require: bool,
    found: list[Diagnostic],
    rule: str = "lenient_page",
) -> Parsed:
    """A lenient parse of normalised text, `found` the normalisation's diagnostics.

    ``lenient_page`` tries the strict page rule first (a well-formed page is
    read as strict mode reads it); ``lenient_sections`` is the lenient rules alone.
    """
    html = _html_at(clean)  # (an empty page gets FP104, no title, from the visitor)
    if html is not None:
        line, column, _ = line_and_column(clean, html)
        found.append(Diagnostic("FP005", _HTML, line, column, sections.HEADER))
    tree = film_grammar()[rule].parse(clean)  # every line fits some lenient rule
    visitor = sections.FilmVisitor(clean, strict=False, track=track)
    if found:
        visitor.diagnostics += found
    film = visitor.visit(tree)
    late: list[Diagnostic] = []
    if require:
        for pos, problem in _missing_sections(clean):
            line, column, _ = line_and_column(clean, pos)
            late.append(Diagnostic(problem.code, problem.message, line, column, problem.section))
            visitor.refusals[late[-1]] = (problem.message, problem.expected, line, column)
    ordered = sorted([*film.diagnostics, *late], key=_page_order) if late else [*film.diagnostics]
    if not _FILM_SIGN.search(clean):  # a verdict on the whole page: listed last
        ordered.append(Diagnostic("FP105", _NOT_A_PAGE, 1, 1, sections.HEADER))
        visitor.refusals[ordered[-1]] = (_NOT_A_PAGE, _A_PAGE, 1, 1)
    if len(ordered) != len(film.diagnostics):
        film = attrs.evolve(film, diagnostics=tuple(ordered))
    return film, visitor


def _page_order(found: Diagnostic | Problem) -> tuple[bool, int, int]:
    """Page order; FP105 (not a film page) after every problem with a place."""
    return found.code == "FP105", found.line, found.column


def _missing_sections(clean: str) -> list[tuple[int, Problem]]:
    """Each run of headings the page lacks (in page order of the format): where
    it should be (the next heading present, or the page's end) and the problem."""
    present: dict[str, int] = {}
    for match in _HEADING_LINE.finditer(clean):
        present.setdefault(match.group(1), match.start())
    found: list[tuple[int, Problem]] = []
    index = 0
    while index < len(HEADINGS):
        if HEADINGS[index] in present:
            index += 1
            continue
        end = index
        while end < len(HEADINGS) and HEADINGS[end] not in present:
            end += 1
        before = HEADINGS[index - 1] if index else sections.HEADER
        first, count = HEADINGS[index], end - index
        what = (
            f"sections {first!r} and the {count - 1} after it are missing"
            if count > 1
            else f"section {first!r} is missing"
        )
        if end == len(HEADINGS):
            pos = len(clean.rstrip("\n"))
            message = f"the page ends after section {before!r}: {what} (is it cut off?)"
        else:
            pos = present[HEADINGS[end]]
            message = f"{what}, between {before!r} and {HEADINGS[end]!r}"
        expected = f"the {first!r} heading (every section, in the order {SECTION_ORDER})"
        found.append((pos, Problem(0, 0, "FP106", HEADING_SECTIONS[first], message, expected)))
        index = end
    return found


def section_at(text: str, pos: int) -> str:
    """The section a position falls in: the last heading above it."""
    found = _HEADING_LINE.findall(text, 0, pos)
    return HEADING_SECTIONS[found[-1]] if found else sections.HEADER


def _refuse_non_pages(clean: str) -> None:
    # `not clean.strip()`, without copying the page (strip() cuts its final LF):
    # isspace() stops at the first character that is not a space.
    if not clean or clean.isspace():
        raise error_at(clean, 0, "the page is empty", section=sections.HEADER,
                       expected="the film title on the first line", code="FP104")  # fmt: skip
    html = _html_at(clean)
    if html is not None:
        expected = "the plain-text dump of a film page"
        raise error_at(clean, html, _HTML, section=sections.HEADER, expected=expected,
                       code="FP005")  # fmt: skip
    if not _FILM_SIGN.search(clean):
        raise error_at(clean, 0, _NOT_A_PAGE, section=sections.HEADER, expected=_A_PAGE,
                       code="FP105")  # fmt: skip


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
    code = "FP204"  # what lenient mode says of lines that fit nothing; _in_page_order refines it
    if pos >= len(clean) - 1:
        message = f"the page ends in the middle of section {section!r}"
        pos = len(clean.rstrip("\n"))  # just after the last character
    elif line in HEADING_SECTIONS and rule in NEXT_IN_ENTRY:
        message = f"an entry is cut short: the section heading {line!r} comes first"
    elif line in HEADING_SECTIONS:
        message = (
            f"section heading {line!r} is out of place (sections come in the order {SECTION_ORDER})"
        )
        code = "FP103" if line in _HEADING_LINE.findall(clean, 0, pos) else "FP102"
    else:
        message = f"unexpected line {line[:80]!r}"
    return error_at(clean, pos, message, section=section, expected=expected, code=code)


# Lenient messages of these codes say what was done after "; ": strict mode did not.
_LENIENT_CLAUSE = frozenset({"FP102", "FP103", "FP104", "FP201", "FP202", "FP203", "FP301"})
# What is expected where a lenient diagnostic does not say (by code).
_EXPECTED = {
    "FP001": "UTF-8 text",
    "FP002": "correctly decoded UTF-8 text",
    "FP003": "printable text",
    "FP004": "printable text",
    "FP005": "the plain-text dump of a film page",
    "FP102": f"sections in the order {SECTION_ORDER}",
    "FP103": "each section once",
    "FP104": "the film title on the first line",
    "FP203": "each header and fact line at most once",
}


def _in_page_order(
    error: FilmParseError, lenient: Callable[[], Parsed], *, grammar: bool = False
) -> FilmParseError:
    """The page's first problem in page order, with all its problems.

    Strict mode stops at its first failure, and the grammar fails after
    values the visitor has not checked yet, so the failure path (only it)
    runs a lenient parse, whose diagnostics name every problem, and merges
    `error` into them: a diagnostic with its code on its line (for a grammar
    failure: on a line of the entry it broke off) is the same problem.  A
    grammar failure takes the code lenient mode gives its line.
    """
    try:
        film, visitor = lenient()
    except RecursionError:  # too deep for the lenient rules as well
        return error
    found = film.diagnostics
    same_line = [d for d in found if d.line == error.line]
    code = error.code
    message = error.message
    first_line = error.line  # diagnostics from here to the error's line with its code are it
    if grammar and same_line:
        code = same_line[0].code
        if code == "FP101":  # an unknown heading: say so, and that lenient mode keeps it
            message = visitor.refusals.get(same_line[0], (message,))[0]
        lines = visitor.text.split("\n")
        while first_line > 1 and lines[first_line - 2].strip():  # the entry the grammar broke off
            first_line -= 1
    mine = Problem(error.line, error.column, code or "", error.section, message, error.expected)
    # A grammar failure on a line lenient mode reads, after a problem it
    # reports, is a knock-on of that problem (an unknown section's lines
    # read as the entry above): not a problem of its own.
    knock_on = grammar and not same_line and any(d.line < error.line for d in found)
    problems = [] if knock_on else [mine]  # first: at a tie it stays ahead (the sort is stable)
    for diagnostic in found:
        if diagnostic.code == code and first_line <= diagnostic.line <= error.line:
            continue  # the error itself, with strict mode's column and wording
        problems.append(_problem(diagnostic, visitor))
    problems.sort(key=_page_order)
    first = problems[0]
    if first == mine:
        source_line = error.source_line
    else:
        lines = visitor.text.split("\n")
        source_line = lines[first.line - 1] if first.line <= len(lines) else ""
    return FilmParseError.from_problem(
        first, source_line=source_line, path=error.path, problems=tuple(problems)
    )


def _problem(diagnostic: Diagnostic, visitor: BaseVisitor) -> Problem:
    """A lenient diagnostic as strict mode words it."""
    line, column = diagnostic.line, diagnostic.column
    said = visitor.refusals.get(diagnostic)
    if said is not None:
        message, expected, line, column = said
    else:
        message = diagnostic.message
        if diagnostic.code in _LENIENT_CLAUSE and "; " in message:
            message = message.rpartition("; ")[0]
        expected = _EXPECTED.get(diagnostic.code) or NEXT_IN_SECTION.get(
            diagnostic.section, "a line of the format"
        )
    return Problem(line, column, diagnostic.code, diagnostic.section, message, expected)
