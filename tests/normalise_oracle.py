"""normalise() as it was before issue 14: every step line by line (the test oracle).

tests/test_normalise_fast_path.py checks that the current normalise() (its
ASCII fast path, and its full path that finds the lines a step may change
in the page's UTF-8 bytes) gives what this gives, error or diagnostics
included.  The cleaning steps are written out here, as they were, so that a
change to normalise.py cannot change the oracle too; the repairs (control
characters, surrogates, mojibake) are normalise.py's own: the full path
hands every page that needs one to them.
"""

from __future__ import annotations

import re
import unicodedata

from filmparse import _normalise_repair as repair
from filmparse.codes import fold_lookalikes
from filmparse.diagnostics import Diagnostic

_SPACE_RUN = re.compile(r"[ \t\u00a0\u2007\u202f]{2,}|[\u00a0\u2007\u202f]")
_TRAILING_SPACE = re.compile(" \n")
_NBSP = re.compile(r"[\u00a0\u2007\u202f]")
_ODD_SPACE = "\u1680\u2000-\u200a\u2028\u2029\u205f\u3000"
_INVISIBLE = "\u200b\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH = re.compile(f"[{_INVISIBLE}]")
_SPECIAL_SPACE = re.compile(f"[\u00a0\u2007\u202f{_INVISIBLE}{_ODD_SPACE}]")
_MIXED_SCRIPT = re.compile(
    r"[\u0370-\u04ff](?<=[A-Za-z][\u0370-\u04ff])|[\u0370-\u04ff](?=[A-Za-z])"
)
_UNUSUAL = re.compile(r"[^\t\n -~]")


def normalise(text: str, diagnostics: list[Diagnostic] | None = None) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    unusual = _unusual_lines(text)
    if unusual:
        bad = next(filter(None, (repair.FORBIDDEN.search(text, *line) for line in unusual)), None)
        if bad:
            if diagnostics is None:
                raise repair.refusal(text, bad.start())
            text = repair.remove_forbidden(text, diagnostics)
            unusual = _unusual_lines(text)
        if any(repair.MOJIBAKE_HINT.search(text, *line) for line in unusual):
            text = repair.repair_mojibake(text, diagnostics)
            unusual = _unusual_lines(text)
        parts: list[str] = []
        done = 0
        for start, end in unusual:
            parts += [text[done:start], _clean_line(text[start:end])]
            done = end
        parts.append(text[done:])
        text = "".join(parts)
    if _TRAILING_SPACE.search(text) or ("\t" in text and "\t\n" in text):
        text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    text = text.rstrip(" \t")
    if not text.endswith("\n"):
        text += "\n"
    return text


def _unusual_lines(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of the lines holding a character outside printable ASCII."""
    lines: list[tuple[int, int]] = []
    hit = _UNUSUAL.search(text)
    while hit:
        start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.start())
        end = len(text) if end < 0 else end
        lines.append((start, end))
        hit = _UNUSUAL.search(text, end)
    return lines


def _clean_line(line: str) -> str:
    if _SPECIAL_SPACE.search(line):
        if "\u00a0" in line or "\u2007" in line or "\u202f" in line:
            line = _SPACE_RUN.sub(_one_space, line)
        line = _ZERO_WIDTH.sub("", line)
        line = line.rstrip()
    if not unicodedata.is_normalized("NFC", line):
        line = unicodedata.normalize("NFC", line)
    if _MIXED_SCRIPT.search(line):
        line = _fold_mixed_words(line)
    return line


def _fold_mixed_words(text: str) -> str:
    parts: list[str] = []
    done = 0
    for hit in _MIXED_SCRIPT.finditer(text):
        start, end = hit.start(), hit.end()
        if start < done:
            continue
        while start > done and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
        parts += [text[done:start], fold_lookalikes(text[start:end])]
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _one_space(run: re.Match[str]) -> str:
    return " " if _NBSP.search(run.group()) else run.group()
