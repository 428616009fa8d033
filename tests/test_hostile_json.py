"""Hostile JSON: whatever an export holds, the schema check, from_dict and the
JSON readers answer with a typed error naming where, never another exception."""

from __future__ import annotations

import copy
import json
import math
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import filmparse
from conftest import FIXTURES
from filmparse.export import JSONTextError, loads, orjson_text, read_jsonl
from filmparse.schema import INT64_MAX, SchemaError, check, is_valid, problems, schema_errors

VALID = sorted((FIXTURES / "valid").glob("*.txt"))


@pytest.fixture(scope="module")
def export(reference_text: str) -> dict[str, Any]:
    return filmparse.to_dict(filmparse.parse(reference_text))


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _put(data: dict[str, Any], path: tuple[Any, ...], value: object) -> dict[str, Any]:
    """A copy of `data` with `value` at `path` (containers on the path copied)."""
    top = copy.copy(data)
    target: Any = top
    for part in path[:-1]:
        target[part] = copy.copy(target[part])
        target = target[part]
    target[path[-1]] = value
    return top


HOSTILE = [  # (where, value, JSON path named, words of the message)
    (("title",), _nested(100_000), "$.title", "one non-empty line"),
    (("extra_sections",), {"Keywords": _nested(100_000)}, "$.extra_sections.Keywords[0]", "line"),
    (("reviews", 0, "author"), "Wu\udc80chak", "$.reviews[0].author", "lone surrogate"),
    (("reviews", 2, "content"), "\ud800", "$.reviews[2].content", "lone surrogate"),
    (("popularity",), math.nan, "$.popularity", "finite number"),
    (("vote_average",), math.inf, "$.vote_average", "finite number"),
    (("reviews", 2, "rating"), -math.inf, "$.reviews[2].rating", "finite number"),
    (("popularity",), json.loads("1e400"), "$.popularity", "finite number"),
    (("budget",), 10**5000, "$.budget", "about 5,001 digits"),
    (("revenue",), -(10**5000), "$.revenue", "about 5,001 digits"),
    (("budget",), 2**63, "$.budget", "9223372036854775807"),
    (("vote_count",), 2**64, "$.vote_count", "9223372036854775807"),
    (("runtime_minutes",), 10**30, "$.runtime_minutes", "9223372036854775807"),
    (("awards", 0, "year"), 10**5000, "$.awards[0].year", "four-digit year"),
    (("genres",), {1, 2}, "$.genres", "JSON value, got a set"),
    (("media", 0, "title"), b"Heat", "$.media[0].title", "JSON value, got a bytes"),
]


@pytest.mark.parametrize(
    ("path", "value", "where", "words"), HOSTILE, ids=[f"{h[2]}-{h[3]}" for h in HOSTILE]
)
def test_from_dict_names_the_path_of_a_hostile_value(
    export: dict[str, Any], path: tuple[Any, ...], value: object, where: str, words: str
) -> None:
    data = _put(export, path, value)
    assert not is_valid(data)
    with pytest.raises(SchemaError) as caught:
        filmparse.from_dict(data)
    assert caught.value.problems == problems(data)
    assert [p for p, m in caught.value.problems if words in m][:1] == [where], caught.value
    str(caught.value).encode("utf-8")  # printable as it is: lone surrogates escaped
    with pytest.raises(SchemaError):
        check(data)


def test_keys_that_are_not_text_are_named(export: dict[str, Any]) -> None:
    data: dict[Any, Any] = _put(export, ("reviews", 1), {**export["reviews"][1], 7: "x"})
    data["reviews"][1]["a\udc80"] = 1
    data[None] = 1
    assert not is_valid(data)
    with pytest.raises(SchemaError) as caught:
        filmparse.from_dict(data)
    assert [p for p, _ in caught.value.problems] == [
        "$.None",
        "$.reviews[1].7",
        "$.reviews[1].a\\udc80",
    ]
    assert all("expected a text key" in m for _, m in caught.value.problems)


@pytest.mark.parametrize("data", [None, [], "Heat", 1.5, _nested(100_000), {1: 2}])
def test_from_dict_of_what_is_no_object_is_a_schema_error(data: object) -> None:
    with pytest.raises(SchemaError) as caught:
        filmparse.from_dict(data)
    assert caught.value.problems and caught.value.problems[0][0] == "$"


def test_a_model_check_the_schema_cannot_express_names_its_entry(export: dict[str, Any]) -> None:
    data = _put(export, ("translations", 1, "language_code"), "qq")
    assert is_valid(data)  # two lower-case letters, but no ISO 639-1 code
    with pytest.raises(SchemaError) as caught:
        filmparse.from_dict(data)
    assert caught.value.problems == [
        ("$.translations[1]", "'qq' is not an ISO 639-1 language code")
    ]


