"""Raw bytes or text -> the normalised text the grammar reads.

The normalisation (documented in the README) keeps every line where it was,
so line numbers in errors are those of the user's file:

* UTF-8, with or without a byte-order mark;
* CRLF and lone CR become LF, and the text ends with an LF (blank lines at the end stay);
* a run of spaces holding a non-breaking space (U+00A0, U+2007, U+202F)
  becomes one ordinary space; zero-width spaces (U+200B, U+2060, U+FEFF)
  are removed;
* trailing spaces and tabs (and any other Unicode space, such as U+3000 or
  U+2028) are removed from every line;
* in a word that mixes Latin with Cyrillic or Greek letters, the letters of
  the minority script are replaced by their look-alikes in the main one
  (the reference page writes "Русский" with a Latin "P").

* invisible direction marks (U+200E, U+200F, U+061C, U+202A-U+202E,
  U+2066-U+2069) are removed, and the text is put in Unicode NFC;
* mojibake (UTF-8 text once decoded as Windows-1252, "CafÃ©") is an error,
  unless lenient, when ftfy repairs it where the repair is unambiguous.

Strict mode refuses what no page holds: bytes that are not UTF-8, control
characters other than tab and LF (NUL bytes: binary data), lone surrogates,
mojibake.  Lenient mode (a `diagnostics` list given) repairs each instead and
records a Diagnostic: Windows-1252 (or Latin-1) decoding, characters removed
or replaced by U+FFFD, mojibake fixed.
"""

from __future__ import annotations

import re
import unicodedata

from .codes import fold_lookalikes
from .diagnostics import Diagnostic
from .errors import FilmParseError, line_and_column

_BOM = "\ufeff"
# Runs of spaces are matched whole (each character once: a run that holds no
# non-breaking space is put back as it was), never by a pattern that could
# rescan a long run of plain spaces from each of its positions.
_SPACE_RUN = re.compile(r"[ \t\u00a0\u2007\u202f]{2,}|[\u00a0\u2007\u202f]")
_TRAILING_SPACE = re.compile(" \n")
_NBSP = re.compile(r"[\u00a0\u2007\u202f]")
# Other Unicode spaces (ideographic, en/em, line separator, ...): kept inside a
# line, removed at its end, so that a line of nothing else is blank.
_ODD_SPACE = "\u1680\u2000-\u200a\u2028\u2029\u205f\u3000"
_INVISIBLE = "\u200b\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH = re.compile(f"[{_INVISIBLE}]")
_SPECIAL_SPACE = re.compile(f"[\u00a0\u2007\u202f{_INVISIBLE}{_ODD_SPACE}]")
# A Cyrillic or Greek letter touching a Latin one: part of a mixed-script word.
# Both branches start with the same one-character class, which keeps the scan
# as fast as a plain character search (a `+` run costs five times as much).
_MIXED_SCRIPT = re.compile(
    r"[\u0370-\u04ff](?<=[A-Za-z][\u0370-\u04ff])|[\u0370-\u04ff](?=[A-Za-z])"
)
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Every step but the line-ending ones is about characters outside printable
# ASCII, and every step is line-local: one scan finds the lines that hold such
# characters (46 of the 820 of the reference page) and the steps run on those
# alone.  A scan of the whole text for each step cost three times as much.
_UNUSUAL = re.compile(r"[^\t\n -~]")
# The bytes a page that is plain ASCII may hold: printable ASCII, tab, LF.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"
# UTF-8 read as Windows-1252/Latin-1 turns each multi-byte character into a
# lead letter (U+00C2-U+00F4) and continuation signs: a cheap test that lets
# ftfy's slower check (5 ms for the whole reference page) run on few lines.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)


