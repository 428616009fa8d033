"""Typed Film -> page text, in the format of the reference page.

The writer is the grammar read backwards: sections in order, blank lines
where the site puts them, empty sections as bare headings, absent values
left out.  parse(render(film)) == film for every Film the writer accepts;
a Film holding a value the page format cannot carry unambiguously (a cast
line that reads as a heading, a tagline that starts like "Runtime ") is
refused with RenderError rather than written as a page that would parse
differently.
"""

from __future__ import annotations

import re
from decimal import Decimal

from . import codes
from .errors import Error
from .models import Film

HEADINGS = (
    "Overview",
    "Backdrop",
    "Available Languages",
    "Where to Watch",
    "Cast",
    "Crew",
    "Reviews",
    "Famous Conversations",
    "Oscar Awards",
    "Media",
)
_HEADER_FIELD = re.compile(r"(?:(?:Release Date|Runtime|Genres|Status)(?: |$)|Watch$)")
_FACT = re.compile(
    r"(?:Budget|Revenue|Vote Average|Vote Count|Popularity|Original Language)(?: |$)"
)
_RATING_LINE = re.compile(r".*/10$")
_AWARD_SPLIT = re.compile(r" - [0-9]{4} ")
# Characters the normalisation step rewrites: a value holding one would not
# read back as itself.
_REWRITTEN = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u2007\u202f\u200b\u2060\ufeff\ud800-\udfff]"
)
_OFFER_SPELLING = {"stream": "Stream"}


class RenderError(Error):
    """A Film value the page format cannot represent unambiguously."""


def render(film: Film) -> str:
    """The page text of `film` (LF line endings, one final newline)."""
    if film.title is None:
        raise RenderError("a film without a title cannot be written: line 1 is the title")
    if film.extra_sections:
        raise RenderError(
            f"extra sections ({', '.join(film.extra_sections)}) cannot be written: "
            "the page format has no place for them"
        )
    out: list[str] = []
    _header(film, out)
    _overview_and_facts(film, out)
    out += ["Backdrop", ""]
    _languages(film, out)
    _where_to_watch(film, out)
    for heading, lines in (("Cast", film.cast), ("Crew", film.crew)):
        out += [heading, ""]
        if lines:
            out += [_free_line(line, heading) for line in lines] + [""]
    _reviews(film, out)
    _dialogue(film, out)
    _awards(film, out)
    _media(film, out)
    while out and out[-1] == "":
        out.pop()
    page = "\n".join(out) + "\n"
    bad = _REWRITTEN.search(page)
    if bad:
        raise RenderError(f"U+{ord(bad.group()):04X} cannot be written: normalisation rewrites it")
    return page


def number(value: float) -> str:
    """A float in plain decimal notation that reads back as the same float."""
    text = repr(value + 0.0)  # + 0.0 turns -0.0 into 0.0
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text if "." in text else text + ".0"


def _free_line(line: str, what: str) -> str:
    if line in HEADINGS:
        raise RenderError(f"{what} line {line!r} would read as a section heading")
    return line


def _header(film: Film, out: list[str]) -> None:
    assert film.title is not None  # render() refused it
    out += [_free_line(film.title, "title"), ""]
    if film.tagline is not None:
        if _HEADER_FIELD.match(film.tagline) or _FACT.match(film.tagline):
            raise RenderError(f"tagline {film.tagline!r} would read as a header or fact line")
        out += [_free_line(film.tagline, "tagline"), ""]
    if film.release_date is not None:
        out.append(f"Release Date {film.release_date.isoformat()}")
    if film.runtime_minutes is not None:
        out.append(f"Runtime {film.runtime_minutes} minutes")
    if film.genres:
        for genre in film.genres:
            if "," in genre:
                raise RenderError(f"genre {genre!r} holds a comma, the genre separator")
        out.append("Genres " + "".join(f"{genre}, " for genre in film.genres).rstrip())
    if film.status is not None:
        out.append(f"Status {film.status}")
    out += ["Watch", ""]


