"""Raw bytes or text -> the normalised text the grammar reads.

The normalisation (documented in the README) keeps every line where it was,
so line numbers in errors are those of the user's file:

* UTF-8, with or without a byte-order mark;
* CRLF and lone CR become LF, and the text ends with exactly one LF;
* a run of spaces holding a non-breaking space (U+00A0, U+2007, U+202F)
  becomes one ordinary space; zero-width spaces (U+200B, U+2060, U+FEFF)
  are removed;
* trailing spaces and tabs are removed from every line;
* in a word that mixes Latin with Cyrillic or Greek letters, the letters of
  the minority script are replaced by their look-alikes in the main one
  (the reference page writes "Русский" with a Latin "P").

Control characters other than tab and LF (NUL bytes: binary data) and lone
surrogates are refused, since no page holds them.
"""

from __future__ import annotations

import re

from .codes import fold_lookalikes
from .errors import FilmParseError

_BOM = "\ufeff"
_NBSP_RUN = re.compile(r"[ \t]*[\u00a0\u2007\u202f][ \t\u00a0\u2007\u202f]*")
_ZERO_WIDTH = re.compile(r"[\u200b\u2060\ufeff]")
_SPECIAL_SPACE = re.compile(r"[\u00a0\u2007\u202f\u200b\u2060\ufeff]")
_SPACES = " \t\u00a0\u2007\u202f"
# A Cyrillic or Greek letter touching a Latin one: part of a mixed-script word.
# Both branches start with the same one-character class, which keeps the scan
# as fast as a plain character search (a `+` run costs five times as much).
_MIXED_SCRIPT = re.compile(
    r"[\u0370-\u04ff](?<=[A-Za-z][\u0370-\u04ff])|[\u0370-\u04ff](?=[A-Za-z])"
)
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def decode(data: bytes) -> str:
    """UTF-8 bytes (BOM optional) -> str; a precise error on anything else."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line_end = data.find(b"\n", start)
        shown = data[line_start : line_end if line_end >= 0 else len(data)]
        column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
        raise FilmParseError(
            f"byte 0x{data[start]:02x} is not valid UTF-8 (binary data or another encoding)",
            line=data.count(b"\n", 0, start) + 1,
            column=column,
            section="encoding",
            expected="UTF-8 text",
            source_line=shown.decode("utf-8", errors="replace"),
        ) from None


def normalise(text: str) -> str:
    """Clean page text into the form the grammar reads (see module doc)."""
    if text.startswith(_BOM):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _FORBIDDEN.search(text)
    if bad:
        _refuse(text, bad.start())
    if _SPECIAL_SPACE.search(text):
        text = _clean_special_space_lines(text)
    if " \n" in text or "\t\n" in text:
        text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    text = _fold_mixed_words(text)
    text = text.rstrip(" \t")
    if not text.endswith("\n"):
        text += "\n"
    return text


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
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _clean_special_space_lines(text: str) -> str:
    """Run _clean_line on the lines holding a special space, and only on those."""
    parts: list[str] = []
    done = 0
    for hit in _SPECIAL_SPACE.finditer(text):
        if hit.start() < done:
            continue
        start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.start())
        end = len(text) if end < 0 else end
        parts += [text[done:start], _clean_line(text[start:end])]
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _clean_line(line: str) -> str:
    if "\u00a0" in line or "\u2007" in line or "\u202f" in line:
        line = _NBSP_RUN.sub(" ", line)
    if "\u200b" in line or "\u2060" in line or _BOM in line:
        line = _ZERO_WIDTH.sub("", line)
    return line.rstrip(_SPACES)


def _refuse(text: str, pos: int) -> None:
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    char = text[pos]
    what = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    raise FilmParseError(
        f"{what} U+{ord(char):04X} (binary data?)",
        line=text.count("\n", 0, pos) + 1,
        column=pos - line_start + 1,
        section="encoding",
        expected="printable text",
        source_line=text[line_start : line_end if line_end >= 0 else len(text)]
        .encode("utf-8", "replace")
        .decode("utf-8", "replace")
        .replace("\x00", "\\0"),
    )