def decode(data: bytes, diagnostics: list[Diagnostic] | None = None) -> str:
    """UTF-8 bytes (BOM optional) -> str; a precise error on anything else.

    Lenient (`diagnostics` given): bytes that are not UTF-8 are read as
    Windows-1252, or as Latin-1 when they are not that either, and FP001
    says so at the first byte that was not UTF-8.
    """
    data = data.removeprefix(b"\xef\xbb\xbf")  # offsets below count from the text's start
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if diagnostics is not None:
            return _decode_fallback(data, exc.start, diagnostics)
        start = exc.start
        line, line_start = _byte_line(data, start)
        line_end = _LINE_BREAK_BYTES.search(data, start)
        shown = data[line_start : line_end.start() if line_end else len(data)]
        column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
        raise FilmParseError(
            f"byte 0x{data[start]:02x} is not valid UTF-8 (binary data or another encoding)",
            line=line,
            column=column,
            section="encoding",
            expected="UTF-8 text",
            source_line=shown.decode("utf-8", errors="replace"),
            code="FP001",
        ) from None


def normalise(text: str, diagnostics: list[Diagnostic] | None = None) -> str:
    """Clean page text into the form the grammar reads (see module doc).

    Strict unless a `diagnostics` list is given: then what strict mode
    refuses is repaired and reported there.
    """
    text = _line_breaks(text)
    if text.isascii() and not text.encode("ascii").translate(None, _PLAIN_ASCII):
        # Fast path: printable ASCII (tab and LF aside), so no step but the
        # line ends applies.  isascii() is a flag of the str, the translate
        # drops every allowed byte at C speed: ~10 us on 28.8 kB, where one
        # regex scan costs ~100 us.  Tested to agree with _full_path.
        if " \n" in text or "\t\n" in text:  # `in` is fast on ASCII text
            text = _strip_line_ends(text)
        return _end(text)
    return _full_path(text, diagnostics)


def _line_breaks(text: str) -> str:
    """No byte-order mark; CRLF and lone CR as LF."""
    if text.startswith(_BOM):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _full_path(text: str, diagnostics: list[Diagnostic] | None) -> str:
    """Every step, for text with line breaks already made LF."""
    unusual = _unusual_lines(text)
    if unusual:
        # Each step below is line-local, and the lines it concerns are among
        # the unusual ones: each scans those lines as one block, joined by LF
        # (a call per line cost more than the scans themselves).
        block = _block(text, unusual)
        if _FORBIDDEN.search(block):
            bad = next(filter(None, (_FORBIDDEN.search(text, *line) for line in unusual)))
            if diagnostics is None:
                raise _refusal(text, bad.start())
            text = _remove_forbidden(text, diagnostics)
            unusual = _unusual_lines(text)
            block = _block(text, unusual)
        if _MOJIBAKE_HINT.search(block):
            text = _repair_mojibake(text, diagnostics)  # first: it may give spaces to clean
            unusual = _unusual_lines(text)
            block = _block(text, unusual)
        cleaned = _clean_block(block)
        if cleaned != block:
            text = _replace_lines(text, unusual, cleaned.split("\n"))
    # A literal regex search is ~6x faster than `" \n" in text` on a page
    # that holds an emoji (CPython's substring search on UCS-4 text).
    if _TRAILING_SPACE.search(text) or ("\t" in text and "\t\n" in text):
        text = _strip_line_ends(text)
    return _end(text)


def _strip_line_ends(text: str) -> str:
    return "\n".join(line.rstrip(" \t") for line in text.split("\n"))


def _end(text: str) -> str:
    """The last line without trailing spaces or tabs, and a final LF (blank
    lines at the end are kept: they are lines of the file)."""
    text = text.rstrip(" \t")
    return text if text.endswith("\n") else text + "\n"


