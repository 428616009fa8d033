"""hypothesis strategies for every model, generating realistic values.

The values respect the page format's rules (docs/format.md, "Rules that keep the
format unambiguous"): free-text lines are never section headings, a tagline
or overview line never starts like a header or fact line, speakers hold no
colon, award categories never hold " - YEAR ", genres never hold a comma.
Words are drawn from one script each (Latin, Cyrillic, Greek, CJK, emoji):
normalisation folds look-alike letters inside a word that mixes Latin with
Cyrillic or Greek, so such a word would not read back as itself.
"""

from __future__ import annotations

import datetime as dt
import re

import pycountry
from hypothesis import strategies as st

from filmparse import (
    Availability,
    Award,
    DialogueLine,
    Film,
    MediaItem,
    Review,
    Translation,
)
from filmparse._render import HEADINGS
from filmparse.grammar import rule_regex
from filmparse.models import OFFERS

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëçñüöäßøåáíóúÉÖÅ"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
GREEK = "αβγδεζηθικλμνξοπρστυφχψωΑΓΔΘΛΞΠΣΦΨΩ"
CJK = "東京物語千と尋の神隠し七人侍羅生門花様年華"
EMOJI = ("🎬", "❤️", "🍿", "👩‍👩‍👧", "🇫🇷")
DIGITS = "0123456789"


def _reads_as_field_or_fact(line: str) -> bool:
    """Whether the grammar would read `line` as a header or fact line."""
    return any(rule_regex(rule).match(line + "\n") for rule in ("header_field", "fact"))


_AWARD_SPLIT = re.compile(r" - [0-9]{4} ")

# Native language names whose ISO 639-1 code langcodes finds.
LANGUAGES = (
    ("English", "en"), ("Deutsch", "de"), ("Italiano", "it"), ("Français", "fr"),
    ("Русский", "ru"), ("Português", "pt"), ("Español", "es"), ("日本語", "ja"),
    ("Norsk bokmål", "nb"), ("Ελληνικά", "el"), ("Türkçe", "tr"), ("Polski", "pl"),
    ("Magyar", "hu"), ("Nederlands", "nl"), ("suomi", "fi"), ("Tiếng Việt", "vi"),
)  # fmt: skip
COUNTRY_CODES = tuple(sorted(country.alpha_2 for country in pycountry.countries))
LANGUAGE_CODES = tuple(sorted({code for _, code in LANGUAGES} | {"en", "ko", "zh", "sv", "da"}))

words = st.one_of(
    st.text(LATIN + DIGITS, min_size=1, max_size=9),
    st.text(CYRILLIC, min_size=1, max_size=9),
    st.text(GREEK, min_size=1, max_size=7),
    st.text(CJK, min_size=1, max_size=5),
    st.sampled_from(EMOJI),
)
separators = st.sampled_from([" ", " ", " ", ", ", "... ", " - ", ": ", " (", ") ", " & ", "'"])


@st.composite
def lines(draw: st.DrawFn, max_words: int = 8, extra: str = "") -> str:
    """One line of text: words of one script each, joined by punctuation."""
    count = draw(st.integers(1, max_words))
    parts = [draw(words)]
    for _ in range(count - 1):
        parts += [draw(separators), draw(words)]
    if extra:
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(extra)))
    return "".join(parts).strip()


def free_lines(max_words: int = 8, extra: str = "") -> st.SearchStrategy[str]:
    """A line that is never a section heading (nor the empty string)."""
    return lines(max_words, extra).filter(lambda line: bool(line) and line not in HEADINGS)


def optional(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.none() | strategy


plain_lines = free_lines().filter(lambda line: not _reads_as_field_or_fact(line))
ratings = st.floats(0, 10, allow_nan=False) | st.sampled_from([0.0, 6.0, 7.253, 10.0])


@st.composite
def overviews(draw: st.DrawFn) -> str:
    paragraphs = draw(
        st.lists(st.lists(plain_lines, min_size=1, max_size=2), min_size=1, max_size=3)
    )
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs)


@st.composite
def translations(draw: st.DrawFn) -> Translation:
    language, code = draw(st.sampled_from(LANGUAGES))
    return Translation(
        language=language,
        language_code=code,
        country_code=draw(st.sampled_from(COUNTRY_CODES)),
        title=draw(optional(free_lines())),
        tagline=draw(optional(lines(extra='""'))),
    )


@st.composite
def availabilities(draw: st.DrawFn) -> Availability:
    return Availability(
        country_code=draw(st.sampled_from(COUNTRY_CODES)),
        country_name=draw(free_lines(5, extra=",")),  # "Venezuela, Bolivarian Republic of"
        offers=draw(st.lists(st.sampled_from(OFFERS), max_size=5)),
    )


@st.composite
def reviews(draw: st.DrawFn) -> Review:
    rating = draw(optional(ratings))
    content = free_lines(30, extra="*_#>")
    if rating is None:
        content = content.filter(lambda line: not line.endswith("/10"))
    return Review(author=draw(free_lines(3)), rating=rating, content=draw(content))


speakers = (
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .#'-", min_size=1, max_size=14)
    .map(str.strip)
    .filter(bool)
)
dialogue_lines = st.builds(DialogueLine, speaker=speakers, text=free_lines(15, extra=":"))


