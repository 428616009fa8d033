"""ISO country and language codes, robust to look-alike letters.

Scraped pages mix scripts by accident (a Latin "P" inside the Cyrillic word
for Russian).  Before any look-up a word is folded to its dominant script
using the Unicode confusables table, then resolved with maintained data:
pycountry for ISO 3166 / ISO 639-1, langcodes for native language names.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

import langcodes
import pycountry
from confusable_homoglyphs import categories, confusables

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


@lru_cache(maxsize=8192)
def _script(char: str) -> str:
    return str(categories.alias(char))


@lru_cache(maxsize=4096)
def fold_lookalikes(word: str) -> str:
    """Rewrite letters of a minority script as their look-alike in the main one."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return word
    scripts = Counter(_script(c) for c in letters)
    if len(scripts) == 1:
        return word
    main = scripts.most_common(1)[0][0]
    return "".join(
        _twin(char, main) if char.isalpha() and _script(char) != main else char for char in word
    )


@lru_cache(maxsize=4096)
def _twin(char: str, script: str) -> str:
    """The look-alike of `char` in `script`, or `char` itself if it has none."""
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=[script.lower()])
    for hit in found or ():
        for glyph in hit["homoglyphs"]:
            if len(glyph["c"]) == 1 and _script(glyph["c"]) == script:
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
        try:
            code = langcodes.find(candidate).language
        except LookupError:
            continue
        if code and len(code) == 2:
            return code
    raise ValueError(f"unknown language name {name!r}: no ISO 639-1 code found")


@lru_cache(maxsize=1024)
def language_code(value: str) -> str:
    """A valid ISO 639-1 code, lower-cased ("EN" -> "en")."""
    code = fold_lookalikes(value.strip()).lower()
    if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 639-1 language code")
    return code


@lru_cache(maxsize=1024)
def country_code(value: str) -> str:
    """A valid ISO 3166-1 alpha-2 code, upper-cased ("de" -> "DE")."""
    code = fold_lookalikes(value.strip()).upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


@lru_cache(maxsize=1024)
def flag_for(code: str) -> str:
    """The flag emoji of a country code: two regional indicator letters."""
    return "".join(chr(_REGIONAL_A + ord(letter) - ord("A")) for letter in code.upper())
