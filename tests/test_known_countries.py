"""Where to Watch keeps the country lines it has read and checked (issue 14):
a line seen again gives the same Availability, and only lines that passed
every check are kept, so a refused one is refused wherever it comes again."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import filmparse
from filmparse import Availability, FilmParseError
from filmparse.codes import flag_for
from filmparse.sections import where_to_watch

HEAT = "Heat\n\nWhere to Watch\n\n"


def countries(*lines: str) -> str:
    return HEAT + "".join(f"{line}\n\n" for line in lines)


def test_a_country_read_again_is_the_one_read_first() -> None:
    line = "🇩🇪 Germany [de]\n\nStream\n\nrent"
    first = filmparse.parse(countries(line)).availability
    again = filmparse.parse(countries("🇫🇮 Finland [FI]", line)).availability
    assert first == (Availability("DE", "Germany", ("stream", "rent")),)
    assert again[1] == first[0]
    assert filmparse.parse(countries(line), strict=False).availability == first


@pytest.mark.parametrize(
    ("line", "code", "where"),
    [("🇫🇷 Germany [DE]", "FP301", (7, 1)), ("🇩🇪 Germany [QQ]", "FP202", (7, 13)),
     ("🇩🇪 Germany [de]\n\nſtream", "FP202", (9, 1))],
)  # fmt: skip
def test_a_refused_country_is_refused_every_time(
    line: str, code: str, where: tuple[int, int]
) -> None:
    good = "🇩🇪 Germany [DE]"
    filmparse.parse(countries(good))
    for _ in range(2):
        with pytest.raises(FilmParseError) as caught:
            filmparse.parse(countries(good, line))
        assert (caught.value.code, caught.value.line, caught.value.column) == (code, *where)
        lenient = filmparse.parse(countries(good, line), strict=False)
        assert [d.code for d in lenient.diagnostics] == [code]
    assert all(flag == flag_for(known.country_code)
               for (flag, *_), known in where_to_watch._KNOWN.items())  # fmt: skip


def test_the_kept_lines_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(where_to_watch, "_KNOWN", {})
    monkeypatch.setattr(where_to_watch, "_KNOWN_MAX", 3)
    names = [f"Place {n}" for n in range(10)]
    film = filmparse.parse(countries(*(f"🇺🇸 {name} [US]" for name in names)))
    assert [country.country_name for country in film.availability] == names
    assert 1 <= len(where_to_watch._KNOWN) <= 3


OFFER = st.sampled_from(["stream", "Stream", "RENT", "buy", "free", "ads"])


@given(st.sampled_from(["US", "us", "FR", "DE"]), st.sampled_from(["United States", "France"]),
       st.lists(OFFER, max_size=3), st.booleans())  # fmt: skip
def test_kept_or_not_a_country_reads_as_the_constructor_builds_it(
    code: str, name: str, offers: list[str], cold: bool
) -> None:
    if cold:
        where_to_watch._KNOWN.clear()
    line = f"{flag_for(code)} {name} [{code}]" + "".join(f"\n{offer}" for offer in offers)
    (read,) = filmparse.parse(countries(line)).availability
    assert read == Availability(code, name, tuple(offer.lower() for offer in offers))
