"""What a visitor hands on: entries (a value and where it was read), and their spans.

A span is (JSON path or its suffix inside an entry, start offset, end offset);
indexes in JSON paths are only known once the page is assembled, so spans
carry paths relative to their entry until then.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

# A value's place: its JSON path (or the path's suffix, inside an entry), start, end offsets.
OffsetSpan = tuple[str, int, int]


class Entry(NamedTuple):
    """A value read from the page (None: dropped, lenient) and where it was read."""

    value: Any
    spans: tuple[OffsetSpan, ...] = ()


Pair = tuple[str, Entry]  # a Film field and its entry


class Items(NamedTuple):
    """A list field's values read without a source map, not one Entry each
    (None: dropped, lenient): what a long section gives, an Entry a line costing
    more than the line's model.  (With a source map, sections give Entries.)"""

    values: list[Any]


def joined(parts: list[list[Entry] | Items], track: bool) -> list[Entry] | Items:
    """A section's entries read in parts, as one list: Items without a source map."""
    if track:  # (with a source map, parts are Entries)
        entries: list[Entry] = []
        for part in parts:
            assert not isinstance(part, Items)
            entries += part
        return entries
    values: list[Any] = []
    for part in parts:
        values += part.values if isinstance(part, Items) else [entry.value for entry in part]
    return Items(values)


class Part(NamedTuple):
    """A section of a lenient page: its name, where it starts and ends, what it gave."""

    name: str
    start: int
    end: int
    pairs: list[Pair]


class Unparsed(NamedTuple):
    """A line that fits no rule where it stands (lenient only)."""

    match: re.Match[str]


def line_span(match: re.Match[str], suffix: str = "") -> OffsetSpan:
    """The first line of a match, without its newline."""
    return suffix, match.start(), match.start() + len(match.group().split("\n", 1)[0])


def group_span(
    match: re.Match[str], group: str, suffix: str = "", line: tuple[int, int] | None = None
) -> OffsetSpan:
    """A named group's range less the spaces its converter strips, or when
    nothing is left its `line` (start, end), by default the match's first line."""
    start = match.start(group)
    if start >= 0:
        value = match.group(group)
        stripped = value.strip()
        if stripped:
            start += len(value) - len(value.lstrip())
            return suffix, start, start + len(stripped)
    return line_span(match, suffix) if line is None else (suffix, *line)


_LINE = re.compile(r"[^\n]+")


def entry_lines(match: re.Match[str]) -> list[tuple[int, int]]:
    """Where each line of a block's entry (one match of many lines) starts and ends."""
    return [line.span() for line in _LINE.finditer(match.string, match.start(), match.end())]


def _genre_spans(raw: str, base: int) -> tuple[OffsetSpan, ...]:
    """The span of each non-empty comma-separated genre, spaces left out."""
    spans: list[OffsetSpan] = []
    start = 0
    for part in raw.split(","):
        stripped = part.strip()
        if stripped:
            first = base + start + len(part) - len(part.lstrip())
            spans.append((f"[{len(spans)}]", first, first + len(stripped)))
        start += len(part) + 1
    return tuple(spans)