def test_every_integer_of_the_schema_fits_an_int64_column() -> None:
    def integers(node: object) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            kinds = node.get("type")
            if kinds == "integer" or (isinstance(kinds, list) and "integer" in kinds):
                yield node
            for child in node.values():
                yield from integers(child)
        elif isinstance(node, list):
            for child in node:
                yield from integers(child)

    found = list(integers(filmparse.json_schema()))
    assert len(found) >= 3  # counts, dollars, award years
    for node in found:
        assert 0 <= node["minimum"] <= node["maximum"] <= INT64_MAX, node


@pytest.mark.parametrize("key", ["budget", "revenue", "vote_count", "runtime_minutes"])
def test_the_largest_integer_round_trips_and_one_more_is_refused(
    export: dict[str, Any], key: str
) -> None:
    film = filmparse.from_dict({**export, key: INT64_MAX})
    assert json.loads(filmparse.to_json(film))[key] == INT64_MAX
    assert orjson.loads(orjson.dumps(filmparse.to_dict(film)))[key] == INT64_MAX
    with pytest.raises(SchemaError, match=rf"^\$\.{key}: expected .*got 9223372036854775808$"):
        filmparse.from_dict({**export, key: INT64_MAX + 1})


# Hostile JSON-like values anywhere in an export: one answer from every check.
_hostile_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([63, 64, 5000]).map(lambda bits: 2**bits)  # the strategy's repr: no huge int
    | st.floats()  # NaN and the infinities included
    | st.text(max_size=4)
    | st.text(st.characters(categories=["Cs"]), min_size=1, max_size=2)
    | st.binary(max_size=2)
    | st.sampled_from([70, 300, 5000]).map(_nested)
)
_keys = (
    st.text(max_size=4) | st.integers(-2, 2) | st.none() | st.sampled_from(["\udc80", "a\ud800"])
)
_hostile = st.recursive(
    _hostile_leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(_keys, inner, max_size=3)
    ),
    max_leaves=6,
)


def _mutated(export: dict[str, Any], data: st.DataObject) -> Any:
    """The export with a hostile value at a drawn path (or in its place)."""
    target: Any = export
    path: list[Any] = []
    while isinstance(target, dict | list) and target and data.draw(st.booleans()):
        part = data.draw(st.sampled_from(sorted(target) if isinstance(target, dict) else
                                         range(len(target))))  # fmt: skip
        path.append(part)
        target = target[part]
    return _put(export, tuple(path), data.draw(_hostile)) if path else data.draw(_hostile)


@given(data=st.data())
def test_hostile_values_anywhere_get_a_schema_error_with_a_path(
    export: dict[str, Any], data: st.DataObject
) -> None:
    mutated = _mutated(export, data)
    found = list(schema_errors(mutated))
    assert is_valid(mutated) == (found == [])  # the fast check and the messages agree
    if found:
        assert problems(mutated) == found
        assert all(p.startswith("$") and m for p, m in found)
        "\n".join(f"{p}: {m}" for p, m in found).encode("utf-8")
    try:
        film = filmparse.from_dict(mutated)
    except SchemaError as exc:
        assert exc.problems
    else:
        assert not found
        assert filmparse.from_dict(orjson.loads(filmparse.to_json(film))) == film


@given(data=st.data())
def test_the_check_given_orjson_s_text_answers_as_the_check_alone(
    export: dict[str, Any], data: st.DataObject
) -> None:
    # The batch worker hands check() the text it writes (orjson's, any indent) in
    # place of the one is_valid would write to prove the data is JSON.
    mutated = _mutated(export, data)
    alone = problems(mutated)
    for indent in (None, 2):
        encoded = orjson_text(mutated, indent, newline=True)
        assert is_valid(mutated, encoded=encoded) == (alone == [])
        assert problems(mutated, encoded=encoded) == alone
        if alone:
            with pytest.raises(SchemaError):
                check(mutated, encoded=encoded)
        else:
            check(mutated, encoded=encoded)


# One JSON text reader: strict, typed errors with line and column.


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('{"popularity": NaN}', 1, 16, "unexpected character"),
        ('{\n  "popularity": Infinity}', 2, 17, "unexpected character"),
        ('{\n  "popularity": -Infinity}', 2, 18, "no digit after sign"),
        ('{\n\n  "popularity": 1e400}', 3, 17, "infinity"),
        ('{"budget": ' + "9" * 5000 + "}", 1, 12, "infinity"),
        ("[" * 100_000 + "]" * 100_000, 1, 1026, "depth limit"),
        ('{"title": "Heat\ud800"}', 1, 16, "lone surrogate"),
        (b'{"title":\n "Caf\xe9"}', 2, 6, "not UTF-8"),
        ('{"title": "\\ud800"}', 1, 12, "surrogate"),
        ('{"title": "Heat",}', 1, 17, "trailing comma"),
        ('{"title": "Heat"', 1, 17, "unexpected end"),
        ("", 1, 1, "empty"),
    ],
)
def test_loads_refuses_what_is_not_strict_json(
    text: str | bytes, line: int, column: int, words: str
) -> None:
    with pytest.raises(JSONTextError) as caught:
        loads(text)
    error = caught.value
    assert (error.line, error.column) == (line, column), error
    assert words in error.reason
    assert isinstance(error, SchemaError)
    assert error.problems == [
        ("$", f"not valid JSON at line {line}, column {column}: {error.reason}")
    ]
    str(error).encode("utf-8")


