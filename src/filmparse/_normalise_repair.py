"""The repairs of normalisation that few pages need (see normalise.py).

Bytes that are not UTF-8, control characters and lone surrogates, mojibake:
strict mode refuses each with a precise error, lenient mode repairs it and
records a Diagnostic.  normalise.py sends a page here only when a scan has
found one of them.
"""

from __future__ import annotations

import re

from .diagnostics import Diagnostic
from .errors import FilmParseError, line_and_column

FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# UTF-8 read as Windows-1252/Latin-1 turns each multi-byte character into a
# lead letter (U+00C2-U+00F4) and continuation signs: a cheap test that lets
# ftfy's slower check (5 ms for the whole reference page) run on few lines.
MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)
LINE_BREAK_BYTES = re.compile(rb"\r\n?|\n")


def byte_line(data: bytes, pos: int) -> tuple[int, int]:
    """The 1-based line of byte `pos` and the offset where that line starts,
    counting CRLF, lone CR and LF as line breaks, as normalisation does."""
    line, line_start = 1, 0
    for brk in LINE_BREAK_BYTES.finditer(data, 0, pos):
        line, line_start = line + 1, brk.end()
    return line, line_start


def decode_fallback(data: bytes, start: int, diagnostics: list[Diagnostic]) -> str:
    try:
        text, encoding = data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "Latin-1"
    line, line_start = byte_line(data, start)
    diagnostics.append(
        Diagnostic(
            "FP001",
            f"byte 0x{data[start]:02x} is not valid UTF-8: the page was read as {encoding}",
            line,
            len(text[line_start:start]) + 1,  # one character a byte in either encoding
            "encoding",
        )
    )
    return text


def printable(line: str) -> str:
    """A line as an error can show it: surrogates replaced, NUL written as \\0."""
    return line.encode("utf-8", "replace").decode("utf-8", "replace").replace("\x00", "\\0")


def refusal(text: str, pos: int) -> FilmParseError:
    line, column, shown = line_and_column(text, pos)
    char = text[pos]
    what = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    return FilmParseError(
        f"{what} U+{ord(char):04X} (binary data?)",
        line=line,
        column=column,
        section="encoding",
        expected="printable text",
        source_line=printable(shown),
        code="FP004" if what == "a lone surrogate" else "FP003",
    )


def remove_forbidden(text: str, diagnostics: list[Diagnostic]) -> str:
    """Lenient: drop control characters, replace lone surrogates; one diagnostic a line."""
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        bad = FORBIDDEN.search(line)
        if bad is None:
            continue
        surrogate = "\ud800" <= bad.group() <= "\udfff"
        code, what = ("FP004", "lone surrogate") if surrogate else ("FP003", "control character")
        count = len(FORBIDDEN.findall(line))
        diagnostics.append(
            Diagnostic(
                code,
                f"{count} {what}(s) such as U+{ord(bad.group()):04X} "
                + ("replaced by U+FFFD" if surrogate else "removed")
                + " (others on this line likewise)" * (count > 1),
                number,
                bad.start() + 1,
                "encoding",
            )
        )
        lines[number - 1] = FORBIDDEN.sub(
            lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", line
        )
    return "\n".join(lines)


def repair_mojibake(text: str, diagnostics: list[Diagnostic] | None) -> str:
    """Lines ftfy finds to be mojibake: refused (strict) or repaired (lenient)."""
    from ftfy import fix_encoding  # here: ~60 ms of start-up, and few pages need it
    from ftfy.badness import is_bad

    lines = text.split("\n")
    changed = False
    for number, line in enumerate(lines, 1):
        if not MOJIBAKE_HINT.search(line) or not is_bad(line):
            continue
        fixed = fix_encoding(line)
        if fixed == line or "\n" in fixed:
            continue
        column = next(
            (i for i, (a, b) in enumerate(zip(line, fixed, strict=False)) if a != b),
            min(len(line), len(fixed)),
        )
        was = line[max(0, column - 10) : column + 20]
        if diagnostics is None:
            raise FilmParseError(
                f"mojibake {was!r}: UTF-8 text that was once decoded as Windows-1252 "
                f"(it reads {fixed[max(0, column - 10) : column + 20]!r} repaired; "
                "parse with strict=False to repair it)",
                line=number,
                column=column + 1,
                section="encoding",
                expected="correctly decoded UTF-8 text",
                source_line=line,
                code="FP002",
            )
        diagnostics.append(
            Diagnostic(
                "FP002",
                f"mojibake repaired: {was!r} -> {fixed[max(0, column - 10) : column + 20]!r}",
                number,
                column + 1,
                "encoding",
            )
        )
        lines[number - 1] = fixed
        changed = True
    return "\n".join(lines) if changed else text
