"""``filmparse explain``: every line of a page beside what it fed.

A lenient parse with a source map, laid out line by line (here with
``width=20``; the default is 48 columns of text)::

     26  English US            $.translations[0].language .language_code .country_code
     27  Title:                $.translations[0].title
    ...
    292  WAITRESS: Everythin…  $.dialogue[4].speaker .text
    293
    294  BEN No alcohol?       FP204 unparsed line: line 'BEN No alcohol?' fits no rul[...]

Beside each line: the JSON paths of the values read from it (a run of paths
of one entry is shortened: ``$.dialogue[5].speaker .text``), the structural
label it is ("heading", "label"), and the diagnostics that name it.  A blank
line shows its number alone.  The last line sums it up.

Every line that is not blank feeds something or is named by a diagnostic;
one that does neither is a bug of the parser, and is marked so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .diagnostics import Diagnostic
from .normalise import decode, normalise
from .parser import parse_with_source_map
from .source_map import SourceMap

WIDTH = 48  # display columns given to the text of a line
ELLIPSIS = "…"
UNACCOUNTED = "?? nothing read from this line (a bug: please report it with the page)"

# A JSON path of the source map, one step at a time: $, .name, [0], ['heading'].
_STEP = re.compile(r"""\$|\.[^.\[]+|\[(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\]]*)\]""")
# Direction controls would reorder the terminal line: they are not shown.
_BIDI = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True, slots=True)
class Explanation:
    """The text `explain` prints, and its counts."""

    text: str
    lines: int  # lines of the page
    values: int  # JSON paths of the source map
    labels: int  # structural lines (headings, labels)
    diagnostics: tuple[Diagnostic, ...]  # of decoding and parsing, in page order
    flagged: int  # lines shown with a diagnostic
    unaccounted: tuple[int, ...]  # non-blank lines with nothing beside them (parser bugs)


def explain(data: bytes, *, width: int = WIDTH, require_sections: bool = False) -> str:
    """The page `data` (raw bytes, any encoding) line by line, each beside what
    it fed, and a summary line; '\\n'-ended.  ``require_sections``: as for
    parse(), a page that lacks a section heading gets FP106."""
    return explanation(data, width=width, require_sections=require_sections).text


def explanation(data: bytes, *, width: int = WIDTH, require_sections: bool = False) -> Explanation:
    """`explain`, with the counts behind its summary."""
    found: list[Diagnostic] = []
    text = decode(data, found)
    film, source_map = parse_with_source_map(text, strict=False, require_sections=require_sections)
    diagnostics = tuple(
        sorted([*found, *film.diagnostics], key=lambda d: (d.line, d.column, d.end_line))
    )
    lines = page_lines(text)
    blank = _blank_lines(text, len(lines))
    notes = _notes(source_map, diagnostics, blank, len(lines))

    number_width = len(str(max(len(lines), 1)))
    out: list[str] = []
    unaccounted: list[int] = []
    flagged = 0
    for number, line in enumerate(lines, 1):
        beside = notes.get(number)
        if beside is None or not beside.text:
            if number in blank:
                out.append(f"{number:>{number_width}}")
                continue
            unaccounted.append(number)
            said = UNACCOUNTED
        else:
            said = beside.text
            flagged += beside.flagged
        out.append(f"{number:>{number_width}}  {fit(line, width)}  {said}")
    for number in sorted(n for n in notes if n > len(lines) or n < 1):
        beside = notes[number]
        flagged += beside.flagged
        where = fit("(past the last line)" if number > len(lines) else "(before the page)", width)
        out.append(f"{'':>{number_width}}  {where}  {beside.text}")

    summary = (
        f"lines: {len(lines)}, values: {len(source_map)}, labels: {len(source_map.labels)}, "
        f"lines with diagnostics: {flagged}"
    )
    if unaccounted:
        summary += f", lines with nothing read (parser bugs): {len(unaccounted)}"
    out.append(summary)
    return Explanation(
        text="\n".join(out) + "\n",
        lines=len(lines),
        values=len(source_map),
        labels=len(source_map.labels),
        diagnostics=diagnostics,
        flagged=flagged,
        unaccounted=tuple(unaccounted),
    )


def page_lines(text: str) -> list[str]:
    """The lines of decoded page text, numbered as the parser numbers them:
    split at LF, CRLF and lone CR only (not at the other characters
    str.splitlines takes); a final line break ends the last line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _blank_lines(text: str, count: int) -> set[int]:
    """The lines that are empty once normalised (spaces, zero-width characters)."""
    clean = normalise(text, []).split("\n")
    return {n for n in range(1, count + 1) if n > len(clean) or not clean[n - 1]}


