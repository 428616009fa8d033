"""ISO country and language codes, robust to look-alike letters.

Scraped pages mix scripts by accident (a Latin "P" inside the Cyrillic word
for Russian).  Before any look-up a word is folded to its dominant script
using the Unicode confusables table, then resolved with maintained data:
pycountry's ISO 3166 / ISO 639-1 lists, langcodes for native language names.
Those lists and every ISO 639-1 language's native and English name are
tabled in _code_data.py, the scripts and look-alikes of Latin, Greek and
Cyrillic in _script_data.py, both generated from those packages and checked
against them by tests/test_code_data.py; langcodes and the confusables are
loaded only for what the tables do not hold (loading them costs ~100 ms).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import Counter
from functools import lru_cache

from . import _code_data as data
from . import _script_data as script_data

# Native names the site uses that are not the autonym in CLDR (adjectives or
# a pair of scripts); langcodes resolves every other name.
_SITE_NAMES = {
    "český": "cs",
    "український": "uk",
    "ภาษาไทย": "th",
    "广州话 / 廣州話": "zh",
    "한국어/조선말": "ko",
}

_REGIONAL_A = 0x1F1E6
_LONGEST_NAME = 80  # characters; the longest native language name is under 40


# Lower-cased, as pycountry's get() compares ("\u212aE".lower() is "ke", as there).
_COUNTRIES = frozenset(data.COUNTRIES.lower().split())
_LANGUAGES = frozenset(data.LANGUAGES.lower().split())
_RUN_STARTS = [start for start, _, _ in script_data.SCRIPT_RUNS]


def is_country(code: str) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-2 code (as pycountry reads it)."""
    return len(code) == 2 and code.lower() in _COUNTRIES


def is_language(code: str) -> bool:
    """Whether `code` is an ISO 639-1 code (as pycountry reads it)."""
    return len(code) == 2 and code.lower() in _LANGUAGES


@lru_cache(maxsize=8192)
def script(char: str) -> str:
    """The Unicode script of a character, as confusable_homoglyphs names it."""
    point = ord(char)
    if point < script_data.SCRIPT_END:
        return script_data.SCRIPT_RUNS[bisect_right(_RUN_STARTS, point) - 1][2]
    from confusable_homoglyphs import categories

    return str(categories.alias(char))


@lru_cache(maxsize=4096)
def fold_lookalikes(word: str) -> str:
    """Rewrite letters of a minority script as their look-alike in the main one."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return word
    scripts = Counter(script(c) for c in letters)
    if len(scripts) == 1:
        return word
    main = scripts.most_common(1)[0][0]
    return "".join(
        twin(char, main) if char.isalpha() and script(char) != main else char for char in word
    )


@lru_cache(maxsize=4096)
def twin(char: str, alias: str) -> str:
    """The look-alike of `char` in the script `alias`, or `char` itself if it has none."""
    if ord(char) < script_data.SCRIPT_END and alias in script_data.TWIN_SCRIPTS:
        return script_data.TWINS.get(char + alias, char)
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(char, greedy=True, preferred_aliases=[alias.lower()])
    for hit in found or ():
        for glyph in hit["homoglyphs"]:
            if len(glyph["c"]) == 1 and script(glyph["c"]) == alias:
                return str(glyph["c"])
    return char


def _strip_marks(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


@lru_cache(maxsize=4096)
def language_code_from_name(name: str) -> str:
    """ISO 639-1 code of a language given its native name ("Deutsch" -> "de")."""
    if len(name) > _LONGEST_NAME:  # langcodes' search is quadratic in the name's length
        raise ValueError(f"unknown language name {name[:40]!r}...: too long to be one")
    folded = fold_lookalikes(name.strip())
    candidates = [folded, _strip_marks(folded)]
    candidates += [part.strip() for part in folded.split("/") if part.strip()]
    for candidate in candidates:
        if candidate.casefold() in _SITE_NAMES:
            return _SITE_NAMES[candidate.casefold()]
        code = data.NAMES.get(normalized_name(candidate)) or _find(candidate)
        if code and len(code) == 2:
            return code
    raise ValueError(f"unknown language name {name!r}: no ISO 639-1 code found")


def normalized_name(name: str) -> str:
    """A name as langcodes looks it up (language_data's normalize_name): its
    answer depends on this alone."""
    name = name.casefold().replace("\u2019", "'").replace("-", " ")
    return name.replace("(", "").replace(")", "").replace(",", "").strip()


def _find(name: str) -> str | None:
    """langcodes' reading of a name the tables do not hold."""
    import langcodes

    try:
        return str(langcodes.find(name).language or "") or None
    except LookupError:
        return None


@lru_cache(maxsize=1024)
def language_code(value: str) -> str:
    """A valid ISO 639-1 code, lower-cased ("EN" -> "en")."""
    code = fold_lookalikes(value.strip()).lower()
    if not is_language(code):
        raise ValueError(f"{value!r} is not an ISO 639-1 language code")
    return code


@lru_cache(maxsize=1024)
def country_code(value: str) -> str:
    """A valid ISO 3166-1 alpha-2 code, upper-cased ("de" -> "DE")."""
    code = fold_lookalikes(value.strip()).upper()
    if not is_country(code):
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


@lru_cache(maxsize=1024)
def flag_for(code: str) -> str:
    """The flag emoji of a country code: two regional indicator letters."""
    return "".join(chr(_REGIONAL_A + ord(letter) - ord("A")) for letter in code.upper())
