"""codes.py answers from the tables of _code_data.py (ISO codes, language
names) and _script_data.py (scripts, look-alikes), without loading pycountry,
langcodes or the confusables table at start-up: each table must give exactly
what those packages give.  Regenerate after upgrading them:
``python tests/test_code_data.py codes > src/filmparse/_code_data.py`` and
``python tests/test_code_data.py scripts > src/filmparse/_script_data.py``."""

from __future__ import annotations

import itertools
import string
import textwrap
from collections import Counter
from pprint import pformat

import langcodes
import pycountry
from confusable_homoglyphs import categories, confusables
from hypothesis import given
from hypothesis import strategies as st
from language_data.names import normalize_name  # type: ignore[import-untyped]

from filmparse import _code_data, _script_data, codes

SCRIPT_END = 0x0530  # Latin, Greek, Cyrillic: the scripts the site's names mix
TWIN_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
PAIRS = ["".join(pair) for pair in itertools.product(string.ascii_uppercase, repeat=2)]


def country_codes() -> str:
    return " ".join(sorted(country.alpha_2 for country in pycountry.countries))


def language_codes() -> str:
    return " ".join(
        sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
    )


def language_names() -> dict[str, str]:
    """Native and English name (normalised as langcodes' look-up does) -> code
    of each ISO 639-1 language, where langcodes.find reads the name back as that code."""
    found: dict[str, str] = {}
    for code in language_codes().split():
        language = langcodes.Language.get(code)
        for name in (language.autonym(), language.display_name()):
            try:
                if langcodes.find(name).language == code:
                    found[normalize_name(name)] = code
            except LookupError:
                continue
    return found


def script_runs() -> list[tuple[int, int, str]]:
    runs: list[list[int | str]] = []
    for point in range(SCRIPT_END):
        alias = str(categories.alias(chr(point)))
        if runs and runs[-1][2] == alias:
            runs[-1][1] = point
        else:
            runs.append([point, point, alias])
    return [(int(a), int(b), str(c)) for a, b, c in runs]


def confusable_twin(char: str, script: str) -> str:
    """codes._twin as it reads the confusables table."""
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=[script.lower()])
    for hit in found or ():
        for glyph in hit["homoglyphs"]:
            if len(glyph["c"]) == 1 and str(categories.alias(glyph["c"])) == script:
                return str(glyph["c"])
    return char


def twins() -> dict[str, str]:
    """char + script -> its look-alike in that script, for the letters below SCRIPT_END."""
    found = {}
    for point in range(SCRIPT_END):
        char = chr(point)
        if not char.isalpha():
            continue
        for script in TWIN_SCRIPTS:
            twin = confusable_twin(char, script)
            if twin != char:
                found[char + script] = twin
    return found


_HEAD = (
    '"""{what}, generated from {packages}\n'
    "by tests/test_code_data.py (which checks them against those packages): they\n"
    'spare a one-page run the loading of them."""\n\n# fmt: off\n'
)


def source(part: str) -> str:
    """The text of _code_data.py (`part` "codes") or of _script_data.py ("scripts")."""
    if part == "codes":
        return (
            _HEAD.format(what="ISO codes and language names", packages="pycountry and langcodes")
            + f"COUNTRIES = (\n{_wrapped(country_codes())}\n)\n"
            f"LANGUAGES = (\n{_wrapped(language_codes())}\n)\n"
            f"NAMES = {pformat(language_names(), width=99, sort_dicts=False)}\n"
        )
    return (
        _HEAD.format(what="Scripts and look-alikes", packages="confusable_homoglyphs")
        + f"SCRIPT_END = {SCRIPT_END:#06x}\n"
        f"SCRIPT_RUNS = {pformat(script_runs(), width=99, compact=True)}\n"
        f"TWIN_SCRIPTS = {TWIN_SCRIPTS!r}\n"
        f"TWINS = {pformat(twins(), width=99, compact=True)}\n"
    )


