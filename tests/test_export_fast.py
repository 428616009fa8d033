"""to_dict's generated functions write what the cattrs converter writes (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import filmparse
from conftest import FIXTURES
from filmparse import Film
from filmparse.export import SCHEMA_VERSION, converter, dumps, to_dict
from strategies import films


def _by_converter(film: Film) -> dict[str, Any]:
    """to_dict as it was: the cattrs converter's unstructure."""
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, **converter.unstructure(film)}
    if not data["extra_sections"]:
        del data["extra_sections"]
    return data


def _same(film: Film) -> None:
    fast, slow = to_dict(film), _by_converter(film)
    assert fast == slow
    # Byte for byte, so key order at every level too, and types (a list, not a tuple).
    assert orjson.dumps(fast) == orjson.dumps(slow)
    assert repr(fast) == repr(slow)
    assert filmparse.to_json(film) == dumps(slow)
    assert filmparse.to_json(film, indent=None) == dumps(slow, indent=None)
    assert filmparse.to_json(film, indent=4) == dumps(slow, indent=4)


@given(
    films(),
    st.dictionaries(
        st.sampled_from(["Keywords", "Trivia"]),
        st.lists(st.sampled_from(["a b", "c"]), min_size=1),
        max_size=2,
    ),
)
def test_to_dict_writes_what_the_converter_writes(film: Film, extra: dict[str, list[str]]) -> None:
    _same(film)
    _same(attrs.evolve(film, extra_sections=extra))


@pytest.mark.parametrize("page", sorted(FIXTURES.glob("*/*.txt")), ids=lambda p: p.name)
def test_to_dict_writes_what_the_converter_writes_on_fixtures(page: Path) -> None:
    film = filmparse.parse_bytes(page.read_bytes(), strict=False)
    _same(film)


def test_a_film_with_every_field_empty() -> None:
    _same(Film(title=None))
    assert list(to_dict(Film(title="Heat")))[:3] == ["schema_version", "title", "tagline"]