@st.composite
def awards(draw: st.DrawFn) -> tuple[Award, ...]:
    def award(outcome: str) -> st.SearchStrategy[Award]:
        return st.builds(
            Award,
            ceremony=st.just("Oscar"),
            outcome=st.just(outcome),
            category=free_lines(6, extra="()-").filter(lambda c: not _AWARD_SPLIT.search(c + " ")),
            year=st.integers(1000, 9999),
            nominee=free_lines(4),
        )

    wins = draw(st.lists(award("won"), max_size=3))
    return tuple(wins) + tuple(draw(st.lists(award("nominated"), max_size=4)))


media_kinds = st.sampled_from(["clip", "trailer", "featurette", "teaser"]) | st.text(
    "abcdefghijklmnopqrstuvwxyzéü", min_size=1, max_size=10
).filter(lambda kind: kind.capitalize() not in HEADINGS)
media_items = st.builds(MediaItem, kind=media_kinds, title=free_lines())


@st.composite
def films(draw: st.DrawFn) -> Film:
    """A whole Film; any section may be empty and any optional value absent."""
    return Film(
        title=draw(free_lines()),
        tagline=draw(optional(plain_lines)),
        release_date=draw(optional(st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)))),
        runtime_minutes=draw(optional(st.integers(0, 1000))),
        genres=draw(st.lists(free_lines(2).filter(lambda g: "," not in g), max_size=4)),
        status=draw(optional(st.sampled_from(["Released", "Rumored", "Post Production"]))),
        overview=draw(optional(overviews())),
        budget=draw(optional(st.integers(0, 10**12))),
        revenue=draw(optional(st.integers(0, 10**12))),
        vote_average=draw(optional(ratings)),
        vote_count=draw(optional(st.integers(0, 10**7))),
        popularity=draw(optional(st.floats(0, 10**6, allow_nan=False))),
        original_language=draw(optional(st.sampled_from(LANGUAGE_CODES))),
        translations=draw(st.lists(translations(), max_size=4)),
        availability=draw(st.lists(availabilities(), max_size=5)),
        cast=draw(st.lists(free_lines(6), max_size=3)),
        crew=draw(st.lists(free_lines(6, extra=":"), max_size=3)),
        reviews=draw(st.lists(reviews(), max_size=3)),
        dialogue=draw(st.lists(dialogue_lines, max_size=6)),
        awards=draw(awards()),
        media=draw(st.lists(media_items, max_size=3)),
    )


# -- corrupted pages (lenient mode) ---------------------------------------------

# Title-Case words for headings the page format does not know.  None of them is
# a section heading, header or fact field, or label ("Watch", "Wins", ...), and
# none starts like one, so a line of them followed by a blank line is read as an
# unknown section wherever a heading may stand.
_UNKNOWN_HEADING_WORDS = (
    "Trivia", "Keywords", "Soundtrack", "Production", "Companies", "Box", "Office",
    "Filming", "Locations", "Quotes", "Goofs", "Alternate", "Versions", "Connections",
    "Technical", "Specs", "Similar", "Movies", "Recommendations", "Fun",
)  # fmt: skip


@st.composite
def unknown_headings(draw: st.DrawFn) -> str:
    """A heading-shaped line (Title Case words) that is no heading of the format."""
    head = draw(st.sampled_from(_UNKNOWN_HEADING_WORDS))
    rest = draw(
        st.lists(
            st.sampled_from(_UNKNOWN_HEADING_WORDS) | st.sampled_from(["of", "and", "the"]),
            max_size=3,
        )
    )
    return " ".join([head, *rest])


def page_sections(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line indexes of each section of a page: its heading up to the
    next heading (the header before the first heading is not a section)."""
    starts = [i for i, line in enumerate(lines) if line in HEADINGS]
    return list(zip(starts, [*starts[1:], len(lines)], strict=True))


@st.composite
def corrupted_pages(draw: st.DrawFn, page: str, max_changes: int = 4) -> str:
    """`page` with 1 to `max_changes` changes: lines deleted, duplicated, swapped,
    corrupted with random text or inserted; unknown Title-Case headings inserted
    (with a blank line after); whole sections (heading to next heading) moved."""
    lines = page.split("\n")
    for _ in range(draw(st.integers(1, max_changes))):
        if not lines:
            lines = [""]
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "corrupt", "insert", "heading", "move"]
            )
        )
        if action == "delete":
            del lines[at]
        elif action == "duplicate":
            lines.insert(at, lines[at])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif action == "corrupt":
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(st.text(max_size=8)) + lines[at][cut:]
        elif action == "insert":
            lines.insert(at, draw(st.text(max_size=30)))
        elif action == "heading":
            lines[at:at] = [draw(unknown_headings()), ""]
        else:
            sections = page_sections(lines)
            if not sections:
                continue
            start, end = draw(st.sampled_from(sections))
            moved, rest = lines[start:end], lines[:start] + lines[end:]
            targets = [i for i, line in enumerate(rest) if line in HEADINGS] + [len(rest)]
            to = draw(st.sampled_from(targets))
            lines = rest[:to] + moved + rest[to:]
    return "\n".join(lines)
