"""Where to watch: a country line, then its offers (possibly none)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
from parsimonious.nodes import Node, RegexNode

from .. import codes
from .._builders import from_grammar
from .._entries import Entry, Items, OffsetSpan, Pair, Unparsed, group_span
from ..grammar import rule_regex
from ..models import OFFERS, Availability
from ..visitor import BaseVisitor
from ._spec import Section

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

HEADING = "Where to Watch"
FIELD = "availability"
_OFFER_SPELLING = {"stream": "Stream"}  # as the site writes them
_COUNTRY_OF = from_grammar(Availability)
_OFFERS = tuple(_OFFER_SPELLING.get(offer, offer) for offer in OFFERS)
# A country line's groups (flag, name, code, offers) -> the Availability they
# give, for lines that passed every check (a refused line is never kept).
_KNOWN: dict[tuple[str, str, str, str], Availability] = {}
_KNOWN_MAX = 4096


def _checked_country(groups: tuple[str, str, str, str]) -> Availability | None:
    """The Availability of a country line's groups, or None when a value or
    the flag is refused (then the visitor's slow path says where and why)."""
    flag, name, code, offers = groups
    built = _COUNTRY_OF(code, name, tuple(offers.lower().split()))
    if built is None or flag != codes.flag_for(built.country_code):
        return None
    return built


class WhereToWatchVisitor(BaseVisitor):
    def visit_where_to_watch(self, node: RegexNode, children: Sequence[Any]) -> list[Pair]:
        start = self.heading_of(node, "where_to_watch_heading").end()
        return [(FIELD, Entry(self._countries(start, node.end)))]

    def visit_watch_countries(
        self, node: RegexNode, children: Sequence[Any]
    ) -> list[Entry] | Items:
        return self._countries(node.start, node.end)

    def _countries(self, start: int, end: int) -> list[Entry] | Items:
        """The countries from `start` to `end`, read back with watch_country."""
        countries = rule_regex("watch_country").finditer(self.text, start, end)
        if self.track:
            return [self._country(country, country) for country in countries]
        # The common case: a country line seen before (on this page or another)
        # is the Availability its groups gave then, built and its flag checked
        # in full; one dict look-up, not a converter and validator per value.
        found = []
        known = _KNOWN
        for groups in rule_regex("watch_country").findall(self.text, start, end):
            built = known.get(groups)
            if built is None:
                built = _checked_country(groups)
                if built is None:  # the error, where it stands: the block read again
                    return Items([self._country(country, country).value
                                  for country in countries])  # fmt: skip
                if len(known) >= _KNOWN_MAX:  # bounded: a long run sees many pages
                    known.clear()
                known[groups] = built
            found.append(built)
        return Items(found)

    def visit_watch_country(self, node: RegexNode, children: Sequence[Any]) -> Entry:
        return self._country(node.match, node)

    def _country(self, country: re.Match[str], entry: Node | re.Match[str]) -> Entry:
        values = {
            "country_code": country.group("country_code"),
            "country_name": country.group("country_name"),
            "offers": tuple(country.group("offers").lower().split()),
        }
        availability = _COUNTRY_OF(*values.values())
        if availability is None:  # build() says which field refused and where
            availability = self.build(Availability, HEADING, values, country, entry)
        if availability is None:
            return Entry(None)
        flag = codes.flag_for(availability.country_code)
        if country.group("flag") != flag:
            message = (
                f"flag {country.group('flag')} does not match country code "
                f"[{availability.country_code}]"
            )
            if self.strict:
                raise self.error_at(country.start("flag"), message, section=HEADING,
                                    expected=f"the flag {flag}", code="FP301")  # fmt: skip
            self.warn("FP301", country.start("flag"), f"{message}; the code is kept", HEADING,
                      None, (message, f"the flag {flag}"))  # fmt: skip
        if not self.track:
            return Entry(availability)
        base = country.start("offers")
        offers = [
            (f".offers[{index}]", base + line.start(), base + line.end())
            for index, line in enumerate(re.finditer(r"[^\n]+", country.group("offers")))
        ]
        return Entry(availability, (
            group_span(country, "country_code", ".country_code"),
            group_span(country, "country_name", ".country_name"),
            *offers,
        ))  # fmt: skip

    def visit_lenient_where_to_watch(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        entries: list[Entry] = []
        # Offers cut off from the last country (by a bad line) and their spans:
        # added to it once, when the next country or the section's end comes.
        # Evolving the Availability at each offer was quadratic (issue 10).
        offers: list[str] = []
        spans: list[OffsetSpan] = []
        if node.children[1].children[0].expr_name == "strict_where_to_watch":
            return [(FIELD, Entry(children[1]))]
        for item in children[1]:
            if isinstance(item, Unparsed):
                word = item.match.group("line")
                unknown = f"unknown offer {word!r} (offers are {', '.join(OFFERS)})"
                self.unparsed(item, HEADING, unknown if word.isalpha() else "")
            elif isinstance(item, Entry):
                _add_offers(entries, offers, spans)
                entries.append(item)
            elif entries and entries[-1].value is not None:  # an offer cut off from its country
                offers.append(item.group("offer").lower())
                if self.track:
                    index = len(entries[-1].value.offers) + len(offers) - 1
                    spans.append((f".offers[{index}]", item.start(), item.end("offer")))
            else:
                self.unparsed(Unparsed(item), HEADING, "an offer line with no country above it")
        _add_offers(entries, offers, spans)
        return [(FIELD, Entry(entries))]

    def visit_unknown_offer(self, node: Node, children: Sequence[Any]) -> Unparsed:
        return Unparsed(children[1])


def _add_offers(entries: list[Entry], offers: list[str], spans: list[OffsetSpan]) -> None:
    """The offers read since the last country, added to it (the lists emptied)."""
    if offers:
        last = entries[-1]
        country = attrs.evolve(last.value, offers=(*last.value.offers, *offers))
        entries[-1] = Entry(country, (*last.spans, *spans))
        offers.clear()
        spans.clear()


def write(film: Film, page: PageWriter) -> None:
    page.add(HEADING, "")
    for country in film.availability:
        if "[" in country.country_name:
            name = country.country_name
            page.refuse(f"country name {name!r} holds '[', the bracket of its code")
        flag = codes.flag_for(country.country_code)
        page.add(f"{flag} {country.country_name} [{country.country_code}]", "")
        for offer in country.offers:
            page.add(_OFFER_SPELLING.get(offer, offer), "")


SECTION = Section(
    rule="where_to_watch",
    heading=HEADING,
    visitor=WhereToWatchVisitor,
    write=write,
    lenient="lenient_where_to_watch",
    never_headings=tuple(offer.capitalize() for offer in OFFERS),
    items=FIELD,
    hint=(
        "a country line such as '🇺🇸 United States [US]', an offer "
        f"({', '.join(_OFFERS)}) or the next section heading"
    ),
    expected={"country_name": "a country name", "flag": "the flag emoji of the country code"},
)
