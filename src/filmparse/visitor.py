"""Parse tree -> typed Film.

One ``visit_<rule>`` per rule of grammars/film_page.ppeg, in the same order.
The lookahead-only rules (heading, header_field, fact) leave no node in the
tree and so have no method.  Values are converted and checked by the model
fields themselves; this module only routes regex groups to fields and, when
a field refuses a value, turns that into a FilmParseError at the value's
line and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from parsimonious.expressions import Quantifier
from parsimonious.nodes import Node, NodeVisitor, RegexNode

from . import codes
from .errors import FilmParseError
from .models import Availability, Award, DialogueLine, Film, MediaItem, Review, Translation

T = TypeVar("T")
Pair = tuple[str, Any]
Where = re.Match[str] | tuple[re.Match[str], str]
Source = re.Match[str] | dict[str, Where]

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


class FilmVisitor(_Visitor):
    unwrapped_exceptions = (FilmParseError,)

    def __init__(self, text: str) -> None:
        self.text = text

    # -- errors --------------------------------------------------------------

    def error_at(self, pos: int, message: str, *, section: str, expected: str) -> FilmParseError:
        return error_at(self.text, pos, message, section=section, expected=expected)

    def _refused(self, exc: Exception, pos: int, section: str, name: str) -> FilmParseError:
        return self.error_at(
            pos, str(exc), section=section, expected=EXPECTED.get(name, name.replace("_", " "))
        )

    def film_field(self, match: re.Match[str], section: str) -> Pair:
        """Convert and check the one named group of a header or fact line."""
        name = next(iter(match.re.groupindex))
        raw = match.group(name)
        field = getattr(attrs.fields(Film), name)
        try:
            value = field.converter(raw) if field.converter else raw
            if field.validator:
                field.validator(None, field, value)
        except ValueError as exc:
            pos = match.start(name) if raw is not None else match.start()
            raise self._refused(exc, pos, section, name) from None
        return name, value

    def build(self, cls: type[T], section: str, values: dict[str, Any], source: Source) -> T:
        """cls(**values); a refused value becomes an error where it was read.

        `source` says where each field came from: the one match all fields
        were read from, or per field a match whose group of the same name
        holds it, or (match, group) when the names differ.  Offsets are only
        worked out on the error path.
        """
        try:
            return cls(**values)
        except (ValueError, TypeError) as exc:
            for field in attrs.fields(cls):  # type: ignore[arg-type]
                if field.name not in values:
                    continue
                try:
                    value = field.converter(values[field.name]) if field.converter else None
                    if field.validator:
                        field.validator(None, field, value)
                except (ValueError, TypeError) as field_exc:
                    where = source[field.name] if isinstance(source, dict) else source
                    pos = _offset(where, field.name)
                    raise self._refused(field_exc, pos, section, field.name) from None
            if isinstance(source, dict):
                first = min(_offset(where, name) for name, where in source.items())
            else:
                first = source.start()
            raise self._refused(exc, first, section, "entry") from None

    def generic_visit(self, node: Node, visited_children: Sequence[Any]) -> Any:
        # Repetitions and options give a (maybe empty) list; anything else
        # without a method of its own is a lookahead or a bare regex node.
        if isinstance(node.expr, Quantifier):
            return visited_children
        return visited_children or node

    # -- the page ------------------------------------------------------------

    def visit_film_page(self, node: Node, children: Sequence[Any]) -> Film:
        (_, header, overview, facts, _, languages, where, cast, crew, reviews, dialogue,
         awards, media, _) = children  # fmt: skip
        fields: dict[str, Any] = dict(header)
        fields.update(facts)
        for part in (overview, languages, where, cast, crew, reviews, dialogue, awards, media):
            if part:
                name, value = part[0]
                fields[name] = value
        return Film(**fields)

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
        return None  # a label that carries no data

    # -- 2. overview ---------------------------------------------------------

    def visit_overview(self, node: Node, children: Sequence[Any]) -> Pair:
        _, lines = children
        parts: list[str] = []
        for text, gap in lines:
            parts.append(text)
            parts.append("\n\n" if gap else "\n")
        return "overview", "".join(parts[:-1]) or None

    def visit_overview_line(self, node: Node, children: Sequence[Any]) -> tuple[str, str]:
        match = _regex(children)
        return match.group("text"), match.group("gap")

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
        return None

    # -- 5. available languages ---------------------------------------------

    def visit_languages(self, node: Node, children: Sequence[Any]) -> Pair:
        return "translations", tuple(children[1])

    def visit_translation(self, node: Node, children: Sequence[Any]) -> Translation:
        language, title, tagline = children
        name = language.group("language")
        try:
            code = codes.language_code_from_name(name)
        except ValueError as exc:
            raise self._refused(exc, language.start("language"), LANGUAGES, "language") from None
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
        return self.build(Translation, LANGUAGES, values, source)

    def visit_translation_language(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)

    def visit_translation_title(self, node: RegexNode, children: Sequence[Any]) -> re.Match[str]:
        return node.match

    def visit_translation_tagline(self, node: RegexNode, children: Sequence[Any]) -> re.Match[str]:
        return node.match

    # -- 6. where to watch ---------------------------------------------------

    def visit_where_to_watch(self, node: Node, children: Sequence[Any]) -> Pair:
        return "availability", tuple(children[1])

    def visit_watch_country(self, node: RegexNode, children: Sequence[Any]) -> Availability:
        country = node.match
        values = {
            "country_code": country.group("country_code"),
            "country_name": country.group("country_name"),
            "offers": tuple(country.group("offers").lower().split()),
        }
        availability = self.build(Availability, WHERE_TO_WATCH, values, country)
        if country.group("flag") != codes.flag_for(availability.country_code):
            raise self.error_at(
                country.start("flag"),
                f"flag {country.group('flag')} does not match country code "
                f"[{availability.country_code}]",
                section=WHERE_TO_WATCH,
                expected=f"the flag {codes.flag_for(availability.country_code)}",
            )
        return availability

    # -- 7. cast and crew ----------------------------------------------------

    def visit_cast(self, node: Node, children: Sequence[Any]) -> Pair:
        return "cast", tuple(children[1])

    def visit_cast_line(self, node: Node, children: Sequence[Any]) -> str:
        return _regex(children).group("line")

    def visit_crew(self, node: Node, children: Sequence[Any]) -> Pair:
        return "crew", tuple(children[1])

    def visit_crew_line(self, node: Node, children: Sequence[Any]) -> str:
        return _regex(children).group("line")

    # -- 8. reviews ----------------------------------------------------------

    def visit_reviews(self, node: Node, children: Sequence[Any]) -> Pair:
        return "reviews", tuple(children[1])

    def visit_review(self, node: Node, children: Sequence[Any]) -> Review:
        author, rating, content = children
        rating_match = _optional(rating)
        values = {
            "author": author.group("author"),
            "rating": rating_match.group("rating") if rating_match else None,
            "content": content.group("content"),
        }
        source: Source = {"author": author, "rating": rating_match or author, "content": content}
        return self.build(Review, REVIEWS, values, source)

    def visit_review_author(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)

    def visit_review_rating(self, node: RegexNode, children: Sequence[Any]) -> re.Match[str]:
        return node.match

    def visit_review_content(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)

    # -- 9. famous conversations ---------------------------------------------

    def visit_dialogue(self, node: Node, children: Sequence[Any]) -> Pair:
        return "dialogue", tuple(children[1])

    def visit_dialogue_line(self, node: RegexNode, children: Sequence[Any]) -> DialogueLine:
        return self.build(DialogueLine, DIALOGUE, node.match.groupdict(), node.match)

    # -- 10. oscar awards ----------------------------------------------------

    def visit_awards(self, node: Node, children: Sequence[Any]) -> Pair:
        _, wins, nominations = children
        return "awards", tuple(_optional(wins) or ()) + tuple(_optional(nominations) or ())

    def _awards(self, lines: Sequence[re.Match[str]], outcome: str) -> list[Award]:
        awards = []
        for match in lines:
            values = {"ceremony": "Oscar", "outcome": outcome, **match.groupdict()}
            awards.append(self.build(Award, AWARDS, values, match))
        return awards

    def visit_award_wins(self, node: Node, children: Sequence[Any]) -> list[Award]:
        return self._awards(children[1], "won")

    def visit_award_nominations(self, node: Node, children: Sequence[Any]) -> list[Award]:
        return self._awards(children[1], "nominated")

    def visit_award_line(self, node: RegexNode, children: Sequence[Any]) -> re.Match[str]:
        return node.match

    # -- 11. media -----------------------------------------------------------

    def visit_media(self, node: Node, children: Sequence[Any]) -> Pair:
        return "media", tuple(children[1])

    def visit_media_item(self, node: Node, children: Sequence[Any]) -> MediaItem:
        kind, title = children
        values = {"kind": kind.group("kind"), "title": title.group("title")}
        return self.build(MediaItem, MEDIA, values, {"kind": kind, "title": title})

    def visit_media_kind(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)

    def visit_media_title(self, node: Node, children: Sequence[Any]) -> re.Match[str]:
        return _regex(children)


def line_and_column(text: str, pos: int) -> tuple[int, int, str]:
    """1-based line and column of an offset, and the text of that line."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_text = text[line_start : line_end if line_end >= 0 else len(text)]
    return text.count("\n", 0, pos) + 1, pos - line_start + 1, line_text


def error_at(text: str, pos: int, message: str, *, section: str, expected: str) -> FilmParseError:
    line, column, line_text = line_and_column(text, pos)
    return FilmParseError(
        message,
        line=line,
        column=column,
        section=section,
        expected=expected,
        source_line=line_text,
    )
