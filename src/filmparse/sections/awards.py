"""Awards: "CATEGORY - YEAR Nominee" lines under the wins and nominations labels."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import starmap
from typing import TYPE_CHECKING, Any, NamedTuple

from parsimonious.nodes import Node, RegexNode

from .._builders import from_grammar
from .._entries import Entry, Items, Pair, Unparsed, group_span, joined
from ..grammar import rule_regex
from ..models import CEREMONIES, Award
from ..visitor import BaseVisitor
from ._spec import Label, Section

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

HEADING = "Oscar Awards"
FIELD = "awards"
CEREMONY = CEREMONIES[0]
WINS = Label("wins", "Wins")
NOMINATIONS = Label("nominations", "Nominations")
_OUTCOMES = ((WINS, "won"), (NOMINATIONS, "nominated"))
_SPLIT = re.compile(r" - [0-9]{4} ")
_LABEL_TEXT = {outcome: label.text for label, outcome in _OUTCOMES}
_LINE = "CATEGORY - YEAR Nominee"
# The grammar's regex guarantees one-line groups; the ceremony and the outcome
# (the label's) are the same for every line under a label: checked once.
_AWARD_OF = {outcome: from_grammar(Award, ceremony=CEREMONY, outcome=outcome)
             for _, outcome in _OUTCOMES}  # fmt: skip
# The parts of the awards regex: (rule, its label's rule, the outcome).
_PARTS = (("award_wins", WINS.rule, "won"), ("award_nominations", NOMINATIONS.rule, "nominated"))


class Outcome(NamedTuple):
    """A wins or nominations label: the outcome of the awards under it."""

    outcome: str
    start: int


class AwardsVisitor(BaseVisitor):
    def visit_awards(self, node: RegexNode, children: Sequence[Any]) -> list[Pair]:
        pos, parts = self.heading_of(node, "awards_heading").end(), []
        for rule, label, outcome in _PARTS:  # each optional, in turn
            part = rule_regex(rule).match(self.text, pos)
            if part is not None:
                parts.append(self._awards(part.start(), part.end(), label, outcome))
                pos = part.end()
        return [(FIELD, Entry(joined(parts, self.track)))]

    def visit_strict_awards(self, node: Node, children: Sequence[Any]) -> list[Entry] | Items:
        wins, nominations = children[:2]
        return joined([*wins, *nominations], self.track)

    def visit_award_wins(self, node: RegexNode, children: Sequence[Any]) -> list[Entry] | Items:
        return self._awards(node.start, node.end, WINS.rule, "won")

    def visit_award_nominations(
        self, node: RegexNode, children: Sequence[Any]
    ) -> list[Entry] | Items:
        return self._awards(node.start, node.end, NOMINATIONS.rule, "nominated")

    def _awards(self, start: int, end: int, rule: str, outcome: str) -> list[Entry] | Items:
        """A label (rule `rule`) at `start` and its award lines, read back with award_line."""
        label = rule_regex(rule).match(self.text, start)
        assert label is not None  # the part's regex starts with it
        self.label("label", label)
        lines = rule_regex("award_line")
        if not self.track:  # the common case: the groups are the last fields, in order
            built = list(starmap(_AWARD_OF[outcome], lines.findall(self.text, label.end(), end)))
            if all(built):  # (None: in doubt; every model is true)
                return Items(built)
        under = Outcome(outcome, label.start())
        return [self._award(match, under) for match in lines.finditer(self.text, label.end(), end)]

    def _award(self, match: re.Match[str], outcome: Outcome) -> Entry:
        if not self.track:  # the common case: the groups are the last fields, in order
            award = _AWARD_OF[outcome.outcome](*match.groups())
            if award is not None:
                return Entry(award)
        values = {"ceremony": CEREMONY, "outcome": outcome.outcome, **match.groupdict()}
        award = self.build(Award, HEADING, values, match, match)
        if not self.track or award is None:
            return Entry(award)
        start = outcome.start
        return Entry(award, (
            (".outcome", start, self.text.find("\n", start)),
            group_span(match, "category", ".category"),
            group_span(match, "year", ".year"),
            group_span(match, "nominee", ".nominee"),
        ))  # fmt: skip

    def visit_award_outcome(self, node: Node, children: Sequence[Any]) -> Outcome:
        (label,) = children
        won = node.children[0].expr_name == WINS.rule
        return Outcome("won" if won else "nominated", label.start())

    def visit_lenient_awards(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        entries: list[Entry] = []
        outcome: Outcome | None = None
        seen: dict[str, Outcome | int] = {}
        if node.children[1].children[0].expr_name == "strict_awards":
            return [(FIELD, Entry(children[1]))]
        for item in children[1]:
            if isinstance(item, Unparsed):
                self.unparsed(item, HEADING)
            elif isinstance(item, Outcome):
                self._check_label(item, seen)
                outcome = item
            elif outcome is None:
                why = f"an award line before {WINS.text} or {NOMINATIONS.text}"
                self.unparsed(Unparsed(item), HEADING, why)
            else:
                entries.append(self._award(item, outcome))
        return [(FIELD, Entry(entries))]

    def _check_label(self, label: Outcome, seen: dict[str, Outcome | int]) -> None:
        """Strict mode reads each label once, wins first: a diagnostic for either rule
        broken.  `seen`: each label read before, or once counted, its line."""
        text = _LABEL_TEXT[label.outcome]
        first = seen.setdefault(label.outcome, label)
        if first is label:
            if label.outcome == "won" and len(seen) > 1:
                self.warn("FP205", label.start, f"{WINS.text!r} after {NOMINATIONS.text!r} "
                          "(wins come first); read anyway", HEADING)  # fmt: skip
            return
        if isinstance(first, Outcome):  # counted once: a page may repeat a label many times
            first = seen[label.outcome] = self.text.count("\n", 0, first.start) + 1
        self.warn("FP203", label.start, f"{text!r} given again (first on line {first}); "
                  "the awards under it are added", HEADING)  # fmt: skip


def write(film: Film, page: PageWriter) -> None:
    page.add(HEADING, "")
    if not film.awards:
        return
    for label, outcome in _OUTCOMES:
        page.add(label.text, "")
        lines = [a for a in film.awards if a.outcome == outcome]
        for award in lines:
            if award.ceremony != CEREMONY:
                page.refuse(f"only {CEREMONY} awards can be written, not {award.ceremony!r}")
            if _SPLIT.search(award.category + " "):
                page.refuse(f"award category {award.category!r} holds ' - YEAR '")
            page.add(f"{award.category} - {award.year} {award.nominee}")
        if lines:
            page.add("")
    order = [outcome for _, outcome in _OUTCOMES]
    if [a.outcome for a in film.awards] != sorted((a.outcome for a in film.awards),
                                                  key=order.index):  # fmt: skip
        page.refuse("awards must list every win before the nominations")


SECTION = Section(
    rule="awards",
    heading=HEADING,
    visitor=AwardsVisitor,
    write=write,
    lenient="lenient_awards",
    labels=(WINS, NOMINATIONS),
    items=FIELD,
    hint=f"{WINS.text} or {NOMINATIONS.text}, then lines '{_LINE}', or {{next}}",
    expected={"category": _LINE, "year": _LINE, "nominee": _LINE},
)
