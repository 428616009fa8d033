"""Bad input: always a FilmParseError with line, column, section and expectation."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import filmparse
from filmparse import FilmParseError
from filmparse.parser import _refuse_non_pages


def error_of(text: str) -> FilmParseError:
    with pytest.raises(FilmParseError) as caught:
        filmparse.parse(text)
    return caught.value


def test_empty_and_blank_pages() -> None:
    for text in ("", "\n\n", "   \n\t\n"):
        error = error_of(text)
        assert (error.line, error.column) == (1, 1)
        assert "empty" in error.message


def test_binary_bytes() -> None:
    with pytest.raises(FilmParseError) as caught:
        filmparse.parse_bytes(b"Heat\n\xff\xfe\x00\x01")
    error = caught.value
    assert (error.line, error.column, error.section) == (2, 1, "encoding")


def test_nul_byte_in_text() -> None:
    error = error_of("Heat\n\nRuntime 1\x0011 minutes\n")
    assert (error.line, error.column) == (3, 10)
    assert "U+0000" in error.message


def test_html() -> None:
    error = error_of("\n  <html><body>Heat</body></html>\n")
    assert (error.line, error.column) == (2, 1)
    assert "HTML" in error.message


def test_impossible_date() -> None:
    error = error_of("Heat\n\nRelease Date 1995-13-01\n")
    assert (error.line, error.column, error.section) == (3, 14, "header")
    assert "1995-13-01" in error.message


def test_malformed_date() -> None:
    error = error_of("Heat\nRelease Date 27/10/1995\n")
    assert (error.line, error.column) == (2, 14)


def test_non_numeric_rating() -> None:
    error = error_of("Heat\nReviews\nJane\nn/a/10\nText\n")
    assert (error.line, error.column, error.section) == (4, 1, "Reviews")
    error = error_of("Heat\n\nVote Average high/10\n")
    assert (error.line, error.column, error.section) == (3, 14, "facts")


def test_rating_out_of_range() -> None:
    error = error_of("Heat\nReviews\nJane\n11.5/10\nText\n")
    assert (error.line, error.column) == (4, 1)
    assert "0 to 10" in error.message


def test_page_cut_off_mid_section() -> None:
    error = error_of("Heat\n\nReviews\n\nJane\n7.0/10")
    assert (error.line, error.column) == (6, 7)
    assert "ends in the middle" in error.message and error.section == "Reviews"
    error = error_of("Heat\nAvailable Languages\nDeutsch DE\nTitle:\n")
    assert (error.line, error.section) == (4, "Available Languages")
    assert "double quotes" in error.expected


def test_unknown_line_in_section() -> None:
    error = error_of("Heat\nFamous Conversations\nBEN: Hi.\nno speaker here\n")
    assert (error.line, error.column, error.section) == (4, 1, "Famous Conversations")
    assert "SPEAKER: text" in error.expected


def test_a_dialogue_line_the_model_refuses_is_an_error_where_it_stands() -> None:
    # The grammar reads "   : hello" as a dialogue line; its speaker is empty
    # once stripped.  Strict mode reads dialogue as one block, lenient mode line
    # by line: both name the line, and lenient keeps the other lines.
    page = "Heat\nFamous Conversations\nBEN: Hi.\n   : hello\nSERA: Yo.\n"
    error = error_of(page)
    assert (error.line, error.column, error.section) == (4, 1, "Famous Conversations")
    assert "speaker must not be empty" in error.message
    film = filmparse.parse(page, strict=False)
    assert [(d.code, d.line) for d in film.diagnostics] == [("FP202", 4)]
    assert [line.speaker for line in film.dialogue] == ["BEN", "SERA"]


def test_flag_mismatch_and_bad_country_code() -> None:
    error = error_of("Heat\nWhere to Watch\n🇫🇷 Germany [DE]\n")
    assert (error.line, error.column) == (3, 1)
    error = error_of("Heat\nWhere to Watch\n🇩🇪 Germany [QQ]\n")
    assert (error.line, error.column) == (3, 13)  # columns count code points


def test_unknown_language_name() -> None:
    error = error_of('Heat\nAvailable Languages\nKlingonisch DE\nTitle:\n""\n')
    assert (error.line, error.column) == (3, 1)


def test_sections_out_of_order() -> None:
    error = error_of("Heat\nMedia\nClip\nA clip\nCast\n")
    assert (error.line, error.column, error.section) == (5, 1, "Media")
    assert "out of place" in error.message


def test_bad_fact_value_column_points_at_value() -> None:
    error = error_of("Heat\n\nBudget 3.6 million\n")
    assert (error.line, error.column) == (3, 8)
    error = error_of("Heat\n\nRuntime one hundred\n")
    assert (error.line, error.column) == (3, 9)


def test_message_quotes_line_with_caret() -> None:
    error = error_of("Heat\n\nRelease Date 1995-02-30\n")
    lines = str(error).splitlines()
    assert lines[0].startswith("3:14: [header] impossible date")
    assert lines[1].strip() == "Release Date 1995-02-30"
    assert lines[2].index("^") == lines[1].index("1995")


def test_error_survives_pickling() -> None:
    import pickle

    error = error_of("Heat\nRuntime soon\n").with_path("pages/heat.txt")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.line, copy.column, copy.path, str(copy)) == (2, 9, "pages/heat.txt", str(error))


@pytest.mark.parametrize(
    "text",
    [
        "Overview\n",
        "Heat\nWatch\nWatch\n",
        "Heat\nOscar Awards\nWins\nBAD LINE\n",
        "Heat\nMedia\nClip\n",
    ],
)
def test_other_bad_pages_are_parse_errors(text: str) -> None:
    error = error_of(text)
    assert error.line >= 1 and error.column >= 1 and error.expected


def test_one_root_class_catches_every_library_error() -> None:
    import filmparse

    for cls in (filmparse.FilmParseError, filmparse.SchemaError, filmparse.RenderError):
        assert issubclass(cls, filmparse.Error)
    with pytest.raises(filmparse.Error):
        filmparse.parse("")
    with pytest.raises(filmparse.Error):
        filmparse.from_dict({"title": 5})


_SPACES = st.sampled_from([" ", "\t", "\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u00a0",
                           "\u2028", "\u3000", "\u200b", "a", "Cast"])  # fmt: skip


@given(st.lists(_SPACES, max_size=12).map("".join) | st.text(max_size=8))
@example("")
@example("\n")
@example("\u200b")  # not a space to str.strip either
def test_a_page_is_empty_as_strip_says(text: str) -> None:
    """The empty-page check (no copy of the page) agrees with `not text.strip()`."""
    try:
        _refuse_non_pages(text)
        code = None
    except FilmParseError as exc:
        code = exc.code
    assert (code == "FP104") == (not text.strip())
