"""_builders.checked_film: the parser's Film builder gives what Film(...) gives.

It sets the fields the visitor hands on checked (header and fact values,
lists of models) as given, and converts and validates the rest as the
constructor does; on any refusal it calls the constructor, for its error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

import filmparse
from filmparse import sections
from filmparse._builders import checked_film
from filmparse.models import Film, Translation
from strategies import films

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "valid"
TRUSTED = sections._checked_fields()


def _fields(film: Film) -> dict[str, Any]:
    return {field.name: getattr(film, field.name) for field in attrs.fields(Film)}


def test_the_trusted_fields_are_the_line_fields_and_the_model_lists() -> None:
    assert "overview" not in TRUSTED and "cast" not in TRUSTED and "crew" not in TRUSTED
    assert "extra_sections" not in TRUSTED and "diagnostics" not in TRUSTED
    assert {"title", "tagline", "genres", "vote_count", "original_language"} <= TRUSTED
    assert {"translations", "availability", "reviews", "dialogue", "awards", "media"} <= TRUSTED


@pytest.mark.parametrize("page", sorted(FIXTURES.glob("*.txt")), ids=lambda path: path.name)
def test_a_parsed_page_is_the_film_its_values_construct(page: Path) -> None:
    film = filmparse.parse_file(page)
    assert Film(**_fields(film)) == film
    assert checked_film(TRUSTED)(_fields(film)) == film


@settings(max_examples=60, deadline=None)
@given(film=films())
def test_a_valid_film_builds_alike(film: Film) -> None:
    built = checked_film(TRUSTED)(_fields(film))
    assert built == film and type(built) is Film
    assert built.diagnostics == film.diagnostics


def test_the_fields_not_trusted_are_converted_and_validated() -> None:
    build = checked_film(TRUSTED)
    film = build({"title": "Heat", "cast": [" Al Pacino "], "overview": " One.\n\n\n Two. ",
                  "diagnostics": []})  # fmt: skip
    assert film == Film(title="Heat", cast=["Al Pacino"], overview=" One.\n\n\n Two. ")
    assert film.cast == ("Al Pacino",) and film.overview == "One.\n\nTwo."
    assert type(film.diagnostics) is tuple and film.extra_sections == {}


def test_an_absent_field_gets_its_default() -> None:
    film = checked_film(TRUSTED)({"title": "Heat"})
    assert film == Film(title="Heat") and film.translations == () and film.extra_sections == {}


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Heat", "cast": ["one\ntwo"]},
        {"title": "Heat", "overview": 3},
        {"title": "Heat", "extra_sections": {"Keywords": [""]}},
        {"title": "Heat", "diagnostics": ["not a diagnostic"]},
    ],
)
def test_a_refused_value_raises_the_constructors_error(fields: dict[str, Any]) -> None:
    with pytest.raises((ValueError, TypeError)) as expected:
        Film(**fields)
    with pytest.raises(type(expected.value)) as found:
        checked_film(TRUSTED)(fields)
    assert str(found.value) == str(expected.value)


def test_only_the_parser_trusts_its_values() -> None:
    # By hand, the constructor still checks every field, the trusted ones too.
    with pytest.raises(ValueError, match="from 0 to 10"):
        Film(title="Heat", vote_average=11.0)
    with pytest.raises(TypeError, match="Translation"):
        Film(title="Heat", translations=("not a translation",))
    assert Film(title="Heat", release_date="1995-10-27").release_date == dt.date(1995, 10, 27)
    assert Translation("English", "en", "US").language_code == "en"
