"""The JSON Schema: itself valid, strict about the contract, same verdict from both validators."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import filmparse
from filmparse import schema
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


class _Blind:
    """A fast validator that cannot read anything: schema_errors checks it all."""

    def iter_errors(self, _: object) -> Any:
        raise TypeError("blind")


_wrong = st.sampled_from(["", "A:B", "a\nb", "Clip", "1995-02-30", "XX", "subscribe", -1, 11, 1.5])


@settings(max_examples=60)  # the reference validator on a whole export: about 40 ms each
@given(data=st.data())
def test_messages_are_the_same_when_jsonschema_rs_points_at_the_bad_parts(
    export: dict[str, Any], data: st.DataObject
) -> None:
    mutated = copy.deepcopy(export)
    for _ in range(data.draw(st.integers(1, 3))):
        target: Any = mutated
        while True:
            keys = sorted(target) if isinstance(target, dict) else list(range(len(target)))
            key = data.draw(st.sampled_from(keys))
            if (
                not isinstance(target[key], dict | list)
                or not target[key]
                or data.draw(st.booleans())
            ):
                break
            target = target[key]
        change = data.draw(st.sampled_from(["set", "delete", "add"]))
        if change == "set" or (change == "delete" and isinstance(target, list)):
            target[key] = data.draw(_wrong | _json)
        elif change == "delete":
            del target[key]
        elif isinstance(target, dict):
            target[data.draw(st.text(max_size=3))] = data.draw(_json)
    pointed = list(schema_errors(mutated))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "_fast_validator", _Blind)
        assert list(schema_errors(mutated)) == pointed
    assert (pointed == []) == is_valid(mutated)
