"""Languages: three lines per translation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parsimonious.nodes import Node, RegexNode

from .. import codes
from .._builders import from_grammar
from .._entries import Entry, Items, Pair, entry_lines, group_span
from ..errors import reason
from ..grammar import rule_regex
from ..models import Translation
from ..visitor import BaseVisitor, Source
from ._spec import Line, Section

if TYPE_CHECKING:
    from .._render import PageWriter
    from ..models import Film

HEADING = "Available Languages"
FIELD = "translations"
TITLE_WORD = "Title"
TITLE = Line("translation_title", f"{TITLE_WORD}:", "title")
_TRANSLATION_OF = from_grammar(Translation)


def _code_or_none(name: str) -> str | None:
    """The code of a language name, None for a name with none (then the
    builder refuses the entry, and _translation says why)."""
    try:
        return codes.language_code_from_name(name)
    except ValueError:
        return None


class LanguagesVisitor(BaseVisitor):
    def visit_languages_whole(self, node: RegexNode, children: Sequence[Any]) -> list[Pair]:
        return self.whole_section(node, FIELD, "languages_heading", self._translations)

    def visit_languages_parts(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        return self.section_parts(node, children, FIELD, "languages_heading", self._translations)

    def visit_translations_block(
        self, node: RegexNode, children: Sequence[Any]
    ) -> list[Entry] | Items:
        return self._translations(node.start, node.end)

    def _translations(self, start: int, end: int) -> list[Entry] | Items:
        regex = rule_regex("translation_entry")
        if not self.track:  # the common case: the groups are the fields but the code, in order
            built = [_TRANSLATION_OF(name, _code_or_none(name), country, title, tagline)
                     for name, country, title, tagline in regex.findall(self.text, start, end)]
            if all(built):  # (None: in doubt, the entries read one by one; a model is true)
                return Items(built)
        entries = regex.finditer(self.text, start, end)
        return [self._translation(entry, entry, entry, entry, True) for entry in entries]

    def visit_translation(self, node: Node, children: Sequence[Any]) -> Entry:
        language, title, tagline = children
        return self._translation(node, language, title, tagline, False)

    def _translation(self, entry: Node | re.Match[str], language: re.Match[str],
                     title: re.Match[str], tagline: re.Match[str], one: bool) -> Entry:  # fmt: skip
        """A translation from its three lines' matches (`one`: the same match)."""
        name = language.group("language")
        try:
            code = codes.language_code_from_name(name)
        except ValueError as exc:
            at = language.start("language")
            if self.strict:
                raise self.refused(exc, at, HEADING, "language", "FP202") from None
            self.warn("FP202", at, f"{reason(exc)}; entry dropped", HEADING, self.extent(entry)[1],
                      (reason(exc), self.expects("language")))  # fmt: skip
            return Entry(None)
        if one and not self.track:  # the common case: the groups are the fields but the code
            _, country, *lines = language.groups()
            value = _TRANSLATION_OF(name, code, country, *lines)
            if value is not None:
                return Entry(value)
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
        value = self.build(Translation, HEADING, values, source, entry)
        if not self.track or value is None:
            return Entry(value)
        first, second, third = entry_lines(entry) if one else (None, None, None)  # type: ignore[arg-type]
        return Entry(value, (
            group_span(language, "language", ".language", first),
            group_span(language, "language", ".language_code", first),
            group_span(language, "country_code", ".country_code", first),
            group_span(title, "title", ".title", second),
            group_span(tagline, "tagline", ".tagline", third),
        ))  # fmt: skip

    def visit_lenient_languages(self, node: Node, children: Sequence[Any]) -> list[Pair]:
        return [(FIELD, Entry(self.entries(children[1], HEADING)))]


def write(film: Film, page: PageWriter) -> None:
    page.add(HEADING, "")
    for entry in film.translations:
        try:
            derived = codes.language_code_from_name(entry.language)
        except ValueError as exc:
            page.refuse(reason(exc))
        if derived != entry.language_code:
            page.refuse(
                f"language name {entry.language!r} reads back as {derived!r}, "
                f"not {entry.language_code!r}"
            )
        page.add(
            f"{entry.language} {entry.country_code}",
            f"{TITLE.prefix} {entry.title or ''}".rstrip(),
            f'"{entry.tagline or ""}"',
        )
    if film.translations:
        page.add("")


_NATIVE_NAME = "a native language name such as Deutsch"

SECTION = Section(
    rule="languages",
    whole="languages_whole",
    heading=HEADING,
    visitor=LanguagesVisitor,
    write=write,
    lenient="lenient_languages",
    lines=(TITLE,),
    never_headings=(TITLE_WORD,),
    items=FIELD,
    hint=(
        f'a translation: "<language name> <country code>", then "{TITLE.prefix} <title>", '
        "then the tagline in double quotes; or the next section heading"
    ),
    entry_hints={
        TITLE.rule: f'a "{TITLE.prefix}" line with the translated title after the colon',
        "translation_tagline": 'the translated tagline in double quotes ("" when empty)',
    },
    expected={
        "language": _NATIVE_NAME,
        "language_code": _NATIVE_NAME,
        # (where_to_watch has country codes too: one table serves both)
        "country_code": "an ISO 3166-1 alpha-2 country code such as US",
    },
)
