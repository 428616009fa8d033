"""The reference page, field by field, and its normalisation variants."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from jsonschema import Draft202012Validator

import filmparse
from conftest import REFERENCE
from filmparse import Film


@pytest.fixture(scope="module")
def film(reference_text: str) -> Film:
    return filmparse.parse(reference_text)


def test_header(film: Film) -> None:
    assert film.title == "Leaving Las Vegas"
    assert film.tagline == "I Love You... The Way You Are."
    assert film.release_date == dt.date(1995, 10, 27)
    assert film.runtime_minutes == 111
    assert film.genres == ("Drama", "Romance")
    assert film.status == "Released"


def test_overview_and_facts(film: Film) -> None:
    assert film.overview is not None
    assert film.overview.startswith("Ben Sanderson, an alcoholic Hollywood screenwriter")
    assert film.overview.endswith("prostitute Sera.")
    assert (film.budget, film.revenue) == (3_600_000, 49_800_000)
    assert film.vote_average == 7.253
    assert film.vote_count == 1524
    assert film.popularity == 3.1095
    assert film.original_language == "en"


def test_translations(film: Film) -> None:
    rows = [(t.language_code, t.country_code, t.title, t.tagline) for t in film.translations]
    assert rows == [
        ("en", "US", None, "I Love You... The Way You Are."),
        ("de", "DE", None, "Liebe bis in den Tod"),
        ("it", "IT", "Via da Las Vegas", None),
        ("fr", "FR", None, "Je T'Aime... Tel.Ie Que Tu Es."),
        ("ru", "RU", "Покидая Лас-Вегас", None),
        ("pt", "PT", "Morrer em Las Vegas", None),
    ]
    # The page spells Russian with a Latin P; the record holds the Cyrillic word.
    assert film.translations[4].language == "Русский"
    assert all("\u0400" <= c <= "\u04ff" for c in film.translations[4].language)


def test_availability(film: Film) -> None:
    assert len(film.availability) == 39
    by_code = {a.country_code: a for a in film.availability}
    assert [c for c, a in by_code.items() if not a.offers] == ["FI", "FR", "NO", "SE"]
    assert by_code["US"].offers == ("stream", "free", "ads")
    assert by_code["CA"].offers == ("free", "ads", "stream")
    assert by_code["VE"].country_name == "Venezuela, Bolivarian Republic of"
    assert film.availability[0].country_code == "AT"
    assert film.availability[-1].country_code == "ZA"


def test_cast_crew_reviews(film: Film) -> None:
    assert film.cast == () and film.crew == ()
    assert [r.author for r in film.reviews] == ["Wuchak", "Filipe Manuel Neto", "CinemaSerf"]
    assert [r.rating for r in film.reviews] == [6.0, 8.0, 7.0]
    assert film.reviews[0].content.startswith("_**Cage terminally drunk")


def test_dialogue(film: Film) -> None:
    assert len(film.dialogue) == 261
    speakers = Counter(line.speaker for line in film.dialogue)
    assert speakers["BEN"] == 112 and speakers["SERA"] == 114
    assert film.dialogue[0].speaker == "WAITRESS"
    assert film.dialogue[-1].text == "Please, Yuri."


def test_awards_and_media(film: Film) -> None:
    outcomes = Counter(award.outcome for award in film.awards)
    assert outcomes == {"won": 1, "nominated": 3}
    assert film.awards[0].nominee == "Nicolas Cage"
    assert film.awards[3].category.startswith("WRITING (Screenplay Based on Material")
    assert {award.year for award in film.awards} == {1995}
    assert [(m.kind, m.title) for m in film.media][1:] == [
        ("trailer", "Official Trailer"),
        ("featurette", "Nicolas Cage winning Best Actor"),
    ]


def test_export_keys_in_contract_order(film: Film) -> None:
    assert list(filmparse.to_dict(film)) == [
        "schema_version", "title", "tagline", "release_date", "runtime_minutes", "genres",
        "status", "overview", "budget", "revenue", "vote_average", "vote_count",
        "popularity", "original_language", "translations", "availability", "cast", "crew",
        "reviews", "dialogue", "awards", "media",
    ]  # fmt: skip


def test_export_validates_with_reference_validator(film: Film) -> None:
    validator = Draft202012Validator(filmparse.json_schema())
    Draft202012Validator.check_schema(filmparse.json_schema())
    assert list(validator.iter_errors(filmparse.to_dict(film))) == []


def test_to_json_indent_and_compact(film: Film) -> None:
    pretty = filmparse.to_json(film)
    compact = filmparse.to_json(film, indent=None)
    assert "\n" in pretty and "\n" not in compact
    assert json.loads(pretty) == json.loads(compact) == filmparse.to_dict(film)
    assert "Покидая" in compact  # Unicode kept readable, not \u-escaped


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: "\ufeff" + t, id="bom"),
        pytest.param(lambda t: t.replace("\n", "  \n"), id="trailing-spaces"),
        pytest.param(lambda t: t.replace("\n", "\t\n"), id="trailing-tabs"),
        pytest.param(lambda t: t.rstrip("\n"), id="no-final-newline"),
        pytest.param(lambda t: t + "\n\n\n", id="extra-final-blank-lines"),
        pytest.param(lambda t: "\ufeff" + t.replace("\n", " \r\n"), id="all-at-once"),
    ],
)
def test_normalisation_variants_give_same_film(reference_text: str, film: Film, variant) -> None:  # type: ignore[no-untyped-def]
    assert filmparse.parse(variant(reference_text)) == film


def test_parse_file_accepts_bom_bytes(tmp_path, film: Film) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "bom.txt"
    page.write_bytes(b"\xef\xbb\xbf" + REFERENCE.read_bytes().replace(b"\n", b"\r\n"))
    assert filmparse.parse_file(page) == film


@pytest.mark.parametrize("indent", [None, 2, 4])
def test_to_json_matches_the_json_module_byte_for_byte(film: Film, indent: int | None) -> None:
    separators = (",", ":") if indent is None else None
    expected = json.dumps(
        filmparse.to_dict(film), ensure_ascii=False, indent=indent, separators=separators
    )
    assert filmparse.to_json(film, indent=indent) == expected


def test_integers_beyond_64_bits_are_refused_where_they_stand() -> None:
    # The contract bounds every integer to an int64 (schema.INT64_MAX): such a
    # page is an error at its value, not a Film that no export can hold.
    page = "Huge\n\nBudget $100,000,000,000,000,000,000,000\n"
    with pytest.raises(filmparse.FilmParseError) as caught:
        filmparse.parse(page)
    error = caught.value
    assert (error.line, error.column, error.section) == (3, 8, "facts")
    assert "too large (24 digits)" in error.message
    assert error.expected == "an amount such as $3,600,000"
    lenient = filmparse.parse(page, strict=False)
    assert [(d.code, d.line, d.column) for d in lenient.diagnostics] == [("FP201", 3, 8)]
    assert json.loads(filmparse.to_json(lenient))["budget"] is None
