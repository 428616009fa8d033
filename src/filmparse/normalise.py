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
from collections.abc import Callable

from . import _normalise_repair as repair
from .codes import fold_lookalikes
from .diagnostics import Diagnostic
from .errors import FilmParseError

_BOM = "\ufeff"
# Runs of spaces are matched whole (each character once: a run that holds no
# non-breaking space is put back as it was), never by a pattern that could
# rescan a long run of plain spaces from each of its positions.
_SPACE_RUN = re.compile(r"[ \t\u00a0\u2007\u202f]{2,}|[\u00a0\u2007\u202f]")
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
_GREEK_CYRILLIC = re.compile("[\u0370-\u04ff]")
# Characters that take part in no NFC change: not combining, not changed by
# NFC, not the second of a pair NFC composes (tests/test_normalise_nfc.py
# checks each one).  A line of these alone is NFC already: the reference page
# (Cyrillic, flags, quotes) needs no NFC check at all.
_NFC_INERT = (
    (0x0000, 0x02FF), (0x0370, 0x0373), (0x0375, 0x037D), (0x037F, 0x0386), (0x0388, 0x0482),
    (0x0488, 0x052F), (0x05C8, 0x060F), (0x061B, 0x064A), (0x0671, 0x06D5), (0x0E00, 0x0E37),
    (0x1E00, 0x1F70), (0x2010, 0x205E), (0x20A0, 0x20CF), (0x2100, 0x2125), (0x212C, 0x2328),
    (0x232B, 0x2ADB), (0x2ADD, 0x2BFF), (0x3040, 0x3098), (0x309B, 0x30FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF), (0x1F000, 0x1FAFF),
)  # fmt: skip
_NFC_SUSPECT = re.compile("[^" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in _NFC_INERT) + "]")
# The bytes a page that is plain ASCII may hold: printable ASCII, tab, LF.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"
# An LF after a space or tab: one scan led by the LF, ~1.8x faster than
# `" \n" in text or "\t\n" in text` (two scans stopping at every space).
_BLANK_END_TEXT = re.compile(r"\n(?<=[ \t]\n)")
_PRINTABLE_OR_TAB = bytes(range(0x20, 0x7F)) + b"\t"


def _byte_classes() -> bytes:
    """A translate table for UTF-8: control characters and the first byte of
    every multi-byte character to NUL, the bytes that follow it to 0x01, tab
    to space (both are trailing blanks); printable ASCII and LF as they are."""
    table = bytearray(256)
    table[0x20:0x7F] = bytes(range(0x20, 0x7F))
    table[0x0A], table[0x09] = 0x0A, 0x20
    table[0x80:0xC0] = b"\x01" * 0x40
    return bytes(table)


_CLASSES = _byte_classes()
# An LF after a space (tab is a space in the marks).  The pattern starts with
# the rare byte: a page holds ~6x more spaces than LFs, and a search led by the
# space (regex or bytes.find) stops at each of them (~3x slower).
_BLANK_END = re.compile(rb"\n(?<= \n)")
# Over this many lines with trailing blanks, one split and join beats a
# search and a slice for each.
_MANY_BLANK_ENDS = 64
# Over this many lines to clean, the lines are cleaned as one block, the steps
# run once on all of them (a page in NFD, each line decomposed, cost 2x main's
# time line by line).
_MANY_LINES = 32


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
            return repair.decode_fallback(data, exc.start, diagnostics)
        start = exc.start
        line, line_start = repair.byte_line(data, start)
        line_end = repair.LINE_BREAK_BYTES.search(data, start)
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
        if _BLANK_END_TEXT.search(text):
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


def _strip_line_ends(text: str) -> str:
    return "\n".join(line.rstrip(" \t") for line in text.split("\n"))


def _end(text: str) -> str:
    """The last line without trailing spaces or tabs, and a final LF (blank
    lines at the end are kept: they are lines of the file)."""
    text = text.rstrip(" \t")
    return text if text.endswith("\n") else text + "\n"


