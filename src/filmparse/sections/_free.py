"""Free-text lines whose text, without the spaces before it, opens something else.

A value is read with the spaces around it stripped, but the grammar's guards
(a free-text line is no heading; a tagline is no header or fact line) see
the line as written: "\\tReviews" (a tab, U+2028, an ideographic space)
passes them and gives the value Reviews, which no page can carry, so
render() would refuse the Film.  Such a line is refused like any value the
page cannot hold: an error in strict mode, a diagnostic and the value
dropped in lenient mode.
"""

from __future__ import annotations

import re

from parsimonious.nodes import Node

from ..grammar import rule_regex
from ..visitor import BaseVisitor

HEADING_RULE = ("heading",)
# What a line read as each of the grammar's lookahead rules would be.
_WHAT = {"heading": "a section heading", "header_field": "a header line", "fact": "a fact line"}


def reads_as(raw: str, rules: tuple[str, ...] = HEADING_RULE) -> str | None:
    """The first of the lookahead `rules` that the text of `raw` would match
    without the spaces before it, or None.  A line that starts with its text
    was checked by the grammar already: None, at the cost of one test."""
    if not raw[:1].isspace():
        return None
    line = raw.strip() + "\n"
    return next((rule for rule in rules if rule_regex(rule).match(line)), None)


def is_heading(text: str) -> bool:
    return rule_regex("heading").match(text + "\n") is not None


def refused(
    visitor: BaseVisitor,
    match: re.Match[str],
    group: str,
    section: str,
    what: str,
    rules: tuple[str, ...] = HEADING_RULE,
    *,
    code: str = "FP202",
    outcome: str = "entry dropped",
    entry: Node | re.Match[str] | None = None,
) -> bool:
    """Whether the free-text `group` of `match` reads as one of `rules` once
    stripped: strict, a FilmParseError; lenient, diagnostic `code` (saying the
    `outcome`, naming the lines of `entry`, the node or match read) and True.
    The value's line starts with `group` (a block's one match holds many)."""
    raw = match.group(group)
    rule = reads_as(raw, rules)
    if rule is None:
        return False
    message = (
        f"{what} {raw.strip()!r} reads as {_WHAT[rule]} once the spaces before it are "
        "stripped (as from every value)"
    )
    if visitor.strict:
        expected = f"text other than {_WHAT[rule]}"
        raise visitor.error_at(
            match.start(group), message, section=section, expected=expected, code=code
        )
    end = None if entry is None else visitor.extent(entry)[1]
    visitor.warn(code, match.start(group), f"{message}; {outcome}", section, end)
    return True
