"""Parse tree -> typed Film: what every section's visitor shares.

Each section's visit methods live in its module under sections/ (a mixin
of BaseVisitor); sections/__init__.py composes them into FilmVisitor.  A
method is named after its rule; a rule without one is lifted by
generic_visit (a regex gives its match, a rule of lookaheads and one more
member gives that member's value, an alternation its one value).  Values
are converted and checked by the model fields themselves; a visitor only
routes regex groups to fields and, when a field refuses a value, turns that
into a FilmParseError at the value's line and column (strict) or into a
Diagnostic and a null or dropped entry (lenient).

Every value travels as an Entry: the value and, when a source map is wanted,
the spans (JSON path suffix, start, end offsets) it was read from.  Indexes
in JSON paths are only known once the page is assembled, so spans carry
paths relative to their entry until then.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs
from parsimonious.expressions import Expression
from parsimonious.nodes import Node, NodeVisitor

from ._lifters import Handler, _field_handler, _label_handler, _lifter
from .diagnostics import Diagnostic
from .errors import FilmParseError, error_at, reason
from .grammar import rule_regex
from .models import Film

T = TypeVar("T")
Where = re.Match[str] | tuple[re.Match[str], str]
Source = re.Match[str] | dict[str, Where]
from ._entries import (  # noqa: E402  (the section modules import them from here)
    Entry,
    Items,
    Pair,
    Unparsed,
    _genre_spans,
    group_span,
    joined,
    line_span,
)

_NEWLINE = re.compile("\n")


def _offset(where: Where, name: str) -> int:
    match, group = where if isinstance(where, tuple) else (where, name)
    if group in match.re.groupindex and match.start(group) >= 0:
        return match.start(group)
    return match.start()


def _checked(field: attrs.Attribute[Any], raw: Any) -> Any:
    """One field's converter and validator run on one raw value, as cls(...) runs them."""
    converter: Any = field.converter  # our fields' converters are plain functions
    value = converter(raw) if converter else raw
    if field.validator:
        field.validator(None, field, value)
    return value


_FILM_FIELDS = attrs.fields_dict(Film)  # looked up once, not at each header line
# Each Film field's converter and validator (None: none), for film_field.
_FIELD_CHECKS: dict[str, tuple[Any, Any]] = {
    name: (field.converter, field.validator) for name, field in _FILM_FIELDS.items()
}


@cache
def _field_of(regex: re.Pattern[str]) -> tuple[str, attrs.Attribute[Any]]:
    """The Film field of a header or fact line's regex (its one named group)."""
    name = next(iter(regex.groupindex))
    return name, _FILM_FIELDS[name]


