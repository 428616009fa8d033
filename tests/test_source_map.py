"""parse_with_source_map: every exported value -> the line and columns it was read from.

Columns count characters of the *normalised* line (1-based, end exclusive), so
the tests slice ``normalise(text)`` with each span and compare the slice with
the exported value.

Which leaf values of ``to_dict`` have a span of their own, and which are derived:

* ``$.schema_version`` describes the export, not the page: no span;
* ``$.awards[i].ceremony`` is always "Oscar", implied by the "Oscar Awards"
  heading and written on no line of its own: no span;
* ``$.translations[i].language_code`` is derived from the language name: its
  span is that of the name (``$.translations[i].language``);
* ``$.awards[i].outcome`` is derived from the "Wins" / "Nominations" label above
  the award line: its span is that label line;
* everything else (numbers included) has a span over its own text: "111 minutes"
  for the runtime, "$3,600,000" for the budget, "7.253/10" for a vote average,
  "8.0/10" for a review rating; a null value read from a line with nothing
  after the label ("Title:", '""') spans that whole line.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest
from hypothesis import given

import filmparse
from conftest import REFERENCE
from filmparse import Film, SourceMap, Span
from filmparse._render import HEADINGS
from filmparse.normalise import normalise
from strategies import corrupted_pages, films

NO_SPAN = re.compile(r"\$\.schema_version|\$\.awards\[\d+\]\.ceremony")
LABEL_LINES = {*HEADINGS, "Watch", "Wins", "Nominations"}

_STEP = re.compile(r"\.(\w+)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]")


def resolve(data: Any, path: str) -> Any:
    """The value at a JSON path such as $.reviews[1].rating or $.extra_sections['A B'][0]."""
    assert path.startswith("$"), path
    position = 1
    while position < len(path):
        step = _STEP.match(path, position)
        assert step is not None, f"bad path {path!r} at {position}"
        key, index, quoted = step.groups()
        data = data[key] if key is not None else data[int(index)] if index else data[
            ast.literal_eval(quoted)
        ]
        position = step.end()
    return data


def leaf_paths(data: Any, path: str = "$") -> dict[str, Any]:
    """JSON path -> value of every leaf (non-container) of an export."""
    if isinstance(data, dict):
        found: dict[str, Any] = {}
        for key, value in data.items():
            found.update(leaf_paths(value, f"{path}.{key}"))
        return found
    if isinstance(data, list):
        found = {}
        for index, value in enumerate(data):
            found.update(leaf_paths(value, f"{path}[{index}]"))
        return found
    return {path: data}


def text_at(lines: list[str], span: Span) -> str:
    """The text of a span in the normalised page (its lines joined by LF)."""
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    parts = [lines[span.line - 1][span.column - 1 :]]
    parts += lines[span.line : span.end_line - 1]
    parts.append(lines[span.end_line - 1][: span.end_column - 1])
    return "\n".join(parts)


def parsed(text: str, *, strict: bool = True) -> tuple[Film, SourceMap, dict[str, Any], list[str]]:
    film, source_map = filmparse.parse_with_source_map(text, strict=strict)
    return film, source_map, filmparse.to_dict(film), normalise(text, []).split("\n")


def check_span_texts(source_map: SourceMap, data: dict[str, Any], lines: list[str]) -> None:
    """Every span lies inside the page and its text is the value it gave (or
    what the value was derived from), by the rules in the module docstring."""
    for path, span in source_map.items():
        assert 1 <= span.line <= span.end_line <= len(lines), (path, span)
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1, (path, span)
        assert 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1, (path, span)
        assert span.line < span.end_line or span.column <= span.end_column, (path, span)
        value = resolve(data, path)
        text = text_at(lines, span)
        if path.endswith(".language_code"):
            assert span == source_map[path.removesuffix("_code")], path
        elif path.endswith(".outcome"):
            assert text == {"won": "Wins", "nominated": "Nominations"}[value], (path, text)
        elif re.search(r"\.offers\[\d+\]$|\.kind$", path):
            assert text.lower() == value, (path, text)
        elif path == "$.overview" or value is None or not isinstance(value, str):
            continue  # checked by hand on the reference page
        elif path.startswith("$.extra_sections") and not path.endswith("]"):
            continue  # the heading's span: a key, not a value
        else:
            assert text == value, (path, text, value)


# -- the reference page ----------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> tuple[Film, SourceMap, dict[str, Any], list[str]]:
    return parsed(REFERENCE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("$.title", "Leaving Las Vegas"),
        ("$.tagline", "I Love You... The Way You Are."),
        ("$.release_date", "1995-10-27"),
        ("$.genres[0]", "Drama"),
        ("$.genres[1]", "Romance"),
        ("$.status", "Released"),
        ("$.translations[4].language", "Русский"),  # the page's Latin "P", folded
        ("$.translations[4].country_code", "RU"),
        ("$.translations[4].title", "Покидая Лас-Вегас"),
        ("$.availability[38].country_name", "South Africa"),
        ("$.availability[38].country_code", "ZA"),
        ("$.dialogue[0].speaker", "WAITRESS"),
        ("$.original_language", "en"),
        ("$.awards[0].category", "ACTOR IN A LEADING ROLE"),
        ("$.awards[0].nominee", "Nicolas Cage"),
        ("$.reviews[0].author", "Wuchak"),
        ("$.media[0].title", "LEAVING LAS VEGAS (1995) | Cashing the Check at the Bank | MGM"),
    ],
)
def test_reference_text_values(
    reference: tuple[Film, SourceMap, dict[str, Any], list[str]], path: str, text: str
) -> None:
    _, source_map, data, lines = reference
    assert text_at(lines, source_map[path]) == text == resolve(data, path)


@pytest.mark.parametrize(
    ("path", "text", "value"),
    [
        ("$.runtime_minutes", "111 minutes", 111),
        ("$.budget", "$3,600,000", 3_600_000),
        ("$.revenue", "$49,800,000", 49_800_000),
        ("$.vote_average", "7.253/10", 7.253),
        ("$.vote_count", "1524", 1524),
        ("$.popularity", "3.1095", 3.1095),
        ("$.reviews[0].rating", "6.0/10", 6.0),
        ("$.reviews[1].rating", "8.0/10", 8.0),
        ("$.awards[0].year", "1995", 1995),
        ("$.awards[3].year", "1995", 1995),
        ("$.translations[0].title", "Title:", None),  # null: the whole line
        ("$.translations[2].tagline", '""', None),
        ("$.translations[4].language_code", "Русский", "ru"),  # derived: the name's span
        ("$.awards[0].outcome", "Wins", "won"),  # derived: the label above
        ("$.awards[1].outcome", "Nominations", "nominated"),
    ],
)
def test_reference_values_read_from_text(
    reference: tuple[Film, SourceMap, dict[str, Any], list[str]],
    path: str,
    text: str,
    value: object,
) -> None:
    _, source_map, data, lines = reference
    assert text_at(lines, source_map[path]) == text
    assert resolve(data, path) == value


def test_reference_spans_in_detail(
    reference: tuple[Film, SourceMap, dict[str, Any], list[str]],
) -> None:
    film, source_map, data, lines = reference
    # the README's example, and the columns of the normalised line
    assert str(source_map["$.vote_average"]) == "17:14-17:22"
    assert source_map["$.release_date"] == Span(5, 14, 5, 24)
    raw = REFERENCE.read_text(encoding="utf-8").split("\n")
    assert raw[37].startswith("Pусский") and lines[37].startswith("Русский")
    # the whole dialogue line's text after the speaker
    first = source_map["$.dialogue[0].text"]
    assert text_at(lines, first) == film.dialogue[0].text == data["dialogue"][0]["text"]
    assert (first.line, first.column) == (279, 11)
    # media: the kind as the page writes it, the title on the next line
    kind, title = source_map["$.media[2].kind"], source_map["$.media[2].title"]
    assert text_at(lines, kind) == "Featurette" and data["media"][2]["kind"] == "featurette"
    assert title.line == kind.line + 1
    assert text_at(lines, title) == data["media"][2]["title"] == film.media[2].title
    # the overview: its one paragraph
    assert text_at(lines, source_map["$.overview"]) == film.overview
    # a review rating covers the whole "N.N/10" line
    rating = source_map["$.reviews[1].rating"]
    assert (rating.column, rating.end_column) == (1, 7) and lines[rating.line - 1] == "8.0/10"


def test_reference_offers_are_the_offer_lines(
    reference: tuple[Film, SourceMap, dict[str, Any], list[str]],
) -> None:
    film, source_map, data, lines = reference
    count = 0
    for index, country in enumerate(data["availability"]):
        country_line = source_map[f"$.availability[{index}].country_name"].line
        previous = country_line
        for number, offer in enumerate(country["offers"]):
            span = source_map[f"$.availability[{index}].offers[{number}]"]
            assert text_at(lines, span).lower() == offer
            assert (span.column, span.end_column) == (1, len(lines[span.line - 1]) + 1)
            assert span.line > previous  # in page order, below their country
            previous = span.line
            count += 1
    assert count == sum(len(country.offers) for country in film.availability) > 50


def test_every_reference_leaf_has_a_span(
    reference: tuple[Film, SourceMap, dict[str, Any], list[str]],
) -> None:
    _, source_map, data, lines = reference
    leaves = leaf_paths(data)
    expected = {path for path in leaves if not NO_SPAN.fullmatch(path)}
    assert len(expected) > 700
    assert set(source_map) == expected
    check_span_texts(source_map, data, lines)


def test_reference_labels_cover_every_heading_and_label_line(
    reference: tuple[Film, SourceMap, dict[str, Any], list[str]],
) -> None:
    _, source_map, _, lines = reference
    label_lines = {n for n, line in enumerate(lines, 1) if line in LABEL_LINES}
    assert len(label_lines) == 13  # ten headings, Watch, Wins, Nominations
    assert {span.line for _, span in source_map.labels} == label_lines
    for what, span in source_map.labels:
        text = text_at(lines, span)
        assert what == ("heading" if text in HEADINGS else "label"), (what, text)
        assert span == Span(span.line, 1, span.line, len(text) + 1)


def test_reference_by_line(reference: tuple[Film, SourceMap, dict[str, Any], list[str]]) -> None:
    _, source_map, _, _ = reference
    by_line = source_map.by_line()
    assert by_line[17] == ["$.vote_average"]
    assert by_line[7] == ["$.genres[0]", "$.genres[1]"]
    assert by_line[26] == [
        "$.translations[0].language",
        "$.translations[0].language_code",
        "$.translations[0].country_code",
    ]
    assert by_line[11] == ["heading"]
    assert sorted(by_line[803]) == ["$.awards[0].outcome", "label"]
    assert 2 not in by_line  # a blank line
    assert list(source_map)[:3] == ["$.title", "$.tagline", "$.release_date"]  # page order


def test_strict_and_lenient_maps_agree_on_the_reference_page(
    reference: tuple[Film, SourceMap, dict[str, Any], list[str]],
) -> None:
    film, source_map, _, _ = reference
    lenient_film, lenient_map = filmparse.parse_with_source_map(
        REFERENCE.read_text(encoding="utf-8"), strict=False
    )
    assert lenient_film == film and lenient_film.diagnostics == ()
    assert dict(lenient_map) == dict(source_map)
    assert lenient_map.labels == source_map.labels


# -- generated films -----------------------------------------------------------


@given(films())
def test_generated_films_map_every_leaf_to_its_text(film: Film) -> None:
    page = filmparse.render(film)
    read, source_map, data, lines = parsed(page)
    assert read == film
    # a value the page leaves out (null, not written) has no line to point at
    leaves = leaf_paths(data)
    assert {path for path, value in leaves.items() if value is not None} - set(source_map) == {
        path for path in leaves if NO_SPAN.fullmatch(path)
    }
    assert set(source_map) <= set(leaves)
    check_span_texts(source_map, data, lines)
    _, lenient_map = filmparse.parse_with_source_map(page, strict=False)
    assert dict(lenient_map) == dict(source_map)
    assert lenient_map.labels == source_map.labels


# -- lenient pages -------------------------------------------------------------


def test_dropped_entries_shift_the_indexes() -> None:
    page = (
        'Heat\n\nAvailable Languages\n\nKlingon XX\nTitle: Q\n""\nDeutsch DE\nTitle: Heat\n""\n'
        "\nWhere to Watch\n\n🇺🇸 United States [US]\n\nStream\n\n?? garbage ??\n\nrent\n"
    )
    film, source_map, data, lines = parsed(page, strict=False)
    assert [d.code for d in film.diagnostics] == ["FP202", "FP204"]
    assert source_map["$.translations[0].language"] == Span(8, 1, 8, 8)
    assert "$.translations[1].language" not in source_map
    # the offer cut off from its country by a bad line is still its offer
    assert source_map["$.availability[0].offers[0]"].line == 16
    assert source_map["$.availability[0].offers[1]"] == Span(20, 1, 20, 5)
    assert data["availability"][0]["offers"] == ["stream", "rent"]
    check_span_texts(source_map, data, lines)


def test_extra_section_paths() -> None:
    page = "Heat\n\nReviews\n\nJane\nGood.\n\nFun Facts\n\nIt is long.\nVery long.\n"
    _, source_map, data, lines = parsed(page, strict=False)
    assert source_map["$.extra_sections['Fun Facts']"] == Span(8, 1, 8, 10)
    assert source_map["$.extra_sections['Fun Facts'][0]"] == Span(10, 1, 10, 12)
    assert source_map["$.extra_sections['Fun Facts'][1]"] == Span(11, 1, 11, 11)
    assert ("heading", Span(8, 1, 8, 10)) in source_map.labels
    assert resolve(data, "$.extra_sections['Fun Facts'][1]") == "Very long."
    check_span_texts(source_map, data, lines)


def test_value_set_to_null_keeps_its_span() -> None:
    _, source_map, data, lines = parsed(
        "Heat\n\nRelease Date 1995-02-30\nRuntime 170 minutes\n", strict=False
    )
    assert data["release_date"] is None
    assert text_at(lines, source_map["$.release_date"]) == "1995-02-30"
    assert text_at(lines, source_map["$.runtime_minutes"]) == "170 minutes"


def test_a_repeated_field_maps_to_the_value_kept() -> None:
    _, source_map, data, lines = parsed(
        "Heat\n\nRuntime 10 minutes\nRuntime 20 minutes\n", strict=False
    )
    assert data["runtime_minutes"] == 10
    assert text_at(lines, source_map["$.runtime_minutes"]) == "10 minutes"


@given(corrupted_pages(REFERENCE.read_text(encoding="utf-8")))
def test_corrupted_pages_map_every_value_to_its_text(text: str) -> None:
    _, source_map, data, lines = parsed(text, strict=False)
    check_span_texts(source_map, data, lines)
    for _, span in source_map.labels:
        assert span.line == span.end_line and span.column == 1


@given(corrupted_pages(REFERENCE.read_text(encoding="utf-8")))
def test_tracking_does_not_change_the_lenient_result(text: str) -> None:
    tracked, _ = filmparse.parse_with_source_map(text, strict=False)
    film = filmparse.parse(text, strict=False)
    assert tracked == film
    assert tracked.diagnostics == film.diagnostics


@pytest.mark.parametrize(
    "text",
    [
        "Heat\n\nRuntime 10 minutes\nRuntime 20 minutes\n",  # FP203 names the first line
        "Heat\n\nOverview\n\nA heist.\n\nVote Count 10\nVote Count 20\n",
        "Heat\n\nCast\n\nAl Pacino\n\nOverview\n\nA.\n\nOverview\n\nB.\n",
        "Heat\n\nWhere to Watch\n\n🇺🇸 United States [US]\n\nStream\n\n??\n\nrent\n",
    ],
)
def test_tracking_does_not_change_the_diagnostics(text: str) -> None:
    tracked, _ = filmparse.parse_with_source_map(text, strict=False)
    film = filmparse.parse(text, strict=False)
    assert tracked == film
    assert tracked.diagnostics == film.diagnostics


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
def test_spans_cover_the_value_not_the_spaces_around_it(strict: bool) -> None:
    # a valid page: the converters strip the spaces around each value, and the
    # span of a value covers the value (as the genres' spans already do)
    page = (
        "  Heat\n\nRelease Date  1995-10-27\nGenres  Crime ,  Drama\n\nCast\n\n  Al Pacino\n\n"
        "Reviews\n\n  Jane\n  Good.\n\nFamous Conversations\n\nNEIL:  Don't.\n\n"
        "Oscar Awards\n\nWins\n\nACTOR  - 1995  Al Pacino\n"
    )
    film, source_map, data, lines = parsed(page, strict=strict)
    assert film.diagnostics == ()
    assert film.title == "Heat" and film.genres == ("Crime", "Drama")
    check_span_texts(source_map, data, lines)
