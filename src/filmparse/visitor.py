"""Parse tree -> typed Film (and, when asked, where each value came from).

One ``visit_<rule>`` per rule of grammars/film_page.ppeg, in the same order.
The lookahead-only rules (heading, header_field, fact, label) leave no node
in the tree and so have no method.  Values are converted and checked by the
model fields themselves; this module only routes regex groups to fields and,
when a field refuses a value, turns that into a FilmParseError at the value's
line and column (strict) or into a Diagnostic and a null or dropped entry
(lenient).

Every value travels as an Entry: the value and, when a source map is wanted,
the spans (JSON path suffix, start, end offsets) it was read from.  Indexes
in JSON paths are only known once the page is assembled, so spans carry
paths relative to their entry until then.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import attrs
from parsimonious.expressions import Quantifier
from parsimonious.nodes import Node, NodeVisitor, RegexNode

from . import codes
from .diagnostics import Diagnostic
from .errors import FilmParseError, error_at, line_and_column
from .grammar import rule_regex
from .models import (
    OFFERS,
    Availability,
    Award,
    DialogueLine,
    Film,
    MediaItem,
    Review,
    Translation,
)

T = TypeVar("T")
Where = re.Match[str] | tuple[re.Match[str], str]
Source = re.Match[str] | dict[str, Where]
Span = tuple[str, int, int]  # JSON path (or its suffix, inside an entry), start, end offsets


class Entry(NamedTuple):
    """A value read from the page (None: dropped, lenient) and where it was read."""

    value: Any
    spans: tuple[Span, ...] = ()


Pair = tuple[str, Entry]  # a Film field and its entry


class Section(NamedTuple):
    """A section of a lenient page: its name, where it starts and ends, what it gave."""

    name: str
    start: int
    end: int
    pairs: list[Pair]


class Unparsed(NamedTuple):
    """A line that fits no rule where it stands (lenient only)."""

    match: re.Match[str]

HEADER = "header"
OVERVIEW = "overview"
FACTS = "facts"
LANGUAGES = "Available Languages"
WHERE_TO_WATCH = "Where to Watch"
CAST = "Cast"
CREW = "Crew"
REVIEWS = "Reviews"
DIALOGUE = "Famous Conversations"
AWARDS = "Oscar Awards"
MEDIA = "Media"

# What a field accepts, said the way a page writes it.
EXPECTED = {
    "title": "the film title",
    "tagline": "a tagline",
    "release_date": "a date such as 1995-10-27",
    "runtime_minutes": "a runtime such as '111 minutes'",
    "genres": "comma-separated genres",
    "status": "a status such as Released",
    "overview": "overview paragraphs",
    "budget": "an amount such as $3,600,000",
    "revenue": "an amount such as $49,800,000",
    "vote_average": "a rating such as 7.253/10",
    "vote_count": "a whole number such as 1524",
    "popularity": "a number such as 3.1095",
    "original_language": "an ISO 639-1 code such as en",
    "language": "a native language name such as Deutsch",
    "language_code": "a native language name such as Deutsch",
    "country_code": "an ISO 3166-1 alpha-2 country code such as US",
    "country_name": "a country name",
    "flag": "the flag emoji of the country code",
    "author": "the review's author",
    "rating": "a rating such as 7.0/10",
    "content": "the review text",
    "speaker": "SPEAKER: text",
    "text": "SPEAKER: text",
    "category": "CATEGORY - YEAR Nominee",
    "year": "CATEGORY - YEAR Nominee",
    "nominee": "CATEGORY - YEAR Nominee",
    "kind": "a one-word media kind such as Clip",
}

# Sections in page order, as lenient mode checks it; the header comes first.
ORDER = (HEADER, OVERVIEW, "Backdrop", LANGUAGES, WHERE_TO_WATCH, CAST, CREW, REVIEWS,
         DIALOGUE, AWARDS, MEDIA)  # fmt: skip
# Film fields that are lists of entries, gathered across repeated sections.
ITEM_FIELDS = frozenset(("translations", "availability", "cast", "crew", "reviews", "dialogue",
                         "awards", "media"))  # fmt: skip
HEADER_FIELDS = frozenset(("title", "tagline", "release_date", "runtime_minutes", "genres",
                           "status"))  # fmt: skip


def _regex(children: Sequence[Any]) -> re.Match[str]:
    """The match of the regex that ends a `!lookahead ~"regex"` rule."""
    node = children[-1]
    assert isinstance(node, RegexNode)
    return node.match


def _offset(where: Where, name: str) -> int:
    match, group = where if isinstance(where, tuple) else (where, name)
    if group in match.re.groupindex and match.start(group) >= 0:
        return match.start(group)
    return match.start()


def _optional(children: Sequence[Any]) -> Any:
    """The value of an `x?` child, or None."""
    return children[0] if children else None


if TYPE_CHECKING:  # the stubs make NodeVisitor generic; the runtime class is not
    _Visitor = NodeVisitor[Film]
else:
    _Visitor = NodeVisitor

EXTRA = "extra"  # the name of an unknown section, for the order check


def _line_span(match: re.Match[str], suffix: str = "") -> Span:
    """The first line of a match, without its newline."""
    return suffix, match.start(), match.start() + len(match.group().split("\n", 1)[0])


def _group_span(match: re.Match[str], group: str, suffix: str = "") -> Span:
    """A named group's range less the spaces its converter strips, or the
    match's first line when nothing is left."""
    start = match.start(group)
    if start >= 0:
        value = match.group(group)
        stripped = value.strip()
        if stripped:
            start += len(value) - len(value.lstrip())
            return suffix, start, start + len(stripped)
    return _line_span(match, suffix)