@cache
def _rule_regexes(rules: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((rule, rule_regex(rule)) for rule in rules)


def _nullable(cls: type, name: str) -> bool:
    return "None" in str(attrs.fields_dict(cls)[name].type)


if TYPE_CHECKING:  # the stubs make NodeVisitor generic; the runtime class is not
    _Visitor = NodeVisitor[Film]
else:
    _Visitor = NodeVisitor



class BaseVisitor(_Visitor):
    """Strict (the default): the first problem is a FilmParseError.  Lenient:
    problems become `diagnostics`.  With `track`, `spans` (JSON path -> start
    and end offsets) and `labels` (structural lines: headings, labels) say where
    everything was read."""

    unwrapped_exceptions = (FilmParseError,)
    # Set by sections/__init__.py from the section list, on the composed class.
    field_sections: ClassVar[Mapping[str, str]] = {}  # rule of a Film field's line -> section
    heading_rules: ClassVar[frozenset[str]] = frozenset()
    label_rules: ClassVar[frozenset[str]] = frozenset()
    expected: ClassVar[Mapping[str, str]] = {}  # field -> what it accepts, as a page writes it
    _handlers: ClassVar[dict[int, Handler]] = {}
    _held: ClassVar[list[Expression]] = []  # keeps the ids of _handlers' expressions unique

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers, cls._held = {}, []

    def __init__(self, text: str, *, strict: bool = True, track: bool = False) -> None:
        self.text = text
        self.strict = strict
        self.track = track
        self.diagnostics: list[Diagnostic] = []
        # Lenient: a diagnostic -> the error strict mode raises for it (message,
        # expected, line, column), where the two differ.
        self.refusals: dict[Diagnostic, tuple[str, str, int, int]] = {}
        self.spans: dict[str, tuple[int, int]] = {}
        self.labels: list[tuple[str, int, int]] = []
        self._table = self._handlers
        self._line_starts: list[int] | None = None

    # -- dispatch ------------------------------------------------------------

    def visit(self, node: Node) -> Any:
        """NodeVisitor.visit, with each expression's handler resolved once.

        The same walk as parsimonious' (the visit_<rule> method of a named
        node, generic_visit for the rest), but no string concatenation and
        getattr per node, no type tests per node, no try/except per level.
        Bugs surface as themselves instead of a VisitationError.
        """
        handler = self._table.get(id(node.expr)) or self._handler(node.expr)
        children = node.children
        return handler(self, node, [self.visit(child) for child in children] if children else [])

    @classmethod
    def _handler(cls, expr: Expression) -> Handler:
        name = expr.name
        method: Handler | None = getattr(cls, "visit_" + name, None) if name else None
        if method is None:
            lift = _lifter(expr)
            if name in cls.field_sections:
                method = _field_handler(lift, cls.field_sections[name])
            elif name in cls.heading_rules:
                method = _label_handler(lift, "heading")
            elif name in cls.label_rules:
                method = _label_handler(lift, "label")
            else:
                method = lift
        cls._handlers[id(expr)] = method
        cls._held.append(expr)
        return method

    def generic_visit(self, node: Node, visited_children: Sequence[Any]) -> Any:
        return _lifter(node.expr)(self, node, list(visited_children))

    # -- errors and warnings ---------------------------------------------------

    def error_at(
        self, pos: int, message: str, *, section: str, expected: str, code: str
    ) -> FilmParseError:
        return error_at(self.text, pos, message, section=section, expected=expected, code=code)

    def expects(self, name: str) -> str:
        return self.expected.get(name, name.replace("_", " "))

    def refused(
        self, exc: Exception, pos: int, section: str, name: str, code: str
    ) -> FilmParseError:
        expected = self.expects(name)
        return self.error_at(pos, reason(exc), section=section, expected=expected, code=code)

    def _starts(self) -> list[int]:
        """Where each line starts, built at the first diagnostic (counting
        newlines from offset 0 for each made many of them quadratic)."""
        if self._line_starts is None:
            self._line_starts = [0, *(hit.end() for hit in _NEWLINE.finditer(self.text))]
        return self._line_starts

    def line_of(self, pos: int) -> int:
        """The 1-based line of offset `pos`."""
        return bisect_right(self._starts(), pos)

    def line_column(self, pos: int) -> tuple[int, int]:
        """The 1-based line and column of offset `pos`."""
        line = self.line_of(pos)
        return line, pos - self._starts()[line - 1] + 1

    def warn(
        self,
        code: str,
        pos: int,
        message: str,
        section: str,
        end: int | None = None,
        refusal: tuple[str, str] | tuple[str, str, int] | None = None,
    ) -> None:
        """A diagnostic at offset `pos`, naming the lines up to offset `end`;
        `refusal`: the message, the expectation and (if not `pos`) the offset
        of strict mode's error for it."""
        line, column = self.line_column(pos)
        last = line if end is None or end <= pos else self.line_of(end - 1)
        found = Diagnostic(code, message, line, column, section, last)
        self.diagnostics.append(found)
        if refusal is not None:
            at = self.line_column(refusal[2]) if len(refusal) == 3 else (line, column)
            self.refusals[found] = (refusal[0], refusal[1], *at)

    def unparsed(self, item: Unparsed, section: str, why: str = "") -> None:
        match = item.match
        line = match.group().split("\n", 1)[0]
        shown = line if len(line) <= 60 else line[:57] + "..."
        self.warn("FP204", match.start(), why or f"line {shown!r} fits no rule of this section",
                  section)  # fmt: skip

    def label(self, what: str, match: re.Match[str]) -> None:
        if self.track:
            start = match.start()
            end = self.text.find("\n", start)
            self.labels.append((what, start, end if end >= 0 else len(self.text)))

    def heading_of(self, node: Node, rule: str) -> re.Match[str]:
        """The heading line (rule `rule`) of a section read with it as one
        regex, a label as a heading node is; the section's lines follow it."""
        heading = rule_regex(rule).match(self.text, node.start)
        assert heading is not None  # the section's regex starts with it
        self.label("heading", heading)
        return heading

    def whole_section(
        self, node: Node, field: str, heading: str, read: Callable[[int, int], list[Entry] | Items]
    ) -> list[Pair]:
        """A `<section>_whole` match: its heading, then `read(start, end)` of its entries."""
        return [(field, Entry(read(self.heading_of(node, heading).end(), node.end)))]

    def section_parts(
        self,
        node: Node,
        children: Sequence[Any],
        field: str,
        heading: str,
        read: Callable[[int, int], list[Entry] | Items],
    ) -> list[Pair]:
        """A `<section>_parts` match: the heading and its block are one regex (read
        as the whole form is), then the entries the block rule left (visited)."""
        block, rest = children
        entries = read(self.heading_of(node, heading).end(), block.end())
        return [(field, Entry(joined([entries, rest], self.track)))]

    def extent(self, source: Node | re.Match[str]) -> tuple[int, int]:
        """Where a node's or a match's text starts and ends (newlines after it left out)."""
        if isinstance(source, Node):
            return source.start, self.end_of(source)
        return source.start(), source.start() + len(source.group().rstrip("\n"))

    def end_of(self, node: Node) -> int:
        """The end of a node's text, less the newlines after it."""
        return node.start + len(node.text.rstrip("\n"))

    # -- values and entries --------------------------------------------------

    def film_field(self, match: re.Match[str], section: str, name: str | None = None) -> Pair:
        """Convert and check the one named group of a header or fact line
        (`name`: that group of a block's one match; strict mode, no source map)."""
        if name is None:
            name = _field_of(match.re)[0]
        raw = match.group(name)
        converter, validator = _FIELD_CHECKS[name]  # (_checked, written out: a call a field)
        try:
            value = converter(raw) if converter else raw
            if validator:
                validator(None, _FILM_FIELDS[name], value)
        except ValueError as exc:
            pos = match.start(name) if raw is not None else match.start()
            error = self.refused(exc, pos, section, name, "FP201")
            if self.strict:
                raise error from None
            refusal = error.message, error.expected
            self.warn("FP201", pos, f"{error.message}; {name} set to null", section, None, refusal)
            value = None
        if self.strict and not self.track:  # (lenient needs the first span: a field read again)
            return name, Entry(value)
        if name == "genres" and raw:
            spans = _genre_spans(raw, match.start(name)) or (line_span(match),)
        else:
            spans = (group_span(match, name),)
        return name, Entry(value, spans)

    def _first_refusal(
        self, cls: type, values: dict[str, Any], source: Source, exc: Exception
    ) -> tuple[int, str, str, str | None]:
        """Where and why cls(**values) failed: (offset, message, expected, field name)."""
        for field in attrs.fields(cls):
            if field.name not in values:
                continue
            try:
                _checked(field, values[field.name])
            except (ValueError, TypeError) as field_exc:
                where = source[field.name] if isinstance(source, dict) else source
                expected = self.expects(field.name)
                return _offset(where, field.name), reason(field_exc), expected, field.name
        if isinstance(source, dict):
            first = min(_offset(where, name) for name, where in source.items())
        else:
            first = source.start()
        return first, reason(exc), "entry", None

    def build(
        self,
        cls: type[T],
        section: str,
        values: dict[str, Any],
        source: Source,
        entry: Node | re.Match[str] | None = None,
    ) -> T | None:
        """cls(**values); a refused value becomes an error where it was read.

        `source` says where each field came from: the one match all fields
        were read from, or per field a match whose group of the same name
        holds it, or (match, group) when the names differ.  Offsets are only
        worked out on the error path.  Lenient: a refused value of a field
        that may be null becomes null (FP201); any other refusal drops the
        entry (FP202) naming its lines, those of `entry` (the node or match it
        was read from).
        """
        while True:
            try:
                return cls(**values)
            except (ValueError, TypeError) as exc:
                pos, message, expected, name = self._first_refusal(cls, values, source, exc)
            nulled = name is not None and values[name] is not None and _nullable(cls, name)
            if self.strict:
                code = "FP201" if nulled else "FP202"
                raise self.error_at(pos, message, section=section, expected=expected, code=code)
            if nulled:
                assert name is not None
                self.warn("FP201", pos, f"{message}; {name} set to null", section, None,
                          (message, expected))  # fmt: skip
                values = {**values, name: None}
                continue
            start, end = self.extent(entry) if entry is not None else (pos, pos)
            self.warn("FP202", start, f"{message}; entry dropped", section, end,
                      (message, expected, pos))  # fmt: skip
            return None

    def free_line(self, match: re.Match[str], section: str) -> Entry:
        """A line of free text (cast, crew, an unknown section's lines)."""
        line = match.group("line")
        if line.isspace():  # normalisation blanks these; this guards the model all the same
            if self.strict:
                raise self.error_at(match.start(), "a line of nothing but spaces",
                                    section=section, expected="a line of text",
                                    code="FP204")  # fmt: skip
            self.unparsed(Unparsed(match), section, "a line of nothing but spaces")
            return Entry(None)
        return Entry(line, (group_span(match, "line"),) if self.track else ())

    def read_back(self, block: Node, rules: tuple[str, ...]) -> list[tuple[str, re.Match[str]]]:
        """The lines of a block that is `rules` in turn, each optional, as one
        regex: (rule, its match) of each line, read with the rules' own regexes."""
        pos, found, text = block.start, [], self.text
        for rule, regex in _rule_regexes(rules):
            match = regex.match(text, pos)
            if match is not None:
                found.append((rule, match))
                pos = match.end()
        return found

    def header_lines(self, lines: Sequence[Any], section: str) -> list[Pair]:
        """Header and fact lines read in any order; unparsed lines reported."""
        pairs: list[Pair] = []
        for item in lines:
            if isinstance(item, Unparsed):
                self.unparsed(item, section)
            elif item is not None:  # None: a label line
                pairs.append(item)
        return pairs

    def entries(self, items: Sequence[Any], section: str) -> list[Entry] | Items:
        """A lenient repetition's entries; its unparsed lines reported.  Items (a
        block read at once, as strict mode reads it) are already the entries."""
        if isinstance(items, Items):  # (a NamedTuple: a sequence too, of one list)
            return items
        found: list[Entry] = []
        for item in items:
            if isinstance(item, Unparsed):
                self.unparsed(item, section)
            else:
                found.append(item)
        return found