def _unusual_lines(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of the lines holding a character outside printable ASCII."""
    lines: list[tuple[int, int]] = []
    hit = _UNUSUAL.search(text)
    while hit:
        start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.start())
        end = len(text) if end < 0 else end
        lines.append((start, end))
        hit = _UNUSUAL.search(text, end)  # on from the next line
    return lines


def _block(text: str, lines: list[tuple[int, int]]) -> str:
    return "\n".join(text[start:end] for start, end in lines)


def _replace_lines(text: str, lines: list[tuple[int, int]], new: list[str]) -> str:
    """`text` with the given lines replaced by `new`, one for one."""
    parts: list[str] = []
    done = 0
    for (start, end), line in zip(lines, new, strict=True):
        parts += [text[done:start], line]
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _clean_block(block: str) -> str:
    """Special spaces, NFC, mixed-script words: the steps, in order, on lines
    joined by LF.  None of them joins, splits or reaches across lines: the
    space runs hold no LF, NFC composes nothing with an LF, a mixed-script
    word stops at one.  Each line loses its trailing Unicode spaces (control
    characters are gone by now), as a line's trailing spaces and tabs go later."""
    if _SPECIAL_SPACE.search(block):
        lines = block.split("\n")
        if "\u00a0" in block or "\u2007" in block or "\u202f" in block:
            # Line by line: every plain space may start a run, which costs
            # the regex ~3 us a line; few lines hold a non-breaking space.
            lines = [_SPACE_RUN.sub(_one_space, line) if _NBSP.search(line) else line
                     for line in lines]  # fmt: skip
        if _ZERO_WIDTH.search(block):
            lines = [_ZERO_WIDTH.sub("", line) for line in lines]
        block = "\n".join(line.rstrip() for line in lines)
    if not unicodedata.is_normalized("NFC", block):
        block = unicodedata.normalize("NFC", block)
    if _MIXED_SCRIPT.search(block):
        block = _fold_mixed_words(block)
    return block


def _fold_mixed_words(text: str) -> str:
    """Fold each mixed-script word; only the words around a hit are touched."""
    parts: list[str] = []
    done = 0
    for hit in _MIXED_SCRIPT.finditer(text):
        start, end = hit.start(), hit.end()
        if start < done:
            continue  # inside a word already folded
        while start > done and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
        parts += [text[done:start], fold_lookalikes(text[start:end])]
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _one_space(run: re.Match[str]) -> str:
    """A run of spaces holding a non-breaking one becomes one space."""
    return " " if _NBSP.search(run.group()) else run.group()


def _printable(line: str) -> str:
    """A line as an error can show it: surrogates replaced, NUL written as \\0."""
    return line.encode("utf-8", "replace").decode("utf-8", "replace").replace("\x00", "\\0")


def _refusal(text: str, pos: int) -> FilmParseError:
    line, column, shown = line_and_column(text, pos)
    char = text[pos]
    what = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    return FilmParseError(
        f"{what} U+{ord(char):04X} (binary data?)",
        line=line,
        column=column,
        section="encoding",
        expected="printable text",
        source_line=_printable(shown),
        code="FP004" if what == "a lone surrogate" else "FP003",
    )


_LINE_BREAK_BYTES = re.compile(rb"\r\n?|\n")


def _byte_line(data: bytes, pos: int) -> tuple[int, int]:
    """The 1-based line of byte `pos` and the offset where that line starts,
    counting CRLF, lone CR and LF as line breaks, as normalisation does."""
    line, line_start = 1, 0
    for brk in _LINE_BREAK_BYTES.finditer(data, 0, pos):
        line, line_start = line + 1, brk.end()
    return line, line_start


def _decode_fallback(data: bytes, start: int, diagnostics: list[Diagnostic]) -> str:
    try:
        text, encoding = data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "Latin-1"
    line, line_start = _byte_line(data, start)
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


def _remove_forbidden(text: str, diagnostics: list[Diagnostic]) -> str:
    """Lenient: drop control characters, replace lone surrogates; one diagnostic a line."""
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        bad = _FORBIDDEN.search(line)
        if bad is None:
            continue
        surrogate = "\ud800" <= bad.group() <= "\udfff"
        code, what = ("FP004", "lone surrogate") if surrogate else ("FP003", "control character")
        count = len(_FORBIDDEN.findall(line))
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
        lines[number - 1] = _FORBIDDEN.sub(
            lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", line
        )
    return "\n".join(lines)


def _repair_mojibake(text: str, diagnostics: list[Diagnostic] | None) -> str:
    """Lines ftfy finds to be mojibake: refused (strict) or repaired (lenient)."""
    from ftfy import fix_encoding  # here: ~60 ms of start-up, and few pages need it
    from ftfy.badness import is_bad

    lines = text.split("\n")
    changed = False
    for number, line in enumerate(lines, 1):
        if not _MOJIBAKE_HINT.search(line) or not is_bad(line):
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
