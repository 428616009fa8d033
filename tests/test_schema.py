"""The JSON Schema: itself valid, strict about the contract, same verdict from both validators."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import filmparse
from filmparse.schema import is_valid, schema_errors


@pytest.fixture(scope="module")
def export(reference_text: str) -> dict[str, Any]:
    return filmparse.to_dict(filmparse.parse(reference_text))


def test_schema_is_valid_draft_2020_12() -> None:
    schema = filmparse.json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_json_schema_returns_a_fresh_copy() -> None:
    filmparse.json_schema()["properties"].clear()
    assert "title" in filmparse.json_schema()["properties"]


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (("reviews", 2, "rating"), 11, "$.reviews[2].rating"),
        (("release_date",), "27/10/1995", "$.release_date"),
        (("availability", 0, "offers", 0), "subscribe", "$.availability[0].offers[0]"),
        (("translations", 1, "language_code"), "deu", "$.translations[1].language_code"),
        (("budget",), -5, "$.budget"),
        (("dialogue", 0, "speaker"), "A: B", "$.dialogue[0].speaker"),
        (("media", 0, "kind"), "Clip", "$.media[0].kind"),
        (("schema_version",), 2, "$.schema_version"),
    ],
)
def test_bad_values_are_reported_with_their_path(
    export: dict[str, Any], path: tuple[Any, ...], value: object, where: str
) -> None:
    data = copy.deepcopy(export)
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert not is_valid(data)
    assert [p for p, _ in schema_errors(data)] == [where]


def test_unknown_and_missing_keys_are_refused(export: dict[str, Any]) -> None:
    data = copy.deepcopy(export)
    data["extra"] = 1
    del data["title"]
    assert not is_valid(data)
    assert len(list(schema_errors(data))) == 2


REFERENCE_VALIDATOR = Draft202012Validator(
    filmparse.json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
)

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 20) | st.floats(-1, 11) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)


@given(data=st.data())
def test_both_validators_agree_on_mutated_exports(
    export: dict[str, Any], data: st.DataObject
) -> None:
    mutated = copy.deepcopy(export)
    key = data.draw(st.sampled_from(sorted(mutated)))
    mutated[key] = data.draw(_json)
    assert is_valid(mutated) == REFERENCE_VALIDATOR.is_valid(mutated)


def test_impossible_date_is_refused_by_both_validators(export: dict[str, Any]) -> None:
    data = {**export, "release_date": "1995-02-30"}
    assert not is_valid(data)
    assert not REFERENCE_VALIDATOR.is_valid(data)


SOURCE = {"path": "pages/heat.txt", "sha256": "0123456789abcdef" * 4}


def test_source_is_optional_and_checked(export: dict[str, Any]) -> None:
    assert is_valid(export)  # to_dict has no source
    assert is_valid({**export, "source": SOURCE})
    assert list(filmparse.json_schema()["properties"])[-1] == "source"
    for bad in (
        {"path": "pages/heat.txt"},
        {**SOURCE, "sha256": "0123456789ABCDEF" * 4},
        {**SOURCE, "sha256": "abc"},
        {**SOURCE, "size": 12},
        {**SOURCE, "path": ""},
    ):
        data = {**export, "source": bad}
        assert not is_valid(data) and not REFERENCE_VALIDATOR.is_valid(data), bad
        paths = [path for path, _ in schema_errors(data)]
        assert paths and all(path.startswith("$.source") for path in paths), paths
