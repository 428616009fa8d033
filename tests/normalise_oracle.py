"""normalise() as it was before issue 14: every step line by line (the test oracle).

tests/test_normalise_fast_path.py checks that the current normalise(), its
ASCII fast path and its steps run on all unusual lines as one block, gives
what this gives, error or diagnostics included.
"""

from __future__ import annotations

import unicodedata

from filmparse import normalise as n
from filmparse.diagnostics import Diagnostic


def normalise(text: str, diagnostics: list[Diagnostic] | None = None) -> str:
    if text.startswith(n._BOM):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    unusual = n._unusual_lines(text)
    if unusual:
        bad = next(filter(None, (n._FORBIDDEN.search(text, *line) for line in unusual)), None)
        if bad:
            if diagnostics is None:
                raise n._refusal(text, bad.start())
            text = n._remove_forbidden(text, diagnostics)
            unusual = n._unusual_lines(text)
        if any(n._MOJIBAKE_HINT.search(text, *line) for line in unusual):
            text = n._repair_mojibake(text, diagnostics)
            unusual = n._unusual_lines(text)
        parts: list[str] = []
        done = 0
        for start, end in unusual:
            parts += [text[done:start], _clean_line(text[start:end])]
            done = end
        parts.append(text[done:])
        text = "".join(parts)
    if n._TRAILING_SPACE.search(text) or ("\t" in text and "\t\n" in text):
        text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    text = text.rstrip(" \t")
    if not text.endswith("\n"):
        text += "\n"
    return text


def _clean_line(line: str) -> str:
    if n._SPECIAL_SPACE.search(line):
        if "\u00a0" in line or "\u2007" in line or "\u202f" in line:
            line = n._SPACE_RUN.sub(n._one_space, line)
        line = n._ZERO_WIDTH.sub("", line)
        line = line.rstrip()
    if not unicodedata.is_normalized("NFC", line):
        line = unicodedata.normalize("NFC", line)
    if n._MIXED_SCRIPT.search(line):
        line = n._fold_mixed_words(line)
    return line