def _full_path(text: str, diagnostics: list[Diagnostic] | None) -> str:
    """Every step, for text with line breaks already made LF."""
    return _clean(text, diagnostics, check=True)


def _repaired(text: str, diagnostics: list[Diagnostic] | None) -> str:
    """A page with control characters, lone surrogates or a hint of mojibake:
    refused or repaired first (strict: the first refusal is raised), then cleaned."""
    bad = repair.FORBIDDEN.search(text)
    if bad:
        if diagnostics is None:
            raise repair.refusal(text, bad.start())
        text = repair.remove_forbidden(text, diagnostics)
    if repair.MOJIBAKE_HINT.search(text):
        text = repair.repair_mojibake(text, diagnostics)
    return _clean(text, diagnostics, check=False)


def _clean(text: str, diagnostics: list[Diagnostic] | None, *, check: bool) -> str:
    """Special spaces, NFC and mixed-script words on the lines they concern,
    blanks at line ends; `check`: a page that needs a repair goes to _repaired.

    Each step is line-local and, but the line ends, concerns characters
    outside printable ASCII.  One translate of the UTF-8 bytes marks those
    characters (a regex scan of the str costs ~4x as much: 4 bytes a character
    once the page holds an emoji), and C-speed searches in the marks find the
    lines that hold one (46 of the 820 of the reference page).  Those lines'
    unusual characters alone tell which lines a step may change (2 there), and
    only those are sliced from the text and rewritten.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        if check:
            return _repaired(text, diagnostics)
        data = text.encode("utf-8", "surrogatepass")  # left by a repair: kept, as before
    marks = data.translate(_CLASSES)
    starts, ends = _unusual_lines(marks)
    rows = b"\n".join(map(data.__getitem__, map(slice, starts, ends)))
    # The unusual characters of each unusual line, one line of them a line.
    odd = rows.translate(None, _PRINTABLE_OR_TAB).decode("utf-8", "surrogatepass")
    if check and (
        repair.FORBIDDEN.search(odd)
        or (repair.MOJIBAKE_HINT.search(odd) and repair.MOJIBAKE_HINT.search(rows.decode()))
    ):
        return _repaired(text, diagnostics)

    def line(index: int) -> str:
        return data[starts[index] : ends[index]].decode("utf-8", "surrogatepass")

    # Byte offset of a line's start -> its end, and whether the steps may change it.
    todo = sorted(_lines_to_clean(odd, line))
    edits = {starts[i]: (ends[i], True) for i in todo}
    cleaned: dict[int, str] = {}
    if len(todo) > _MANY_LINES:
        block = _clean_block("\n".join(map(line, todo))).split("\n")
        cleaned = dict(zip((starts[i] for i in todo), block, strict=True))
    many = _blank_ends(marks, edits)
    parts: list[str] = []
    done = shift = at = 0  # text done; continuation bytes before byte `at`
    for start in sorted(edits):
        end, steps = edits[start]
        shift += marks.count(1, at, start)
        first = start - shift
        inner = marks.count(1, start, end)
        last, at = end - shift - inner, end
        shift += inner
        was = text[first:last]
        new = (cleaned[start] if start in cleaned else _clean_line(was)) if steps else was
        new = new if many else new.rstrip(" \t")
        if new != was:
            parts += (text[done:first], new)
            done = last
    if many:
        return _end(_strip_line_ends("".join([*parts, text[done:]])))
    return _joined(parts, text[done:] if parts else text)


def _unusual_lines(marks: bytes) -> tuple[list[int], list[int]]:
    """Byte offsets of the start and end of each line holding a NUL mark."""
    starts: list[int] = []
    ends: list[int] = []
    find, rfind, size = marks.find, marks.rfind, len(marks)
    hit = find(0)
    while hit >= 0:
        starts.append(rfind(10, 0, hit) + 1)
        end = find(10, hit)
        if end < 0:
            end = size
        ends.append(end)
        hit = find(0, end)
    return starts, ends


def _lines_with(pattern: re.Pattern[str], odd: str) -> list[int]:
    """The indices of the lines of `odd` where `pattern` matches, each once."""
    found: list[int] = []
    line = done = 0
    hit = pattern.search(odd)
    while hit:
        line += odd.count("\n", done, hit.start())
        found.append(line)
        done = odd.find("\n", hit.start())
        if done < 0:
            break
        hit = pattern.search(odd, done)
    return found


def _lines_to_clean(odd: str, line: Callable[[int], str]) -> set[int]:
    """The unusual lines _clean_line may change; `odd` holds their unusual
    characters, one line of them a line, `line(i)` is the i-th line."""
    lines = set(_lines_with(_SPECIAL_SPACE, odd))
    if _NFC_SUSPECT.search(odd):
        suspects = _lines_with(_NFC_SUSPECT, odd)
        if len(suspects) > _MANY_LINES:  # all of them, cleaned as a block
            lines.update(suspects)
        else:
            texts = [line(i) for i in suspects]
            if not unicodedata.is_normalized("NFC", "\n".join(texts)):
                lines.update(
                    i for i, text in zip(suspects, texts, strict=True)
                    if not unicodedata.is_normalized("NFC", text)
                )  # fmt: skip
    # A line the steps above leave alone reaches the mixed-script step as it is.
    scripts = _lines_with(_GREEK_CYRILLIC, odd)
    if len(scripts) > _MANY_LINES:
        lines.update(scripts)
    else:
        lines.update(i for i in scripts if i not in lines and _MIXED_SCRIPT.search(line(i)))
    return lines


def _blank_ends(marks: bytes, edits: dict[int, tuple[int, bool]]) -> bool:
    """Add the lines that end in spaces or tabs to `edits` (the steps do not
    apply to them unless already there); True, adding none, if they are many."""
    found: dict[int, tuple[int, bool]] = {}
    if not _BLANK_END.search(marks) and not marks.endswith(b" "):
        return False
    for hit in _BLANK_END.finditer(marks):
        if len(found) == _MANY_BLANK_ENDS:
            return True
        end = hit.start()  # the LF
        found[marks.rfind(10, 0, end) + 1] = (end, False)
    if marks.endswith(b" "):
        found[marks.rfind(10) + 1] = (len(marks), False)
    for start, edit in found.items():
        edits.setdefault(start, edit)
    return False


def _joined(parts: list[str], tail: str) -> str:
    """`parts` and `tail` joined, with a final LF unless they end with one
    (the text's start when nothing was rewritten: `tail` is then the text)."""
    if not parts:
        return tail if tail.endswith("\n") else tail + "\n"
    pieces = [*parts, tail]
    last = next((piece for piece in reversed(pieces) if piece), "")
    if not last.endswith("\n"):
        pieces.append("\n")
    return "".join(pieces)


def _clean_block(block: str) -> str:
    """_clean_line on each line of `block` (lines joined by LF), each step
    once on them all.  None of them joins, splits or reaches across lines:
    the space runs hold no LF, NFC composes nothing with an LF, a
    mixed-script word stops at one."""
    if _SPECIAL_SPACE.search(block):
        lines = block.split("\n")
        if "\u00a0" in block or "\u2007" in block or "\u202f" in block:
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


def _clean_line(line: str) -> str:
    """Special spaces, NFC, mixed-script words, in that order, on one line
    (no control characters left); trailing Unicode spaces go with the first."""
    if _SPECIAL_SPACE.search(line):
        if "\u00a0" in line or "\u2007" in line or "\u202f" in line:
            line = _SPACE_RUN.sub(_one_space, line)
        line = _ZERO_WIDTH.sub("", line).rstrip()
    if not unicodedata.is_normalized("NFC", line):
        line = unicodedata.normalize("NFC", line)
    if _MIXED_SCRIPT.search(line):
        line = _fold_mixed_words(line)
    return line


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