def _wrapped(codes: str) -> str:
    """A long string of codes as lines of adjacent literals."""
    return "\n".join(
        f"    {line!r}" for line in textwrap.wrap(codes + " ", 90, drop_whitespace=False)
    )


def test_the_tables_are_those_the_packages_give() -> None:
    assert country_codes().split() == _code_data.COUNTRIES.split()
    assert language_codes().split() == _code_data.LANGUAGES.split()
    assert language_names() == _code_data.NAMES
    assert [tuple(run) for run in _script_data.SCRIPT_RUNS] == script_runs()
    assert (SCRIPT_END, TWIN_SCRIPTS) == (_script_data.SCRIPT_END, _script_data.TWIN_SCRIPTS)
    assert twins() == _script_data.TWINS


def test_codes_agree_with_pycountry_on_every_pair_of_letters() -> None:
    for pair in PAIRS:
        assert (pycountry.countries.get(alpha_2=pair) is not None) == codes.is_country(pair)
        lower = pair.lower()
        assert (pycountry.languages.get(alpha_2=lower) is not None) == codes.is_language(lower)


@given(st.text(min_size=1, max_size=3))
def test_codes_agree_with_pycountry_on_any_text(text: str) -> None:
    country = pycountry.countries.get(alpha_2=text)
    assert codes.is_country(text) == (len(text) == 2 and country is not None)
    assert codes.is_language(text) == (
        len(text) == 2 and pycountry.languages.get(alpha_2=text) is not None
    )


@given(st.text(st.sampled_from("Aa’'-(), \tÉß\u0130İ"), max_size=8) | st.text(max_size=8))
def test_names_are_normalised_as_langcodes_does(name: str) -> None:
    # langcodes.find's answer depends on normalize_name(name) alone.
    assert codes.normalized_name(name) == normalize_name(name)


def test_every_name_in_the_table_is_what_langcodes_finds() -> None:
    for name, code in _code_data.NAMES.items():
        assert normalize_name(name) == name
        assert langcodes.find(name).language == code
        codes.language_code_from_name.cache_clear()
        assert codes.language_code_from_name(name) == code


def test_script_and_twin_agree_with_the_packages_below_the_table_end() -> None:
    for point in range(SCRIPT_END + 64):  # and a little past it: the fallback
        char = chr(point)
        assert codes.script(char) == str(categories.alias(char))
        if char.isalpha():
            for script in (*TWIN_SCRIPTS, "COMMON"):
                assert codes.twin(char, script) == confusable_twin(char, script)


def reference_fold(word: str) -> str:
    """fold_lookalikes as it read the packages before the tables."""
    letters = [char for char in word if char.isalpha()]
    scripts = Counter(str(categories.alias(char)) for char in letters)
    if len(scripts) <= 1:
        return word
    main = scripts.most_common(1)[0][0]
    return "".join(
        confusable_twin(char, main)
        if char.isalpha() and str(categories.alias(char)) != main
        else char
        for char in word
    )


MIXED = st.text(
    st.sampled_from("PpCcHhOoAaEeXxKkMmTtBbРрСсНнОоАаЕеХхКкМмТтВвΡρΟοΑαΕεΧχΚκΜμΤτΒβéñ日本語ـ0 -"),
    max_size=12,
)


@given(st.one_of(MIXED, st.text(max_size=12)))
def test_folding_agrees_with_the_packages_for_any_word(word: str) -> None:
    codes.fold_lookalikes.cache_clear()
    assert codes.fold_lookalikes(word) == reference_fold(word)


def test_the_reference_page_loads_none_of_the_packages() -> None:
    import subprocess
    import sys

    from conftest import REFERENCE

    program = (
        "import sys, filmparse; filmparse.parse_file(sys.argv[1]); "
        "print(sorted(m for m in ('pycountry', 'langcodes', 'confusable_homoglyphs.confusables',"
        " 'confusable_homoglyphs.categories') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(REFERENCE)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


if __name__ == "__main__":
    import sys

    print(source(sys.argv[1] if len(sys.argv) > 1 else "codes"), end="")