def _overview_and_facts(film: Film, out: list[str]) -> None:
    out += ["Overview", ""]
    if film.overview is not None:
        for line in film.overview.split("\n"):
            if line and (_FACT.match(line) or line in HEADINGS):
                raise RenderError(f"overview line {line!r} would read as a fact or heading")
        out += [film.overview, ""]
    facts = []
    if film.budget is not None:
        facts.append(f"Budget ${film.budget:,}")
    if film.revenue is not None:
        facts.append(f"Revenue ${film.revenue:,}")
    if film.vote_average is not None:
        facts.append(f"Vote Average {number(film.vote_average)}/10")
    if film.vote_count is not None:
        facts.append(f"Vote Count {film.vote_count}")
    if film.popularity is not None:
        facts.append(f"Popularity {number(film.popularity)}")
    if film.original_language is not None:
        facts.append(f"Original Language {film.original_language}")
    if facts:
        out += [*facts, ""]


def _languages(film: Film, out: list[str]) -> None:
    out += ["Available Languages", ""]
    for entry in film.translations:
        try:
            derived = codes.language_code_from_name(entry.language)
        except ValueError as exc:
            raise RenderError(str(exc)) from None
        if derived != entry.language_code:
            raise RenderError(
                f"language name {entry.language!r} reads back as {derived!r}, "
                f"not {entry.language_code!r}"
            )
        out += [
            f"{entry.language} {entry.country_code}",
            f"Title: {entry.title or ''}".rstrip(),
            f'"{entry.tagline or ""}"',
        ]
    if film.translations:
        out.append("")


def _where_to_watch(film: Film, out: list[str]) -> None:
    out += ["Where to Watch", ""]
    for country in film.availability:
        if "[" in country.country_name:
            name = country.country_name
            raise RenderError(f"country name {name!r} holds '[', the bracket of its code")
        flag = codes.flag_for(country.country_code)
        out += [f"{flag} {country.country_name} [{country.country_code}]", ""]
        for offer in country.offers:
            out += [_OFFER_SPELLING.get(offer, offer), ""]


def _reviews(film: Film, out: list[str]) -> None:
    out += ["Reviews", ""]
    for review in film.reviews:
        out.append(_free_line(review.author, "review author"))
        if review.rating is not None:
            out.append(f"{number(review.rating)}/10")
        elif _RATING_LINE.match(review.content):
            raise RenderError(f"unrated review content {review.content!r} reads as a rating")
        out.append(_free_line(review.content, "review content"))
    if film.reviews:
        out.append("")


def _dialogue(film: Film, out: list[str]) -> None:
    out += ["Famous Conversations", ""]
    for line in film.dialogue:
        out += [f"{line.speaker}: {line.text}", ""]


def _awards(film: Film, out: list[str]) -> None:
    out += ["Oscar Awards", ""]
    if not film.awards:
        return
    for subheading, outcome in (("Wins", "won"), ("Nominations", "nominated")):
        out += [subheading, ""]
        lines = [a for a in film.awards if a.outcome == outcome]
        for award in lines:
            if award.ceremony != "Oscar":
                raise RenderError(f"only Oscar awards can be written, not {award.ceremony!r}")
            if _AWARD_SPLIT.search(award.category + " "):
                raise RenderError(f"award category {award.category!r} holds ' - YEAR '")
            out.append(f"{award.category} - {award.year} {award.nominee}")
        if lines:
            out.append("")
    if [a.outcome for a in film.awards] != sorted(
        (a.outcome for a in film.awards), key=("won", "nominated").index
    ):
        raise RenderError("awards must list every win before the nominations")


def _media(film: Film, out: list[str]) -> None:
    out += ["Media", ""]
    for item in film.media:
        out += [_free_line(item.kind.capitalize(), "media kind"), _free_line(item.title, "media")]
