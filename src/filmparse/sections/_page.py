"""The page: the visitor methods of the page-level rules, and the Film assembled."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from parsimonious.nodes import Node, RegexNode

from .._entries import Entry, Items, Pair, Part, Unparsed, group_span
from ..grammar import film_grammar
from ..models import Film
from ..visitor import BaseVisitor
from .facts import NAME as FACTS
from .overview import NAME as OVERVIEW

EXTRA = "extra"  # the name of an unknown section, for the order check


class _SectionNode(RegexNode):
    """A section of the page's regex as its own rule's node; its match, which
    few visit methods read, made when asked (a block read twice cost time)."""

    __slots__ = ()

    @property
    def match(self) -> re.Match[str]:  # type: ignore[override]
        regex: re.Pattern[str] = self.expr.re  # type: ignore[attr-defined]
        found = regex.match(self.full_text, self.start)
        assert found is not None  # the page's regex read it there
        return found


class PageVisitor(BaseVisitor):
    # Set by sections/__init__.py from the section list.
    optional: ClassVar[tuple[bool, ...]] = ()  # film_page: which sections may be absent
    wholes: ClassVar[tuple[str, ...]] = ()  # each section's whole rule, in page order
    lenient_sections: ClassVar[Mapping[str, str]] = {}  # lenient rule -> section name
    order: ClassVar[tuple[str, ...]] = ()  # lenient page order, header first
    headings: ClassVar[Mapping[str, str]] = {}  # section name -> heading
    item_fields: ClassVar[frozenset[str]] = frozenset()  # gathered across repeated sections
    field_section: ClassVar[Mapping[str, str]] = {}  # Film field -> its section
    # Film(**fields) less the checks already made (_builders.checked_film).
    film_of: ClassVar[staticmethod[[dict[str, Any]], Film]] = staticmethod(lambda f: Film(**f))

    def visit_film_page(self, node: Node, children: Sequence[Any]) -> Film:
        if isinstance(node, RegexNode):  # the page as one regex: each section a group
            return self.assemble(self._sections(node.match))
        pairs: list[Pair] = []
        for optional, part in zip(self.optional, children[1:-1], strict=True):
            if not optional:
                pairs += part
            elif part:
                pairs += part[0]
        return self.assemble(pairs)

    visit_film_page_for_errors = visit_film_page  # (never reached: it fails where film_page does)

    def _sections(self, page: re.Match[str]) -> list[Pair]:
        """The pairs of each section the page's regex read, each visited as
        the node of its `whole` rule would be (the same text, start and end)."""
        pairs: list[Pair] = []
        grammar, text = film_grammar(), self.text
        for whole in self.wholes:
            start, end = page.span(whole)
            if start >= 0:  # (-1: an optional section the page lacks)
                pairs += self.visit(_SectionNode(grammar[whole], text, start, end))
        return pairs

    def visit_lenient_sections(self, node: Node, children: Sequence[Any]) -> Film:
        _, header, sections, _ = children
        pairs: list[Pair] = list(header)
        current, first_seen, furthest = self.order[0], {self.order[0]: 0}, 0
        # Fact lines in the header: strict mode reads them after the overview only.
        facts = next((entry for name, entry in header if self.field_section[name] == FACTS), None)
        for part in sections:
            if isinstance(part, Unparsed):
                self.unparsed(part, current)
                continue
            if part.name == OVERVIEW and facts is not None and furthest == 0:
                self._overview_after_facts(part, facts)
            if part.name != EXTRA:
                self._check_order(part, first_seen, furthest)
                first_seen.setdefault(part.name, part.start)
                furthest = max(furthest, self.order.index(part.name))
                current = part.name
            pairs += part.pairs
        return self.assemble(pairs)

    def _check_order(self, part: Part, first_seen: dict[str, int], furthest: int) -> None:
        end = self.text.find("\n", part.start)
        shown = self.headings
        if part.name in first_seen:
            end = part.end  # the repeated section's lines: the map names only the first's
            line = self.line_of(first_seen[part.name])
            message = (
                f"section {shown[part.name]!r} appears again (first on line {line}); "
                "its entries are added to the first's"
            )
            self.warn("FP103", part.start, message, part.name, end)
        elif self.order.index(part.name) < furthest:
            self.warn(
                "FP102",
                part.start,
                f"section {shown[part.name]!r} is out of place, after "
                f"{shown[self.order[furthest]]!r} (sections come in the order "
                f"{', '.join(shown[name] for name in self.order[1:])}); read anyway",
                part.name,
                end,
            )

    def _overview_after_facts(self, part: Part, facts: Entry) -> None:
        line = self.text.count("\n", 0, facts.spans[0][1]) + 1
        self.warn("FP102", part.start, f"section {self.headings[OVERVIEW]!r} is out of place, "
                  f"after the fact lines (from line {line}), which follow it; read anyway",
                  OVERVIEW, self.text.find("\n", part.start))  # fmt: skip

    def visit_lenient_section(self, node: Node, children: Sequence[Any]) -> Part | Unparsed:
        (part,) = children
        name = self.lenient_sections.get(node.children[0].expr_name)
        if name is None:  # an extra section or an unparsed line
            assert isinstance(part, Part | Unparsed)
            return part
        return Part(name, node.start, self.end_of(node), part)

    def visit_unparsed_line(self, node: Node, children: Sequence[Any]) -> Unparsed:
        return Unparsed(children[-1])

    def visit_extra_section(self, node: Node, children: Sequence[Any]) -> Part | Unparsed:
        heading, lines = children
        if not lines:  # a heading-shaped line with nothing under it: just a stray line
            return Unparsed(heading)
        name = heading.group("heading")
        strict = f"unknown section {name!r}; strict=False would keep its lines in extra_sections"
        self.warn("FP101", heading.start(), f"unknown section {name!r}: its {len(lines)} line(s) "
                  "are kept in extra_sections", EXTRA, self.end_of(node),
                  (strict, "one of the format's section headings"))  # fmt: skip
        entries = [self.free_line(line.match, EXTRA) for line in lines]
        entries = [entry for entry in entries if entry.value is not None]
        value = Entry((name, entries), (group_span(heading, "heading"),))
        self.label("heading", heading)
        return Part(EXTRA, node.start, self.end_of(node), [("extra_sections", value)])

    # -- assembling the page -------------------------------------------------

    def assemble(self, pairs: Sequence[Pair]) -> Film:
        """The Film of the (field, entry) pairs read, in page order; the spans
        of its values by JSON path when tracking."""
        fields: dict[str, Any] = {}
        items: dict[str, list[Any]] = {}  # Entries with a source map, else values
        extra: dict[str, list[Entry]] = {}
        first_at: dict[str, int] = {}  # where each scalar field was first read
        track, item_fields = self.track, self.item_fields  # (looked up once, not per pair)
        for name, entry in pairs:
            if name in item_fields:
                value = entry.value
                found = items.get(name)
                if found is None:
                    found = items[name] = []
                if track:
                    found += value
                elif type(value) is Items:
                    found += value.values
                else:
                    found += [e.value for e in value]
            elif name == "extra_sections":
                heading, lines = entry.value
                if heading not in extra and self.track:
                    self.spans[f"$.extra_sections[{heading!r}]"] = entry.spans[0][1:]
                extra.setdefault(heading, []).extend(lines)
            elif name in fields:
                self._repeated(name, entry, fields, first_at[name])
            else:
                fields[name] = entry.value
                if entry.spans:  # (strict mode reads a field once, and keeps no spans untracked)
                    first_at[name] = entry.spans[0][1]
                    if track:
                        for suffix, start, end in entry.spans:
                            self.spans[f"$.{name}{suffix}"] = start, end
        for name, entries in items.items():
            if not track:
                fields[name] = tuple([value for value in entries if value is not None])
                continue
            kept = [entry for entry in entries if entry.value is not None]
            fields[name] = tuple(entry.value for entry in kept)
            if self.track:
                for index, entry in enumerate(kept):
                    for suffix, start, end in entry.spans:
                        self.spans[f"$.{name}[{index}]{suffix}"] = start, end
        if extra:
            fields["extra_sections"] = {h: [e.value for e in lines] for h, lines in extra.items()}
            if self.track:
                for heading, lines in extra.items():
                    for index, line in enumerate(lines):
                        self.spans[f"$.extra_sections[{heading!r}][{index}]"] = line.spans[0][1:]
        fields.setdefault("title", None)
        self.diagnostics.sort(key=lambda found: (found.line, found.column))
        fields["diagnostics"] = self.diagnostics
        return self.film_of(fields)

    def _repeated(self, name: str, entry: Entry, fields: dict[str, Any], first_at: int) -> None:
        """Lenient: a scalar field read twice (the grammar keeps strict pages from it)."""
        _, start, end = entry.spans[0]
        if name == "overview":  # a second overview section: its paragraphs follow the first's
            if entry.value is not None:
                first = fields[name]
                fields[name] = entry.value if first is None else f"{first}\n\n{entry.value}"
                if self.track and first is None:
                    self.spans["$.overview"] = start, end
            return
        line = self.line_of(first_at)
        self.warn(
            "FP203",
            start,
            f"{name} given again (first on line {line}); the first value is kept",
            self.field_section[name],
            end,
        )
