"""The batch path carries the export as orjson's UTF-8 bytes, from the worker to
the file: the bytes written are those of the Python API's JSON text, whatever
the output (-o DIR, --jsonl, stdout) and the number of jobs."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import filmparse
from conftest import REFERENCE
from filmparse.export import dumps, dumps_bytes, orjson_text, to_dict
from strategies import films

# Pages with non-ASCII text (the reference page holds Cyrillic, CJK and flags).
TITLES = ["Leaving Las Vegas", "Покидая Лас-Вегас", "リービング・ラスベガス 🎰", "Film 4"]


def _pages(folder: Path) -> list[Path]:
    text = REFERENCE.read_text(encoding="utf-8")
    folder.mkdir()
    paths = []
    for number, title in enumerate(TITLES):
        path = folder / f"p{number}.txt"
        path.write_text(text.replace("Leaving Las Vegas\n", f"{title}\n", 1), encoding="utf-8")
        paths.append(path)
    return paths


def _expected(path: Path, indent: int | None) -> bytes:
    """The page's export as the Python API writes it: to_json's text with the
    batch's ``source`` member spliced in, '\\n'-ended, as UTF-8."""
    data = path.read_bytes()
    source = {"path": str(path), "sha256": hashlib.sha256(data).hexdigest()}
    text = filmparse.to_json(filmparse.parse_bytes(data), indent=indent)
    if indent is None:
        text = text[:-1] + ',"source":' + json.dumps(source, separators=(",", ":")) + "}"
    else:
        member = json.dumps({"source": source}, indent=indent, ensure_ascii=False)[1:-2]
        text = text[:-2] + "," + member + "\n}"
    return text.encode("utf-8") + b"\n"


def _convert(*args: str) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(
        [sys.executable, "-m", "filmparse", "convert", *args],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    return result


@pytest.mark.parametrize("indent", [2, -1, 4])
def test_every_output_and_job_count_writes_the_bytes_of_to_json(
    tmp_path: Path, indent: int
) -> None:
    pages = _pages(tmp_path / "in")
    wanted = None if indent == -1 else indent
    expected = [_expected(page, wanted) for page in pages]
    lines = [_expected(page, None) for page in pages]  # --jsonl: one line each, any --indent
    for text, shape in ((expected[1], wanted), (lines[1], None)):
        # the reference for the splice itself: json.dumps of the whole record
        assert json.dumps(json.loads(text), ensure_ascii=False, indent=shape,
                          separators=(",", ":") if shape is None else None).encode() + b"\n" == (
            text
        )  # fmt: skip
    folder = str(tmp_path / "in")
    for jobs in ("1", "2"):
        rows = tmp_path / f"rows{jobs}.jsonl"
        _convert(folder, "--jsonl", str(rows), "-j", jobs, "--indent", str(indent))
        assert rows.read_bytes() == b"".join(lines), jobs
        out = tmp_path / f"out{jobs}"
        _convert(folder, "-o", str(out), "-j", jobs, "--indent", str(indent))
        assert [(out / f"p{n}.json").read_bytes() for n in range(len(pages))] == expected, jobs
    printed = _convert(folder, "-j", "2", "--indent", str(indent)).stdout
    assert printed == b"".join(expected)


def test_a_resumed_jsonl_keeps_the_earlier_rows_byte_for_byte(tmp_path: Path) -> None:
    pages = _pages(tmp_path / "in")
    full = tmp_path / "full.jsonl"
    _convert(str(tmp_path / "in"), "--jsonl", str(full), "--indent", "-1")
    rows = full.read_bytes().splitlines(keepends=True)
    assert len(rows) == len(pages)
    resumed = tmp_path / "resumed.jsonl"
    resumed.write_bytes(rows[0][:-1] + b"\r\n" + rows[1])  # an editor's CRLF on the first row
    result = _convert(str(tmp_path / "in"), "--jsonl", str(resumed), "--indent", "-1",
                      "--skip-existing", "-j", "2")  # fmt: skip
    assert resumed.read_bytes() == full.read_bytes()
    assert b"skipped: 2" in result.stderr


def test_an_earlier_jsonl_that_is_not_utf8_is_converted_again_not_a_crash(
    tmp_path: Path,
) -> None:
    # It used to be read as text: a byte that is no UTF-8 raised UnicodeDecodeError
    # out of the run (a traceback, exit 1, nothing written).
    _pages(tmp_path / "in")
    full = tmp_path / "full.jsonl"
    _convert(str(tmp_path / "in"), "--jsonl", str(full), "--indent", "-1")
    rows = full.read_bytes().splitlines(keepends=True)
    resumed = tmp_path / "resumed.jsonl"
    resumed.write_bytes(rows[0] + rows[1].replace("Покидая".encode(), b"\xff\xfe", 1))
    result = _convert(str(tmp_path / "in"), "--jsonl", str(resumed), "--indent", "-1",
                      "--skip-existing")  # fmt: skip
    assert resumed.read_bytes() == full.read_bytes()
    assert b"skipped: 1," in result.stderr  # the rows from the bad one on are converted again


@given(film=films(), indent=st.sampled_from([None, 2, 4]), newline=st.booleans())
def test_dumps_bytes_is_dumps_as_utf8(film: filmparse.Film, indent: int | None,
                                      newline: bool) -> None:  # fmt: skip
    record: dict[str, Any] = to_dict(film)
    text = dumps(record, indent) + ("\n" if newline else "")
    assert dumps_bytes(record, indent, newline=newline) == text.encode("utf-8")
    encoded = orjson_text(record, indent, newline=newline)
    assert encoded == (None if indent == 4 else text.encode("utf-8"))


@pytest.mark.parametrize("indent", [None, 2])
def test_dumps_bytes_falls_back_to_json_where_orjson_cannot(indent: int | None) -> None:
    data = {"budget": 10**30, "title": "Покидая"}
    assert orjson_text(data, indent) is None
    assert dumps_bytes(data, indent, newline=True) == (dumps(data, indent) + "\n").encode()
