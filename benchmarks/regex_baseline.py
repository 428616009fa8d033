"""The answer to "why not a few regexes?": a hand-written `re` line parser.

What a competent user would write instead of filmparse: cut the page at its
section headings with one regex, then read each section's lines with string
methods and a regex or two, straight into the dict `filmparse.to_dict` gives
for the same page.  No grammar, no models, no validation, no errors: a bad
page gives a wrong dict or an IndexError / ValueError.  It is the fair
reference of issue 14, not a strawman: one pass over the text, per-line work
only where a line holds data, no more normalisation than the page needs
(CRLF -> LF and trailing spaces, both only when present; `str.strip` takes
care of the non-breaking spaces the reference page has in its Genres line).

The one look-up that is not text handling, a native language name -> its
ISO 639-1 code, reuses filmparse's cached one (`codes.language_code_from_name`
and the look-alike folding the reference page needs for its "Pусский"): a
user would call langcodes the same way, cached, and after the first page
both sides pay a cache hit.

tests/test_regex_baseline.py checks `parse(text) == to_dict(filmparse.parse(text))`
(same keys, same order, same JSON bytes) on every fixtures/valid page and on
generated pages.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from filmparse.codes import fold_lookalikes, language_code_from_name

HEADINGS = ("Overview", "Backdrop", "Available Languages", "Where to Watch", "Cast", "Crew",
            "Reviews", "Famous Conversations", "Oscar Awards", "Media")  # fmt: skip
# Cut at heading lines; the leading newline makes re's search skip to line
# starts (a `^` anchor in MULTILINE mode costs 2.5x as much).
_SPLIT = re.compile(r"\n(" + "|".join(HEADINGS) + r")(?=\n)")
# A header or fact line: its keyword and what follows the space.
# A literal pattern: re finds it 1.7x faster than `" \n" in text` does.
_TRAILING_SPACE = re.compile(" \n")
_FIELD = re.compile(
    r"(Release Date|Runtime|Genres|Status|Watch|Budget|Revenue|Vote Average|Vote Count"
    r"|Popularity|Original Language)(?: (.*))?"
)
_FACT = re.compile(
    r"(?:Budget|Revenue|Vote Average|Vote Count|Popularity|Original Language)(?: |$)"
)
_RUNTIME = re.compile(r"[0-9]+")
_DIALOGUE = re.compile(r"^([^:\n]+): ([^\n]+)", re.MULTILINE)
_AWARD = re.compile(r"(.+?) - ([0-9]{4}) (.+)")
# A country line and the offer lines under it, as the grammar's watch_country.
_COUNTRY = re.compile(
    r"[^ \n]+ ([^\n\[]+) \[([^\]\n]*)\]\n+((?:(?:stream|rent|buy|free|ads)\n+)*)", re.IGNORECASE
)


def _dollars(raw: str) -> int:
    return int(raw.lstrip("$ ").replace(",", ""))


def _genres(raw: str) -> list[str]:
    return [name for name in (part.strip() for part in raw.split(",")) if name]


_CONVERT: dict[str, Any] = {
    "Release Date": ("release_date", str),
    "Runtime": ("runtime_minutes", lambda raw: int(_RUNTIME.match(raw).group())),  # type: ignore[union-attr]
    "Genres": ("genres", _genres),
    "Status": ("status", str),
    "Budget": ("budget", _dollars),
    "Revenue": ("revenue", _dollars),
    "Vote Average": ("vote_average", lambda raw: float(raw.partition("/")[0])),
    "Vote Count": ("vote_count", lambda raw: int(raw.replace(",", ""))),
    "Popularity": ("popularity", float),
    "Original Language": ("original_language", str.lower),
}


@lru_cache(maxsize=1024)
def _language(name: str) -> tuple[str, str]:
    """A native language name as the export writes it, and its ISO 639-1 code."""
    return fold_lookalikes(name), language_code_from_name(name)


def _field(line: str, film: dict[str, Any]) -> bool:
    """Read a header or fact line into `film`; False when the line is neither."""
    match = _FIELD.match(line)
    if match is None:
        return False
    keyword, raw = match.groups()
    if keyword != "Watch":
        key, convert = _CONVERT[keyword]
        raw = (raw or "").strip()
        if keyword == "Genres":
            film[key] = _genres(raw)
        else:
            film[key] = convert(raw) if raw else None
    return True


def _paragraphs(lines: list[str]) -> str | None:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line.rstrip())
        elif current:
            paragraphs.append("\n".join(current).strip())
            current = []
    if current:
        paragraphs.append("\n".join(current).strip())
    return "\n\n".join(p for p in paragraphs if p) or None


def _header(block: str, film: dict[str, Any]) -> None:
    lines = [line for line in block.split("\n") if line]
    film["title"] = lines[0].strip()
    for index, line in enumerate(lines[1:]):
        if not _field(line, film) and index == 0:
            film["tagline"] = line.strip() or None


def _overview(block: str, film: dict[str, Any]) -> None:
    lines = block.split("\n")
    text = lines
    for index, line in enumerate(lines):
        if _FACT.match(line):
            text = lines[:index]
            for fact in lines[index:]:
                if fact:
                    _field(fact, film)
            break
    film["overview"] = _paragraphs(text)


def _translations(block: str) -> list[dict[str, Any]]:
    lines = [line for line in block.split("\n") if line]
    out = []
    for index in range(0, len(lines), 3):
        name, code = lines[index].rsplit(" ", 1)
        language, language_code = _language(name.strip())
        title = lines[index + 1][6:].strip()
        tagline = lines[index + 2][1:-1].strip()
        out.append({"language": language, "language_code": language_code,
                    "country_code": code.upper(), "title": title or None,
                    "tagline": tagline or None})  # fmt: skip
    return out


def _availability(block: str) -> list[dict[str, Any]]:
    found = _COUNTRY.findall(block.lstrip("\n"))
    return [
        {"country_code": code.strip().upper(), "country_name": name.strip(),
         "offers": offers.lower().split()}
        for name, code, offers in found
    ]


def _free_lines(block: str) -> list[str]:
    return [line.strip() for line in block.split("\n") if line]


def _reviews(block: str) -> list[dict[str, Any]]:
    lines = [line for line in block.split("\n") if line]
    out = []
    index = 0
    while index < len(lines):
        author, rating = lines[index], None
        if lines[index + 1].endswith("/10") and len(lines[index + 1]) <= 403:
            raw = lines[index + 1][:-3].strip()
            rating = float(raw) if raw else None
            index += 1
        out.append({"author": author.strip(), "rating": rating,
                    "content": lines[index + 1].strip()})  # fmt: skip
        index += 2
    return out


def _dialogue(block: str) -> list[dict[str, str]]:
    return [
        {"speaker": speaker.strip(), "text": text.strip()}
        for speaker, text in _DIALOGUE.findall(block)
    ]


def _awards(block: str) -> list[dict[str, Any]]:
    out = []
    outcome = "won"
    for line in block.split("\n"):
        if not line:
            continue
        if line == "Wins" or line == "Nominations":
            outcome = "won" if line == "Wins" else "nominated"
            continue
        category, year, nominee = _AWARD.match(line).groups()  # type: ignore[union-attr]
        out.append({"ceremony": "Oscar", "outcome": outcome, "category": category.strip(),
                    "year": int(year), "nominee": nominee.strip()})  # fmt: skip
    return out


def _media(block: str) -> list[dict[str, str]]:
    lines = [line for line in block.split("\n") if line]
    return [
        {"kind": lines[index].strip().lower(), "title": lines[index + 1].strip()}
        for index in range(0, len(lines), 2)
    ]


_LISTS = {
    "Available Languages": ("translations", _translations),
    "Where to Watch": ("availability", _availability),
    "Cast": ("cast", _free_lines),
    "Crew": ("crew", _free_lines),
    "Reviews": ("reviews", _reviews),
    "Famous Conversations": ("dialogue", _dialogue),
    "Oscar Awards": ("awards", _awards),
    "Media": ("media", _media),
}


def parse(text: str) -> dict[str, Any]:
    """The export dict of a well-formed page, keys in `to_dict`'s order."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _TRAILING_SPACE.search(text) or ("\t" in text and "\t\n" in text):
        # (rstrip line by line: 4x faster than a regex substitution)
        text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    if not text.endswith("\n"):
        text += "\n"
    film: dict[str, Any] = {
        "schema_version": 1, "title": None, "tagline": None, "release_date": None,
        "runtime_minutes": None, "genres": [], "status": None, "overview": None,
        "budget": None, "revenue": None, "vote_average": None, "vote_count": None,
        "popularity": None, "original_language": None, "translations": [],
        "availability": [], "cast": [], "crew": [], "reviews": [], "dialogue": [],
        "awards": [], "media": [],
    }  # fmt: skip
    parts = _SPLIT.split("\n" + text)
    _header(parts[0], film)
    for heading, block in zip(parts[1::2], parts[2::2], strict=True):
        if heading == "Overview":
            _overview(block, film)
        elif heading != "Backdrop":
            key, read = _LISTS[heading]
            film[key] = read(block)
    return film
