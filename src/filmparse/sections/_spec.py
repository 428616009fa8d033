"""What a section module declares about its section, and the grammar rules
that follow from it (so that no heading or line prefix is typed twice)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film
    from ..visitor import BaseVisitor

# Headings, prefixes and labels go into regexes and rule text as they are.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z :]*")


def _plain(_: object, attribute: Any, value: Any) -> None:
    if value is not None and not _PLAIN.fullmatch(value):
        raise ValueError(f"{attribute.name} {value!r}: letters, spaces and colons only")


def regex_text(text: str) -> str:
    """`text` as a regex (plain text here: re.escape would only add backslashes
    before its spaces)."""
    return re.escape(text).replace("\\ ", " ")


@frozen
class Line:
    """A line `Prefix value` (or a bare `Prefix`): rule `rule`, the value in group `group`."""

    rule: str
    prefix: str = field(validator=_plain)
    group: str = ""

    @property
    def name(self) -> str:
        return self.group or self.rule

    def as_rule(self) -> str:
        pattern = f"{regex_text(self.prefix)}(?: (?P<{self.name}>[^\\n]*))?\\n+"
        return f'{self.rule:<19} = ~r"{pattern}"'


@frozen
class Label:
    """A line that carries structure, not a value (the header's watch label): rule `rule`."""

    rule: str
    text: str = field(validator=_plain)

    def as_rule(self) -> str:
        return f'{self.rule:<19} = ~r"{regex_text(self.text)}\\n+"'


@frozen
class Section:
    """One page section, as its module declares it; sections/__init__.py lists them.

    `name` is what errors and diagnostics call it (the heading, unless
    given); `rule` its strict rule, `lenient` its lenient one (None: read by
    other sections' lenient rules); `whole` the alternative of `rule` that
    reads it whole where strict mode reads it at all (`rule`, unless given;
    the others are there for a broken section's error); `heading_rule` the
    rule of its heading line, derived from `heading`.  `lines` and `labels` become rules too;
    `lookahead`, if set, names a rule that matches the start of any of them.
    `fields` are the rules whose one named group is a Film field.
    `hint` says what may come next when a line fits nothing in the section
    ("{next}": the next section's heading); `entry_hints` the same for rules
    that fail inside an entry; `expected` what a field accepts.
    """

    rule: str
    visitor: type[BaseVisitor]
    write: Callable[[Film, PageWriter], None]
    heading: str | None = field(default=None, validator=_plain)
    name: str = field()
    optional: bool = True
    whole: str = field()
    lenient: str | None = None
    heading_rule: str = field()
    lines: tuple[Line, ...] = ()
    labels: tuple[Label, ...] = ()
    lookahead: str | None = None
    never_headings: tuple[str, ...] = ()  # other one-word lines that open nothing
    fields: tuple[str, ...] = ()
    items: str | None = None  # the Film list field the section's entries feed
    hint: str | None = None
    entry_hints: Mapping[str, str] = {}
    expected: Mapping[str, str] = {}

    @name.default
    def _heading_name(self) -> str:
        if self.heading is None:
            raise ValueError(f"section {self.rule!r} has no heading: give it a name")
        return self.heading

    @whole.default
    def _whole_rule(self) -> str:
        return self.rule

    @heading_rule.default
    def _heading_rule(self) -> str:
        return f"{self.rule}_heading"

    @property
    def home(self) -> str:
        """The module name, which is also its grammar file's (grammars/sections/<home>.ppeg)."""
        return self.visitor.__module__.rpartition(".")[2]

    def derived_rules(self) -> list[str]:
        """The rules that come from this declaration rather than the grammar file."""
        rules = []
        if self.heading is not None:
            rules.append(f'{self.heading_rule:<19} = ~r"{regex_text(self.heading)}\\n+"')
        rules += [line.as_rule() for line in self.lines]
        rules += [label.as_rule() for label in self.labels]
        if self.lookahead is not None:
            starts = "|".join(regex_text(line.prefix) for line in self.lines)
            bare = "|".join(regex_text(label.text) for label in self.labels)
            pattern = f"(?:{starts})(?: |\\n)"
            if bare:
                pattern = f"(?:{pattern}|{bare}\\n)"
            rules.append(f'{self.lookahead:<19} = ~r"{pattern}"')
        return rules