def _genre_spans(raw: str, base: int) -> tuple[Span, ...]:
    """The span of each non-empty comma-separated genre, spaces left out."""
    spans: list[Span] = []
    start = 0
    for part in raw.split(","):
        stripped = part.strip()
        if stripped:
            first = base + start + len(part) - len(part.lstrip())
            spans.append((f"[{len(spans)}]", first, first + len(stripped)))
        start += len(part) + 1
    return tuple(spans)


def _checked(field: attrs.Attribute[Any], raw: Any) -> Any:
    """One field's converter and validator run on one raw value, as cls(...) runs them."""
    converter: Any = field.converter  # our fields' converters are plain functions
    value = converter(raw) if converter else raw
    if field.validator:
        field.validator(None, field, value)
    return value


def _nullable(cls: type, name: str) -> bool:
    return "None" in str(attrs.fields_dict(cls)[name].type)


class FilmVisitor(_Visitor):
    """Strict (the default): the first problem is a FilmParseError.  Lenient:
    problems become `diagnostics`.  With `track`, `spans` (JSON path -> start
    and end offsets) and `labels` (structural lines: headings, labels) say where
    everything was read."""

    unwrapped_exceptions = (FilmParseError,)

    def __init__(self, text: str, *, strict: bool = True, track: bool = False) -> None:
        self.text = text
        self.strict = strict
        self.track = track
        self.diagnostics: list[Diagnostic] = []
        self.spans: dict[str, tuple[int, int]] = {}
        self.labels: list[tuple[str, int, int]] = []
        self._table: dict[str, Any] = {}

    # -- errors and warnings ---------------------------------------------------

    def error_at(self, pos: int, message: str, *, section: str, expected: str) -> FilmParseError:
        return error_at(self.text, pos, message, section=section, expected=expected)

    def _refused(self, exc: Exception, pos: int, section: str, name: str) -> FilmParseError:
        return self.error_at(
            pos, str(exc), section=section, expected=EXPECTED.get(name, name.replace("_", " "))
        )

    def warn(self, code: str, pos: int, message: str, section: str, end: int | None = None) -> None:
        """A diagnostic at offset `pos`, naming the lines up to offset `end`."""
        line, column, _ = line_and_column(self.text, pos)
        last = line if end is None or end <= pos else self.text.count("\n", 0, end - 1) + 1
        self.diagnostics.append(Diagnostic(code, message, line, column, section, last))

    def _unparsed(self, item: Unparsed, section: str, why: str = "") -> None:
        match = item.match
        line = match.group().split("\n", 1)[0]
        shown = line if len(line) <= 60 else line[:57] + "..."
        self.warn("FP204", match.start(), why or f"line {shown!r} fits no rule of this section",
                  section)  # fmt: skip

    def _label(self, what: str, node: Node | re.Match[str]) -> None:
        if self.track:
            start = node.start if isinstance(node, Node) else node.start()
            end = self.text.find("\n", start)
            self.labels.append((what, start, end if end >= 0 else len(self.text)))

    def _section(self, name: str, node: Node, pairs: list[Pair]) -> Section:
        return Section(name, node.start, self._end_of(node), pairs)

    def _extent(self, source: Node | re.Match[str]) -> tuple[int, int]:
        """Where a node's or a match's text starts and ends (newlines after it left out)."""
        if isinstance(source, Node):
            return source.start, self._end_of(source)
        return source.start(), source.end()

    def _end_of(self, node: Node) -> int:
        """The end of a node's text, less the newlines after it."""
        return node.start + len(node.text.rstrip("\n"))

    # -- values and entries --------------------------------------------------

    def film_field(self, match: re.Match[str], section: str) -> Pair:
        """Convert and check the one named group of a header or fact line."""
        name = next(iter(match.re.groupindex))
        raw = match.group(name)
        field = getattr(attrs.fields(Film), name)
        try:
            value = _checked(field, raw)
        except ValueError as exc:
            pos = match.start(name) if raw is not None else match.start()
            error = self._refused(exc, pos, section, name)
            if self.strict:
                raise error from None
            self.warn("FP201", pos, f"{error.message}; {name} set to null", section)
            value = None
        if name == "genres" and raw:
            spans = _genre_spans(raw, match.start(name)) or (_line_span(match),)
        else:
            spans = (_group_span(match, name),)
        return name, Entry(value, spans)

    def _first_refusal(
        self, cls: type, section: str, values: dict[str, Any], source: Source, exc: Exception
    ) -> tuple[int, str, str, str | None]:
        """Where and why cls(**values) failed: (offset, message, expected, field name)."""
        for field in attrs.fields(cls):
            if field.name not in values:
                continue
            try:
                _checked(field, values[field.name])
            except (ValueError, TypeError) as field_exc:
                where = source[field.name] if isinstance(source, dict) else source
                expected = EXPECTED.get(field.name, field.name.replace("_", " "))
                return _offset(where, field.name), str(field_exc), expected, field.name
        if isinstance(source, dict):
            first = min(_offset(where, name) for name, where in source.items())
        else:
            first = source.start()
        return first, str(exc), "entry", None

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
                pos, message, expected, name = self._first_refusal(
                    cls, section, values, source, exc
                )
            if self.strict:
                raise self.error_at(pos, message, section=section, expected=expected)
            if name is not None and values[name] is not None and _nullable(cls, name):
                self.warn("FP201", pos, f"{message}; {name} set to null", section)
                values = {**values, name: None}
                continue
            start, end = self._extent(entry) if entry is not None else (pos, pos)
            self.warn("FP202", start, f"{message}; entry dropped", section, end)
            return None

    def visit(self, node: Node) -> Any:
        """NodeVisitor.visit, dispatching through a per-instance table.

        The same walk as parsimonious' (one visit_<rule> per named node,
        generic_visit for the rest), ~15% faster on the reference page:
        no string concatenation and getattr per node, no try/except per
        level.  Bugs surface as themselves instead of a VisitationError.
        """
        table = self._table
        method: Any = table.get(node.expr_name)
        if method is None:
            method = getattr(self, "visit_" + node.expr_name, self.generic_visit)
            table[node.expr_name] = method
        children = node.children
        return method(node, [self.visit(child) for child in children] if children else [])

    def generic_visit(self, node: Node, visited_children: Sequence[Any]) -> Any:
        # Repetitions and options give a (maybe empty) list; anything else
        # without a method of its own is a lookahead, a bare regex node, or
        # an alternation inside a repetition (a one-item list).
        if isinstance(node.expr, Quantifier):
            return visited_children
        return visited_children or node

    # -- assembling the page -------------------------------------------------

    def assemble(self, pairs: Sequence[Pair]) -> Film:
        """The Film of the (field, entry) pairs read, in page order; the spans
        of its values by JSON path when tracking."""
        fields: dict[str, Any] = {}
        items: dict[str, list[Entry]] = {}
        extra: dict[str, list[Entry]] = {}
        first_at: dict[str, int] = {}  # where each scalar field was first read
        for name, entry in pairs:
            if name in ITEM_FIELDS:
                items.setdefault(name, []).extend(entry.value)
            elif name == "extra_sections":
                heading, lines = entry.value
                if heading not in extra and self.track:
                    self.spans[f"$.extra_sections[{heading!r}]"] = entry.spans[0][1:]
                extra.setdefault(heading, []).extend(lines)
            elif name in fields:
                self._repeated(name, entry, fields, first_at[name])
            else:
                fields[name] = entry.value
                first_at[name] = entry.spans[0][1]
                if self.track:
                    for suffix, start, end in entry.spans:
                        self.spans[f"$.{name}{suffix}"] = start, end
        for name, entries in items.items():
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
        return Film(**fields, diagnostics=self.diagnostics)

    def _repeated(self, name: str, entry: Entry, fields: dict[str, Any], first_at: int) -> None:
        """Lenient: a scalar field read twice (the grammar keeps strict pages from it)."""
        _, start, end = entry.spans[0]
        if name == "overview":  # a second Overview section: its paragraphs follow the first's
            if entry.value is not None:
                first = fields[name]
                fields[name] = entry.value if first is None else f"{first}\n\n{entry.value}"
                if self.track and first is None:
                    self.spans["$.overview"] = start, end
            return
        line = self.text.count("\n", 0, first_at) + 1
        self.warn(
            "FP203",
            start,
            f"{name} given again (first on line {line}); the first value is kept",
            HEADER if name in HEADER_FIELDS else FACTS,
            end,
        )

    # -- the page ------------------------------------------------------------

    def visit_film_page(self, node: Node, children: Sequence[Any]) -> Film:
        (_, header, overview, facts, _, languages, where, cast, crew, reviews, dialogue,
         awards, media, _) = children  # fmt: skip
        pairs: list[Pair] = list(header)
        pairs += overview[0] if overview else ()
        pairs += facts
        for part in (languages, where, cast, crew, reviews, dialogue, awards, media):
            if part:
                pairs.append(part[0])
        return self.assemble(pairs)

    def visit_leading_blank(self, node: Node, children: Sequence[Any]) -> None:
        return None

    def visit_end_of_page(self, node: Node, children: Sequence[Any]) -> None:
        return None

    # -- 1. header -----------------------------------------------------------

    def visit_header(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        title, *optional_lines = children
        return [title] + [line[0] for line in optional_lines if line and line[0]]

    def visit_title(self, node: Node, children: Sequence[Any]) -> Pair:
        return self.film_field(_regex(children), HEADER)

    def visit_tagline(self, node: Node, children: Sequence[Any]) -> Pair:
        return self.film_field(_regex(children), HEADER)

    def visit_release_date(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self.film_field(node.match, HEADER)

    def visit_runtime(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self.film_field(node.match, HEADER)

    def visit_genres(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self.film_field(node.match, HEADER)

    def visit_status(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self.film_field(node.match, HEADER)

    def visit_watch(self, node: Node, children: Sequence[Any]) -> None:
        self._label("label", node)
        return None  # a label that carries no data

    # -- 2. overview ---------------------------------------------------------

    def visit_overview(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        heading, lines = children
        self._label("heading", heading)
        return [self._overview(heading, lines)]

    def _overview(self, heading: Node, lines: Sequence[re.Match[str]]) -> Pair:
        parts: list[str] = []
        for line in lines:
            parts.append(line.group("text"))
            parts.append("\n\n" if line.group("gap") else "\n")
        if not lines:
            return "overview", Entry(None, (("", heading.start, heading.start),))
        return "overview", Entry(
            "".join(parts[:-1]) or None, (("", lines[0].start(), lines[-1].end("text")),)
        )

    def visit_overview_line(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)

    # -- 3. facts ------------------------------------------------------------

    def visit_facts(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        return [line[0] for line in children if line]

    def visit_budget(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self.film_field(node.match, FACTS)

    def visit_revenue(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self.film_field(node.match, FACTS)

    def visit_vote_average(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self.film_field(node.match, FACTS)

    def visit_vote_count(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self.film_field(node.match, FACTS)

    def visit_popularity(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self.film_field(node.match, FACTS)

    def visit_original_language(self, node: RegexNode, children: Sequence[Any]) -> Pair:
        return self.film_field(node.match, FACTS)

    # -- 4. backdrop ---------------------------------------------------------

    def visit_backdrop(self, node: Node, children: Sequence[Any]) -> None:
        self._label("heading", node)
        return None

    # -- 5. available languages ---------------------------------------------

    def visit_languages(self, node: Node, children: Sequence[Any]) -> Pair:
        self._label("heading", children[0])
        return "translations", Entry(children[1])

    def visit_translation(self, node: Node, children: Sequence[Any]) -> Entry:
        language, title, tagline = children
        name = language.group("language")
        try:
            code = codes.language_code_from_name(name)
        except ValueError as exc:
            at = language.start("language")
            if self.strict:
                raise self._refused(exc, at, LANGUAGES, "language") from None
            self.warn("FP202", at, f"{exc}; entry dropped", LANGUAGES, self._end_of(node))
            return Entry(None)
        values = {
            "language": name,
            "language_code": code,
            "country_code": language.group("country_code"),
            "title": title.group("title"),
            "tagline": tagline.group("tagline"),
        }
        source: Source = {
            "language": language,
            "language_code": (language, "language"),
            "country_code": language,
            "title": title,
            "tagline": tagline,
        }
        value = self.build(Translation, LANGUAGES, values, source, node)
        if not self.track or value is None:
            return Entry(value)
        return Entry(value, (
            _group_span(language, "language", ".language"),
            _group_span(language, "language", ".language_code"),
            _group_span(language, "country_code", ".country_code"),
            _group_span(title, "title", ".title"),
            _group_span(tagline, "tagline", ".tagline"),
        ))  # fmt: skip

    def visit_translation_language(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)

    def visit_translation_title(self, node: RegexNode, children: Sequence[Any]) -> re.Match[str]:
        return node.match

    def visit_translation_tagline(self, node: RegexNode, children: Sequence[Any]) -> re.Match[str]:
        return node.match

    # -- 6. where to watch ---------------------------------------------------

    def visit_where_to_watch(self, node: Node, children: Sequence[Any]) -> Pair:
        self._label("heading", children[0])
        return "availability", Entry(children[1])

    def visit_watch_country(self, node: RegexNode, children: Sequence[Any]) -> Entry:
        country = node.match
        values = {
            "country_code": country.group("country_code"),
            "country_name": country.group("country_name"),
            "offers": tuple(country.group("offers").lower().split()),
        }
        availability = self.build(Availability, WHERE_TO_WATCH, values, country, node)
        if availability is None:
            return Entry(None)
        flag = codes.flag_for(availability.country_code)
        if country.group("flag") != flag:
            message = (
                f"flag {country.group('flag')} does not match country code "
                f"[{availability.country_code}]"
            )
            if self.strict:
                raise self.error_at(country.start("flag"), message, section=WHERE_TO_WATCH,
                                    expected=f"the flag {flag}")  # fmt: skip
            self.warn("FP301", country.start("flag"), f"{message}; the code is kept",
                      WHERE_TO_WATCH)  # fmt: skip
        if not self.track:
            return Entry(availability)
        base = country.start("offers")
        offers = [
            (f".offers[{index}]", base + line.start(), base + line.end())
            for index, line in enumerate(re.finditer(r"[^\n]+", country.group("offers")))
        ]
        return Entry(availability, (
            _group_span(country, "country_code", ".country_code"),
            _group_span(country, "country_name", ".country_name"),
            *offers,
        ))  # fmt: skip

    # -- 7. cast and crew ----------------------------------------------------

    def visit_cast(self, node: Node, children: Sequence[Any]) -> Pair:
        self._label("heading", children[0])
        return "cast", Entry(children[1])

    def visit_cast_line(self, node: Node, children: Sequence[Any]) -> Entry:
        return self._free_line(_regex(children), CAST)

    def visit_crew(self, node: Node, children: Sequence[Any]) -> Pair:
        self._label("heading", children[0])
        return "crew", Entry(children[1])

    def visit_crew_line(self, node: Node, children: Sequence[Any]) -> Entry:
        return self._free_line(_regex(children), CREW)

    def _free_line(self, match: re.Match[str], section: str) -> Entry:
        line = match.group("line")
        if line.isspace():  # normalisation blanks these; this guards the model all the same
            if self.strict:
                raise self.error_at(match.start(), "a line of nothing but spaces",
                                    section=section, expected="a line of text")  # fmt: skip
            self._unparsed(Unparsed(match), section, "a line of nothing but spaces")
            return Entry(None)
        return Entry(line, (_group_span(match, "line"),) if self.track else ())

    # -- 8. reviews ----------------------------------------------------------

    def visit_reviews(self, node: Node, children: Sequence[Any]) -> Pair:
        self._label("heading", children[0])
        return "reviews", Entry(children[1])

    def visit_review(self, node: Node, children: Sequence[Any]) -> Entry:
        author, rating, content = children
        rating_match = _optional(rating)
        values = {
            "author": author.group("author"),
            "rating": rating_match.group("rating") if rating_match else None,
            "content": content.group("content"),
        }
        source: Source = {"author": author, "rating": rating_match or author, "content": content}
        review = self.build(Review, REVIEWS, values, source, node)
        if not self.track or review is None:
            return Entry(review)
        spans = [_group_span(author, "author", ".author"), _group_span(content, "content",
                 ".content")]  # fmt: skip
        if rating_match:
            spans.insert(1, _line_span(rating_match, ".rating"))
        return Entry(review, tuple(spans))

    def visit_review_author(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)

    def visit_review_rating(self, node: RegexNode, children: Sequence[Any]) -> re.Match[str]:
        return node.match

    def visit_review_content(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)

    # -- 9. famous conversations ---------------------------------------------

    def visit_dialogue(self, node: Node, children: Sequence[Any]) -> Pair:
        self._label("heading", children[0])
        return "dialogue", Entry(children[1])

    def visit_dialogue_lines(self, node: RegexNode, children: Sequence[Any]) -> list[Entry]:
        lines = rule_regex("dialogue_line").finditer(self.text, node.start, node.end)
        return [self._dialogue_line(match) for match in lines]

    def visit_dialogue_line(self, node: RegexNode, children: Sequence[Any]) -> Entry:
        return self._dialogue_line(node.match)

    def _dialogue_line(self, match: re.Match[str]) -> Entry:
        try:  # the groups are the fields, in order: positional is 2x faster than by name
            line: DialogueLine | None = DialogueLine(*match.groups())
        except (ValueError, TypeError):  # build() says which field and where
            line = self.build(DialogueLine, DIALOGUE, match.groupdict(), match)
        if not self.track or line is None:
            return Entry(line)
        return Entry(line, (_group_span(match, "speaker", ".speaker"),
                            _group_span(match, "text", ".text")))  # fmt: skip

    # -- 10. oscar awards ----------------------------------------------------

    def visit_awards(self, node: Node, children: Sequence[Any]) -> Pair:
        heading, wins, nominations = children
        self._label("heading", heading)
        awards = list(_optional(wins) or ()) + list(_optional(nominations) or ())
        return "awards", Entry(awards)

    def _award(self, match: re.Match[str], outcome: re.Match[str] | Node) -> Entry:
        values = {"ceremony": "Oscar", "outcome": outcome_of(outcome), **match.groupdict()}
        award = self.build(Award, AWARDS, values, match, match)
        if not self.track or award is None:
            return Entry(award)
        start = outcome.start if isinstance(outcome, Node) else outcome.start()
        return Entry(award, (
            (".outcome", start, self.text.find("\n", start)),
            _group_span(match, "category", ".category"),
            _group_span(match, "year", ".year"),
            _group_span(match, "nominee", ".nominee"),
        ))  # fmt: skip

    def visit_award_wins(self, node: Node, children: Sequence[Any]) -> list[Entry]:
        return self._awards(children)

    def visit_award_nominations(self, node: Node, children: Sequence[Any]) -> list[Entry]:
        return self._awards(children)

    def _awards(self, children: Sequence[Any]) -> list[Entry]:
        """The award lines under a Wins or Nominations label."""
        outcome, lines = children
        self._label("label", outcome)
        return [self._award(match, outcome) for match in lines]

    def visit_award_line(self, node: RegexNode, children: Sequence[Any]) -> re.Match[str]:
        return node.match

    # -- 11. media -----------------------------------------------------------

    def visit_media(self, node: Node, children: Sequence[Any]) -> Pair:
        self._label("heading", children[0])
        return "media", Entry(children[1])

    def visit_media_item(self, node: Node, children: Sequence[Any]) -> Entry:
        kind, title = children
        values = {"kind": kind.group("kind"), "title": title.group("title")}
        item = self.build(MediaItem, MEDIA, values, {"kind": kind, "title": title}, node)
        if not self.track or item is None:
            return Entry(item)
        return Entry(item, (_group_span(kind, "kind", ".kind"),
                            _group_span(title, "title", ".title")))  # fmt: skip

    def visit_media_kind(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)

    def visit_media_title(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)

    # -- lenient mode ----------------------------------------------------------

    def visit_lenient_page(self, node: Node, children: Sequence[Any]) -> Film:
        _, header, sections, _ = children
        pairs: list[Pair] = list(header)
        current, first_seen, furthest = HEADER, {HEADER: 0}, 0
        for part in sections:
            if isinstance(part, Unparsed):
                self._unparsed(part, current)
                continue
            if part.name != EXTRA:
                self._check_order(part, first_seen, furthest)
                first_seen.setdefault(part.name, part.start)
                furthest = max(furthest, ORDER.index(part.name))
                current = part.name
            pairs += part.pairs
        return self.assemble(pairs)

    def _check_order(self, part: Section, first_seen: dict[str, int], furthest: int) -> None:
        end = self.text.find("\n", part.start)
        if part.name in first_seen:
            end = part.end  # the repeated section's lines: the map names only the first's
            line = self.text.count("\n", 0, first_seen[part.name]) + 1
            message = (
                f"section {_shown(part.name)!r} appears again (first on line {line}); "
                "its entries are added to the first's"
            )
            self.warn("FP103", part.start, message, part.name, end)
        elif ORDER.index(part.name) < furthest:
            self.warn(
                "FP102",
                part.start,
                f"section {_shown(part.name)!r} is out of place, after {_shown(ORDER[furthest])!r} "
                f"(sections come in the order {', '.join(map(_shown, ORDER[1:]))}); read anyway",
                part.name,
                end,
            )

    def visit_lenient_header(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        title, tagline, lines = children
        pairs: list[Pair] = []
        if title:
            pairs.append(title[0])
        elif node.start >= len(self.text.rstrip("\n")):
            self.warn("FP104", 0, "the page is empty; title set to null",
                      HEADER)  # fmt: skip
        else:
            self.warn("FP104", node.start, "the page has no title line (it starts with a "
                      "section heading); title set to null", HEADER)  # fmt: skip
        if tagline:
            pairs.append(tagline[0])
        pairs += self._lines(lines, HEADER)
        return pairs

    def _lines(self, lines: Sequence[Any], section: str) -> list[Pair]:
        """Header and fact lines read in any order; unparsed lines reported."""
        pairs: list[Pair] = []
        for item in lines:
            if isinstance(item, Unparsed):
                self._unparsed(item, section)
            elif item is not None:  # None: the Watch label
                pairs.append(item)
        return pairs

    def visit_lenient_header_line(self, node: Node, children: Sequence[Any]) -> Any:
        return children[0]

    def visit_lenient_section(self, node: Node, children: Sequence[Any]) -> Section | Unparsed:
        (part,) = children
        if isinstance(part, Section | Unparsed):
            return part
        name, _ = part  # cast and crew: the strict rules read lenient pages too
        return self._section(CAST if name == "cast" else CREW, node, [part])

    def visit_extra_heading(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        *_, line, _ = children  # !heading !header_field !fact !label line &next
        assert isinstance(line, RegexNode)
        return line.match

    def visit_unparsed_line(self, node: Node, children: Sequence[Any]) -> Unparsed:
        return Unparsed(_regex(children))

    def visit_extra_section(self, node: Node, children: Sequence[Any]) -> Section | Unparsed:
        heading, lines = children
        if not lines:  # a heading-shaped line with nothing under it: just a stray line
            return Unparsed(heading)
        name = heading.group("heading")
        self.warn("FP101", heading.start(), f"unknown section {name!r}: its {len(lines)} line(s) "
                  "are kept in extra_sections", EXTRA, self._end_of(node))  # fmt: skip
        entries = [self._free_line(line.match, EXTRA) for line in lines]
        entries = [entry for entry in entries if entry.value is not None]
        value = Entry((name, entries), (_group_span(heading, "heading"),))
        self._label("heading", heading)
        return self._section(EXTRA, node, [("extra_sections", value)])

    def visit_fact_line(self, node: Node, children: Sequence[Any]) -> Pair:
        pair: Pair = children[0]
        return pair

    def visit_lenient_overview(self, node: Node, children: Sequence[Any]) -> Section:
        heading, lines, rest = children
        self._label("heading", heading)
        return self._section(OVERVIEW, node, [self._overview(heading, lines),
                                               *self._lines(rest, OVERVIEW)])  # fmt: skip

    def visit_lenient_backdrop(self, node: Node, children: Sequence[Any]) -> Section:
        for line in children[1]:
            self._unparsed(line, "Backdrop", "the Backdrop section holds no lines")
        return self._section("Backdrop", node, [])

    def _entries(self, items: Sequence[Sequence[Any]], section: str) -> list[Entry]:
        entries: list[Entry] = []
        for (item,) in items:
            if isinstance(item, Unparsed):
                self._unparsed(item, section)
            else:
                entries.append(item)
        return entries

    def _list_section(
        self, node: Node, children: Sequence[Any], section: str, field: str
    ) -> Section:
        """A lenient section of entries or unparsed lines, feeding one list field."""
        self._label("heading", children[0])
        entries = self._entries(children[1], section)
        return self._section(section, node, [(field, Entry(entries))])

    def visit_lenient_languages(self, node: Node, children: Sequence[Any]) -> Section:
        return self._list_section(node, children, LANGUAGES, "translations")

    def visit_lenient_where_to_watch(self, node: Node, children: Sequence[Any]) -> Section:
        self._label("heading", children[0])
        entries: list[Entry] = []
        for (item,) in children[1]:
            if isinstance(item, Unparsed):
                word = item.match.group("line")
                unknown = f"unknown offer {word!r} (offers are {', '.join(OFFERS)})"
                self._unparsed(item, WHERE_TO_WATCH, unknown if word.isalpha() else "")
            elif isinstance(item, Entry):
                entries.append(item)
            elif entries and entries[-1].value is not None:  # an offer cut off from its country
                last = entries[-1]
                offer = item.group("offer").lower()
                span = (f".offers[{len(last.value.offers)}]", item.start(), item.end("offer"))
                entries[-1] = Entry(attrs.evolve(last.value, offers=(*last.value.offers, offer)),
                                    (*last.spans, span) if self.track else ())  # fmt: skip
            else:
                self._unparsed(Unparsed(item), WHERE_TO_WATCH, "an offer line with no "
                               "country above it")  # fmt: skip
        return self._section(WHERE_TO_WATCH, node, [("availability", Entry(entries))])

    def visit_watch_offer(self, node: RegexNode, children: Sequence[Any]) -> re.Match[str]:
        return node.match

    def visit_unknown_offer(self, node: Node, children: Sequence[Any]) -> Unparsed:
        _, word, _ = children
        return Unparsed(word.match)

    def visit_lenient_reviews(self, node: Node, children: Sequence[Any]) -> Section:
        return self._list_section(node, children, REVIEWS, "reviews")

    def visit_lenient_review(self, node: Node, children: Sequence[Any]) -> Entry:
        review: Entry = children[-1]
        return review

    def visit_lenient_dialogue(self, node: Node, children: Sequence[Any]) -> Section:
        return self._list_section(node, children, DIALOGUE, "dialogue")

    def visit_lenient_awards(self, node: Node, children: Sequence[Any]) -> Section:
        self._label("heading", children[0])
        entries: list[Entry] = []
        outcome: re.Match[str] | None = None
        for (item,) in children[1]:
            if isinstance(item, Unparsed):
                self._unparsed(item, AWARDS)
            elif item.re.groupindex.keys() == {"outcome"}:
                outcome = item
                self._label("label", item)
            elif outcome is None:
                self._unparsed(Unparsed(item), AWARDS, "an award line before Wins or Nominations")
            else:
                entries.append(self._award(item, outcome))
        return self._section(AWARDS, node, [("awards", Entry(entries))])

    def visit_award_outcome(self, node: RegexNode, children: Sequence[Any]) -> re.Match[str]:
        return node.match

    def visit_lenient_media(self, node: Node, children: Sequence[Any]) -> Section:
        return self._list_section(node, children, MEDIA, "media")

    def visit_lenient_media_item(self, node: Node, children: Sequence[Any]) -> Entry:
        item: Entry = children[-1]
        return item




def _shown(section: str) -> str:
    """A section's name as its heading reads ("overview" -> "Overview")."""
    return section[0].upper() + section[1:]


def outcome_of(label: re.Match[str] | Node) -> str:
    """'won' or 'nominated', from a Wins / Nominations line."""
    text = label.text if isinstance(label, Node) else label.group()
    return "won" if text.startswith("Wins") else "nominated"
