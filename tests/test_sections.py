"""Each section on small hand-written pages, with the variations the format allows."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

import filmparse
from filmparse import FilmParseError


def page(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


MINIMAL = "Heat\n"


def test_title_only_page() -> None:
    # A title alone is no film page (issue 11): strict refuses it, lenient
    # reads the title and says FP105, which makes a batch count it failed.
    with pytest.raises(filmparse.FilmParseError) as caught:
        filmparse.parse(MINIMAL)
    assert caught.value.code == "FP105"
    film = filmparse.parse(MINIMAL, strict=False)
    assert [found.code for found in film.diagnostics] == ["FP105"]
    film = filmparse.parse(MINIMAL + "Watch\n")  # the least that is one
    assert film.title == "Heat"
    assert film.tagline is None and film.release_date is None and film.genres == ()
    assert film.translations == () and film.dialogue == () and film.media == ()


def test_header_without_tagline() -> None:
    film = filmparse.parse(
        page("""
        Heat

        Release Date 1995-12-15
        Runtime 170 minutes
        Genres Crime, Drama, Action,
        Status Released
        Watch
    """)
    )
    assert film.tagline is None
    assert film.release_date == dt.date(1995, 12, 15)
    assert film.runtime_minutes == 170
    assert film.genres == ("Crime", "Drama", "Action")


def test_tagline_is_the_line_after_the_title() -> None:
    film = filmparse.parse("Heat\n\nA Los Angeles crime saga.\n\nRuntime 170 minutes\n")
    assert film.tagline == "A Los Angeles crime saga."
    assert film.runtime_minutes == 170


def test_genres_with_non_breaking_spaces_and_empty_genres() -> None:
    film = filmparse.parse("Heat\nGenres Crime,\u00a0 \u00a0Drama,\u00a0\n")
    assert film.genres == ("Crime", "Drama")
    assert filmparse.parse("Heat\nGenres\n").genres == ()


def test_empty_header_values_are_null() -> None:
    film = filmparse.parse("Heat\nRelease Date\nRuntime\nStatus\n")
    assert (film.release_date, film.runtime_minutes, film.status) == (None, None, None)


def test_overview_paragraphs_keep_one_blank_line() -> None:
    film = filmparse.parse(
        page("""
        Heat

        Overview

        First paragraph,
        still the first.


        Second paragraph.

        Budget $60,000,000
    """)
    )
    assert film.overview == "First paragraph,\nstill the first.\n\nSecond paragraph."
    assert film.budget == 60_000_000


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("Budget $3,600,000", "budget", 3_600_000),
        ("Budget $250", "budget", 250),
        ("Revenue $49,800,000", "revenue", 49_800_000),
        ("Vote Average 7.253/10", "vote_average", 7.253),
        ("Vote Average 10/10", "vote_average", 10.0),
        ("Vote Count 1524", "vote_count", 1524),
        ("Vote Count 12,345", "vote_count", 12345),
        ("Popularity 3.1095", "popularity", 3.1095),
        ("Original Language EN", "original_language", "en"),
    ],
)
def test_each_fact_alone(line: str, field: str, value: object) -> None:
    film = filmparse.parse(f"Heat\n\nOverview\n\nText.\n\n{line}\n")
    assert getattr(film, field) == value
    assert film.overview == "Text."


def test_facts_without_overview() -> None:
    film = filmparse.parse("Heat\n\nVote Count 7\nPopularity 1.5\n\nBackdrop\n")
    assert (film.vote_count, film.popularity, film.overview) == (7, 1.5, None)


def test_translations_entries() -> None:
    film = filmparse.parse(
        page("""
        Heat

        Available Languages

        Español ES
        Title: Heat
        "Una historia de "crimen""
        Norsk bokmål NO
        Title:
        ""
        Pусский RU
        Title: Схватка
        ""
    """)
    )
    first, second, third = film.translations
    assert (first.language_code, first.title, first.tagline) == (
        "es",
        "Heat",
        'Una historia de "crimen"',
    )
    assert (second.language_code, second.country_code, second.title, second.tagline) == (
        "nb",
        "NO",
        None,
        None,
    )
    assert (third.language, third.language_code) == ("Русский", "ru")


def test_where_to_watch_countries_and_offers() -> None:
    film = filmparse.parse(
        page("""
        Heat

        Where to Watch

        🇻🇪 Venezuela, Bolivarian Republic of [VE]

        buy

        Stream

        🇫🇮 Finland [FI]

        🇺🇸 United States [US]

        ads
    """)
    )
    assert [(a.country_code, a.country_name, a.offers) for a in film.availability] == [
        ("VE", "Venezuela, Bolivarian Republic of", ("buy", "stream")),
        ("FI", "Finland", ()),
        ("US", "United States", ("ads",)),
    ]


def test_cast_and_crew_keep_each_non_blank_line() -> None:
    film = filmparse.parse(
        page("""
        Heat

        Cast

        Al Pacino as Vincent Hanna

        Robert De Niro as Neil McCauley
        Crew

        Michael Mann: Director
    """)
    )
    assert film.cast == ("Al Pacino as Vincent Hanna", "Robert De Niro as Neil McCauley")
    assert film.crew == ("Michael Mann: Director",)


def test_reviews_with_and_without_rating() -> None:
    film = filmparse.parse(
        page("""
        Heat

        Reviews

        Jane
        9.5/10
        **Great** film: _see it_.
        Joe
        Fine, I guess.
        Ann
        10/10
        Best heist ever.
    """)
    )
    assert [(r.author, r.rating, r.content) for r in film.reviews] == [
        ("Jane", 9.5, "**Great** film: _see it_."),
        ("Joe", None, "Fine, I guess."),
        ("Ann", 10.0, "Best heist ever."),
    ]


def test_dialogue_speakers_with_spaces_digits_and_punctuation() -> None:
    film = filmparse.parse(
        page("""
        Heat

        Famous Conversations

        AGENT SMITH: Mr. Anderson.

        MAN #2: Time: 10:45, sharp.
        DR. WHO: Run!
        NEIL McCAULEY: Don't let yourself get attached.
    """)
    )
    assert [(d.speaker, d.text) for d in film.dialogue] == [
        ("AGENT SMITH", "Mr. Anderson."),
        ("MAN #2", "Time: 10:45, sharp."),
        ("DR. WHO", "Run!"),
        ("NEIL McCAULEY", "Don't let yourself get attached."),
    ]


def test_awards_wins_and_nominations() -> None:
    film = filmparse.parse(
        page("""
        Heat

        Oscar Awards

        Wins

        SOUND EDITING - 2001 Jane Doe - Smith

        Nominations

        WRITING (Adapted Screenplay - Drama) - 1996 John Roe
    """)
    )
    assert [(a.outcome, a.category, a.year, a.nominee) for a in film.awards] == [
        ("won", "SOUND EDITING", 2001, "Jane Doe - Smith"),
        ("nominated", "WRITING (Adapted Screenplay - Drama)", 1996, "John Roe"),
    ]
    only_nominations = filmparse.parse("Heat\nOscar Awards\nNominations\nSOUND - 1999 X\n")
    assert [a.outcome for a in only_nominations.awards] == ["nominated"]


def test_media_pairs_and_other_kinds() -> None:
    film = filmparse.parse(
        page("""
        Heat

        Media

        Clip
        The coffee shop
        Teaser
        Trailer
    """)
    )
    assert [(m.kind, m.title) for m in film.media] == [
        ("clip", "The coffee shop"),
        ("teaser", "Trailer"),
    ]


def test_empty_sections_are_bare_headings() -> None:
    film = filmparse.parse(
        "Heat\n\nOverview\n\nBackdrop\n\nAvailable Languages\n\nWhere to Watch\n\nCast\n\n"
        "Crew\n\nReviews\n\nFamous Conversations\n\nOscar Awards\n\nMedia\n"
    )
    assert film.overview is None
    assert (film.translations, film.availability, film.reviews, film.awards) == ((), (), (), ())


def test_leading_blank_lines_are_skipped() -> None:
    assert filmparse.parse("\n\n\nHeat\nWatch\n").title == "Heat"


def test_film_constructed_by_hand_is_validated() -> None:
    with pytest.raises(ValueError, match="from 0 to 10"):
        filmparse.Film(title="Heat", vote_average=11.0)
    with pytest.raises(ValueError, match="colon"):
        filmparse.DialogueLine(speaker="A: B", text="x")
    assert filmparse.Film(title="Heat", budget="$1,000").budget == 1000


def test_non_text_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        filmparse.parse(b"Heat\n")  # type: ignore[arg-type]


def test_error_is_value_error_subclass() -> None:
    assert issubclass(FilmParseError, ValueError)


@pytest.mark.parametrize("after", ["", "\n\nAvailable Languages\n", "\n\nCast\n\nAl Pacino\n"])
def test_a_stray_line_after_backdrop_is_named_backdrop_in_both_modes(after: str) -> None:
    text = f"Heat\n\nBackdrop\n\nstray line{after}"
    with pytest.raises(FilmParseError) as caught:
        filmparse.parse(text)
    strict = caught.value
    (lenient,) = filmparse.parse(text, strict=False).diagnostics
    assert (strict.line, strict.column) == (lenient.line, lenient.column) == (5, 1)
    assert strict.section == lenient.section == "Backdrop"