@pytest.mark.parametrize("page", VALID, ids=[p.stem for p in VALID])
@pytest.mark.parametrize("indent", [None, 2])
def test_loads_reads_back_every_export(page: Path, indent: int | None) -> None:
    film = filmparse.parse_file(page)
    text = filmparse.to_json(film, indent=indent)
    for given_text in (text, text.encode("utf-8")):
        data = loads(given_text)
        assert data == filmparse.to_dict(film)
        check(data)
        assert filmparse.from_dict(data) == film


def _page_with_line_separators(reference_text: str) -> filmparse.Film:
    text = reference_text.replace(
        "to drink himself to death.", "to drink\u2028himself\u2029 to death."
    )
    film = filmparse.parse(text)  # strictly valid
    assert film.overview and "\u2028" in film.overview and "\u2029" in film.overview
    return film


def test_read_jsonl_splits_at_newlines_only(reference_text: str, tmp_path: Path) -> None:
    film = _page_with_line_separators(reference_text)
    row = filmparse.to_json(film, indent=None) + "\n"
    assert len(row.splitlines()) > 1  # what str.splitlines would have cut
    rows = tmp_path / "films.jsonl"
    rows.write_text(row * 3, encoding="utf-8")
    with rows.open("rb") as stream:
        read = list(read_jsonl(stream))
    assert [number for number, _ in read] == [1, 2, 3]
    assert all(filmparse.from_dict(value) == film for _, value in read)
    assert list(read_jsonl(row * 3)) == read
    assert list(read_jsonl((row * 3).encode("utf-8"))) == read


def test_read_jsonl_reports_each_bad_row_and_goes_on(reference_text: str, tmp_path: Path) -> None:
    good = [filmparse.to_json(filmparse.parse_file(page), indent=None) for page in VALID]
    lines = [
        good[0].encode(),                        # 1
        b"",                                     # 2 blank: skipped, counted
        b'{"popularity": NaN}',                  # 3
        good[0][: len(good[0]) // 2].encode(),   # 4 cut off
        b'  \r',                                 # 5 blank
        b'"caf\xe9"',                            # 6 not UTF-8
        b"[" * 5000,                             # 7 too deep
        good[-1].encode() + b"\r",               # 8 a CRLF file's row
        b'{"budget": 1e400}',                    # 9
    ]  # fmt: skip
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines))  # no final newline: the last row still counts
    with path.open("rb") as stream:
        read = list(read_jsonl(stream))
    assert [number for number, _ in read] == [1, 3, 4, 6, 7, 8, 9]
    errors = {number: value for number, value in read if isinstance(value, JSONTextError)}
    assert sorted(errors) == [3, 4, 6, 7, 9]
    assert errors[3].column == 16 and errors[6].column == 5 and errors[7].column == 1026
    assert {number: value for number, value in read if number not in errors} == {
        1: orjson.loads(good[0]),
        8: orjson.loads(good[-1]),
    }
    assert not problems(read[0][1])


_rows = st.lists(
    st.dictionaries(
        st.text(max_size=3),
        st.text(st.characters(codec="utf-8", include_characters="\u2028\u2029\x85\r\n\x0b\x0c\x1c"))
        | st.integers(-(2**63), 2**63 - 1)
        | st.floats(allow_nan=False, allow_infinity=False),
        max_size=3,
    ),
    max_size=6,
)


@given(_rows)
def test_read_jsonl_gives_back_every_row_written(rows: list[dict[str, Any]]) -> None:
    text = "".join(orjson.dumps(row).decode("utf-8") + "\n" for row in rows)
    expected = [(number, row) for number, row in enumerate(rows, 1)]
    assert list(read_jsonl(text)) == expected
    assert list(read_jsonl(text.encode("utf-8"))) == expected


# The commands that read exports give the path too (render checks via from_dict).


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "filmparse", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("literal", "where"), [("NaN", "$.popularity"), ("1e400", "$.vote_average")]
)
def test_render_and_validate_name_the_path_of_a_non_finite_number(
    export: dict[str, Any], tmp_path: Path, literal: str, where: str
) -> None:
    text = json.dumps({**export, where[2:]: "<here>"}).replace('"<here>"', literal)
    path = tmp_path / "film.json"
    path.write_text(text, encoding="utf-8")
    for command in ("render", "validate"):
        result = _run(command, str(path))
        assert result.returncode == 1
        # the JSON path, or (read as text by export.loads) the line and column
        assert re.search(rf"{re.escape(where)}: |line 1, column \d+", result.stdout + result.stderr)
        assert "Traceback" not in result.stderr