@dataclass
class _Beside:
    parts: list[str]
    flagged: bool = False

    @property
    def text(self) -> str:
        return "  ".join(part for part in self.parts if part)


def _notes(
    source_map: SourceMap, diagnostics: tuple[Diagnostic, ...], blank: set[int], count: int
) -> dict[int, _Beside]:
    """Line number -> what is said beside it: paths, then labels, then diagnostics."""
    paths: dict[int, list[str]] = {}
    for path, span in source_map.items():
        for number in span.lines():
            if number not in blank:  # a paragraph's span covers the blank lines between
                paths.setdefault(number, []).append(path)
    labels: dict[int, list[str]] = {}
    for what, span in source_map.labels:
        labels.setdefault(span.line, []).append(what)
    said: dict[int, list[str]] = {}
    for diagnostic in diagnostics:
        for number in diagnostic.lines():
            if number == diagnostic.line:
                said.setdefault(number, []).append(describe(diagnostic))
            elif number not in blank and number <= count:
                said.setdefault(number, []).append(
                    f"{diagnostic.code} {diagnostic.name} (see line {diagnostic.line})"
                )
    notes: dict[int, _Beside] = {}
    for number in sorted({*paths, *labels, *said}):
        notes[number] = _Beside(
            [
                " ".join(shorten(paths.get(number, []))),
                " ".join(labels.get(number, [])),
                "; ".join(said.get(number, [])),
            ],
            flagged=number in said,
        )
    return notes


def describe(diagnostic: Diagnostic) -> str:
    """'FP204 unparsed line: <message>' ('FP101 <message>' when the message
    starts with the name already)."""
    if diagnostic.message.startswith(diagnostic.name):
        return f"{diagnostic.code} {diagnostic.message}"
    return f"{diagnostic.code} {diagnostic.name}: {diagnostic.message}"


def shorten(paths: list[str]) -> list[str]:
    """Each path in full, unless it shares more than its '$' with the one
    before it: then only the steps after those they share.
    ['$.dialogue[5].speaker', '$.dialogue[5].text'] -> ['$.dialogue[5].speaker', '.text'];
    ['$.genres[0]', '$.genres[1]'] -> ['$.genres[0]', '[1]']."""
    shown: list[str] = []
    previous: list[str] = []
    for path in paths:
        steps = _STEP.findall(path)
        if "".join(steps) != path:  # not a path this module can split: keep it whole
            shown.append(path)
            previous = []
            continue
        shared = 0
        for mine, theirs in zip(steps, previous, strict=False):
            if mine != theirs:
                break
            shared += 1
        shown.append("".join(steps[shared:]) if 2 <= shared < len(steps) else path)
        previous = steps
    return shown


def fit(line: str, width: int = WIDTH) -> str:
    """`line` made printable and padded (or cut, ending in '…') to `width`
    terminal columns: control characters are shown as their symbols (␀, ␉),
    direction controls are dropped, wide characters count two columns."""
    shown = _printable(line)
    widths = [_char_width(char) for char in shown]
    if sum(widths) <= width:
        return shown + " " * (width - sum(widths))
    kept, used = 0, 0
    for char_width in widths:
        if used + char_width > width - 1:
            break
        used += char_width
        kept += 1
    cut = shown[:kept]
    trailing_flags = len(cut) - len(cut.rstrip(_REGIONAL))
    if trailing_flags % 2:  # do not split a flag (a pair of regional indicators)
        cut, used = cut[:-1], used - 1
    return cut + ELLIPSIS + " " * (width - 1 - used)


_REGIONAL = "".join(chr(code) for code in range(0x1F1E6, 0x1F200))


def _printable(line: str) -> str:
    chars: list[str] = []
    for char in line:
        code = ord(char)
        if code < 0x20:
            chars.append(chr(0x2400 + code))  # ␀ ... ␟ (␉ for a tab)
        elif code == 0x7F:
            chars.append("\u2421")  # ␡
        elif 0x80 <= code < 0xA0 or 0xD800 <= code < 0xE000:
            chars.append("\ufffd")
        elif char not in _BIDI:
            chars.append(char)
    return "".join(chars)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
