"""The commands as people expect them: one rule for `-`, hostile JSON read cleanly,
streaming validate, render of every JSONL row, a closed stdout, repeated --glob,
--fail-on, `-q`, and `filmparse report`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import filmparse
from conftest import FIXTURES, REFERENCE
from test_cli import run

LENIENT = FIXTURES / "lenient"
GOOD = json.loads(REFERENCE.with_suffix(".json").read_text(encoding="utf-8"))
GOOD_ROW = json.dumps(GOOD, ensure_ascii=False, separators=(",", ":"))
PAGE = filmparse.render(filmparse.parse_file(REFERENCE))  # what render gives for GOOD
WAIT = 120


def cli(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "filmparse", *args], input=stdin, capture_output=True, timeout=WAIT
    )


VOTE = f'"vote_average":{GOOD["vote_average"]}'
HOSTILE = {  # a JSONL row -> what the message must say (and where)
    "[" * 100_000 + "]" * 100_000: "not valid JSON: depth limit exceeded",
    GOOD_ROW.replace(VOTE, '"vote_average":NaN'): "not valid JSON",
    GOOD_ROW.replace(VOTE, '"vote_average":1e400'): "not valid JSON",
    GOOD_ROW.replace('"Leaving Las Vegas"', '"Leaving \\ud800"', 1): "not valid JSON",
    GOOD_ROW.replace(f'"budget":{GOOD["budget"]}', f'"budget":{10**19}'): "$.budget:",
}


def test_the_reference_row_is_what_the_hostile_rows_mutate() -> None:
    assert all(row != GOOD_ROW for row in HOSTILE)


def test_validate_streams_jsonl_reports_each_bad_row_and_goes_on(tmp_path: Path) -> None:
    bad = dict(GOOD, title="")
    with_u2028 = json.dumps(dict(GOOD, overview="one\u2028two"), ensure_ascii=False)
    rows = [GOOD_ROW, *HOSTILE, "", json.dumps(bad), with_u2028, "{not json", GOOD_ROW]
    export = tmp_path / "films.jsonl"
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("validate", str(export))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    # Each bad row once or more, by its line number; the rest valid (U+2028 too).
    printed = result.stdout.splitlines()
    bad_lines = {int(line.split(":")[1]) for line in printed}
    assert bad_lines == {2, 3, 4, 5, 6, 8, 10}
    for number, message in enumerate(HOSTILE.values(), 2):
        assert any(line.startswith(f"{export}:{number}: ") and message in line
                   for line in printed), (number, printed)  # fmt: skip
    assert any(line.startswith(f"{export}:8: $.title: expected one non-empty line")
               for line in printed)  # fmt: skip
    assert result.stderr.strip() == "10 checked, 3 valid, 7 invalid"


def test_validate_a_json_file_names_line_and_column(tmp_path: Path) -> None:
    export = tmp_path / "film.json"
    export.write_text(
        json.dumps(GOOD, indent=2).replace(f"{GOOD['vote_average']},", "NaN,"), encoding="utf-8"
    )
    missing = tmp_path / "missing.json"
    result = run("validate", str(export), str(missing))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    text = json.dumps(GOOD, indent=2)
    line = 1 + text[: text.index(f"{GOOD['vote_average']},")].count("\n")
    assert result.stdout.splitlines()[0].startswith(f"{export}: line {line}, column ")
    assert f"{missing}: cannot read: No such file or directory" in result.stdout
    assert result.stderr.strip() == "2 checked, 0 valid, 2 invalid"


def test_render_refuses_hostile_json_cleanly(tmp_path: Path) -> None:
    for number, (row, message) in enumerate(HOSTILE.items()):
        export = tmp_path / f"film{number}.json"
        export.write_text(row, encoding="utf-8")
        result = run("render", str(export))
        assert result.returncode == 1 and "Traceback" not in result.stderr, row[:80]
        assert (
            result.stderr.startswith(f"filmparse: error: {export}: ") and message in result.stderr
        )
        assert result.stdout == ""


def test_render_jsonl_renders_every_row_between_form_feeds(tmp_path: Path) -> None:
    heat = filmparse.to_dict(filmparse.parse_file(LENIENT / "heat-drifted.txt", strict=False))
    heat.pop("diagnostics", None)
    heat.pop("extra_sections", None)
    rows = [GOOD_ROW, json.dumps(dict(GOOD, title="")), json.dumps(heat), GOOD_ROW]
    export = tmp_path / "films.jsonl"
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("render", str(export))
    assert result.returncode == 1  # row 2 cannot be rendered; the others are
    assert result.stderr.startswith(
        f"filmparse: error: {export}:2: $.title: expected one non-empty line of text"
    )
    assert len(result.stderr.splitlines()) == 1
    pages = result.stdout.split("\f\n")
    assert len(pages) == 3
    films = [filmparse.parse(page) for page in pages]
    assert films[0] == films[2] == filmparse.parse_file(REFERENCE)
    assert filmparse.to_dict(films[1]) == heat


def test_dash_is_the_input_itself_on_stdin_for_every_command(tmp_path: Path) -> None:
    page = REFERENCE.read_bytes()
    converted = cli("convert", "-", stdin=page)
    assert converted.returncode == 0, converted.stderr
    row = json.loads(converted.stdout)
    assert row.pop("source")["path"] == "-" and row == GOOD
    assert cli("explain", "-", stdin=page).returncode == 0
    jsonl = (GOOD_ROW + "\n" + GOOD_ROW + "\n").encode()
    validated = cli("validate", "-", stdin=jsonl)
    assert (validated.returncode, validated.stderr) == (0, b"2 checked, 2 valid, 0 invalid\n")
    rendered = cli("render", "-", stdin=jsonl)
    assert rendered.stdout.decode() == "\f\n".join([PAGE] * 2)
    # A list of paths is --files-from (- for stdin), as with tar and rsync.
    listing = tmp_path / "list.txt"
    listing.write_text(f"{REFERENCE}\n{LENIENT / 'drifted.txt'}\n", encoding="utf-8")
    listed = cli("convert", "--files-from", str(listing), "--jsonl", "-", stdin=b"")
    assert [json.loads(line)["source"]["path"] for line in listed.stdout.splitlines()] == [
        str(REFERENCE)
    ]  # drifted.txt fails in strict mode
    too_big = cli("convert", "-", "--max-bytes", "1k", stdin=page)
    assert too_big.returncode == 1 and b"more than the limit of 1,000 bytes" in too_big.stderr


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["schema"], b""),
        (["schema", "--tables"], b""),
        (["grammar"], b""),
        (["validate", "-"], b"{}\n" * 20_000),
        (["render", "-"], (GOOD_ROW + "\n").encode() * 50),
        (["convert", "-", "--jsonl", "-"], REFERENCE.read_bytes()),
    ],
)
def test_a_closed_stdout_ends_quietly(tmp_path: Path, args: list[str], stdin: bytes) -> None:
    given = tmp_path / "stdin"
    given.write_bytes(stdin)
    with given.open("rb") as source:
        child = subprocess.Popen(
            [sys.executable, "-m", "filmparse", *args],
            stdin=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # `| true`: the reader is gone before anything is written
    stderr = child.stderr.read().decode()
    child.wait(timeout=WAIT)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert child.returncode in (0, 1)


def test_validate_into_head_stops_quietly(tmp_path: Path) -> None:
    export = tmp_path / "many.jsonl"
    export.write_text("{}\n" * 50_000, encoding="utf-8")
    command = f"{sys.executable} -m filmparse validate {export} | head -1"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=WAIT)
    assert result.stdout.startswith(f"{export}:1: $: ")
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def test_repeated_glob_takes_every_pattern(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("a.txt", "b.page", "c.other"):
        shutil.copy(REFERENCE, pages / name)
    result = run("convert", str(pages), "--glob", "*.txt", "--glob", "*.page", "--jsonl", "-")
    assert result.returncode == 0, result.stderr
    paths = [json.loads(line)["source"]["path"] for line in result.stdout.splitlines()]
    assert paths == [str(pages / "a.txt"), str(pages / "b.page")]


@pytest.mark.parametrize("output", ["-o", "--jsonl"])
def test_fail_on_turns_chosen_warnings_into_page_failures(tmp_path: Path, output: str) -> None:
    target = tmp_path / ("out" if output == "-o" else "rows.jsonl")
    errors = tmp_path / "errors.jsonl"
    pages = [str(REFERENCE), str(LENIENT / "drifted.txt"), str(LENIENT / "heat-drifted.txt")]
    result = run("convert", *pages, "--lenient", "--fail-on", "FP301,FP103", output, str(target),
                 "--errors", str(errors))  # fmt: skip
    assert result.returncode == 1, result.stderr
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("pages: 3, ok: 1, failed: 2 (FP103 1, FP301 1), warnings: 12 ")
    written = (
        sorted(p.name for p in target.iterdir())
        if output == "-o"
        else [json.loads(line)["title"] for line in target.read_text("utf-8").splitlines()]
    )
    assert written == (["leaving-las-vegas.json"] if output == "-o" else ["Leaving Las Vegas"])
    report = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    failed = [(r["path"], r["line"], r["code"]) for r in report if r["severity"] == "error"]
    assert failed == [(pages[1], 47, "FP301"), (pages[2], 49, "FP103")]  # first chosen warning
    assert sum(r["severity"] == "warning" for r in report) == 12  # every warning kept


def test_fail_on_all_and_its_usage_errors() -> None:
    drifted = str(LENIENT / "drifted.txt")
    every = run("convert", drifted, str(REFERENCE), "--lenient", "--fail-on", "all", "-q")
    assert every.returncode == 1
    assert every.stderr == "filmparse: 1 of 2 pages failed (FP201 1)\n"
    assert json.loads(every.stdout)["title"] == "Leaving Las Vegas"
    for args, message in [
        (["--lenient", "--fail-on", "FP999"], "unknown FP999"),
        (["--fail-on", "FP101"], "--fail-on needs --lenient"),
    ]:
        result = run("convert", drifted, *args)
        assert result.returncode == 2 and message in result.stderr, result.stderr


def test_report_counts_codes_with_an_example_each(tmp_path: Path) -> None:
    errors = tmp_path / "errors.jsonl"
    pages = [str(LENIENT / "drifted.txt"), str(LENIENT / "heat-drifted.txt"), str(REFERENCE)]
    missing = str(tmp_path / "pages" / "gone.txt")
    run("convert", *pages, "--lenient", "-q", "--errors", str(errors), "-o", str(tmp_path / "o"))
    with errors.open("a", encoding="utf-8") as report:  # a failed page, as convert writes one
        report.write(json.dumps({"path": missing, "line": 1, "column": 1, "severity": "error",
                                 "section": "file", "message": "cannot read"}) + "\n")  # fmt: skip
    result = run("report", str(errors))
    assert result.returncode == 0, result.stderr
    table = [line.split() for line in result.stdout.splitlines()]
    assert table[0] == ["code", "severity", "count", "name", "example"]
    assert table[1][:3] == ["FP101", "warning", "2"] and table[1][-1] == f"{pages[0]}:277"
    assert table[2][:3] == ["FP204", "warning", "2"] and table[2][-1] == f"{pages[0]}:306"
    assert ["-", "error", "1", f"{missing}:1"] in table
    counts = {row[0]: int(row[2]) for row in table[1:]}
    assert sum(counts.values()) == 13 and len(counts) == 11
    assert result.stderr == "13 problems, 11 codes\n"


def test_report_goes_on_past_a_bad_line(tmp_path: Path) -> None:
    errors = tmp_path / "errors.jsonl"
    row = {"path": "p.txt", "line": 3, "code": "FP204", "severity": "warning"}
    errors.write_text(json.dumps(row) + "\n[1,\n" + json.dumps(row) + "\n", encoding="utf-8")
    result = run("report", str(errors))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"filmparse: error: {errors}:2: " in result.stderr
    assert result.stdout.splitlines()[1].split() == ["FP204", "warning", "2", "unparsed", "line",
                                                     "p.txt:3"]  # fmt: skip


@pytest.mark.slow
def test_validate_memory_stays_flat_on_a_large_jsonl(tmp_path: Path) -> None:
    export = tmp_path / "large.jsonl"
    with export.open("w", encoding="utf-8") as out:
        for _ in range(1500):  # ~55 MB: loaded whole, it took ~6x that in RSS
            out.write(GOOD_ROW + "\n")
    # VmHWM, the peak RSS of this process image (ru_maxrss would carry over the
    # forked test runner's across exec).
    code = (
        "import sys; from filmparse.cli import main; status = main(sys.argv[1:]); "
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
        "print(int(hwm.split()[1])); sys.exit(status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "validate", str(export)],
        capture_output=True, text=True, timeout=WAIT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == "1500 checked, 1500 valid, 0 invalid\n"
    assert int(result.stdout) < 150_000, result.stdout  # kB: far less than the file


def test_truncated_and_junk_pages_fail_the_batch(tmp_path: Path) -> None:
    """Issue 11: a page cut off in its overview converts by default, and fails
    with --require-sections (FP106 naming the last section present); binary junk
    and HTML fail in both modes (FP105 / FP005), counted failed, coded in --errors."""
    import random

    pages = tmp_path / "pages"
    pages.mkdir()
    text = REFERENCE.read_text(encoding="utf-8")
    cut = text.index("Overview") + 120
    (pages / "1-cut.txt").write_text(text[:cut], encoding="utf-8")
    (pages / "2-good.txt").write_text(text, encoding="utf-8")
    (pages / "3-junk.txt").write_bytes(random.Random(11).randbytes(2000))
    (pages / "4-html.txt").write_text("<!DOCTYPE html>\n<html><p>Heat</p></html>\n")
    for mode in ([], ["--lenient"]):
        report = tmp_path / f"errors{len(mode)}.jsonl"
        plain = run("convert", str(pages), "--jsonl", str(tmp_path / "out.jsonl"),
                    "--errors", str(report), *mode)  # fmt: skip
        assert plain.returncode == 1, plain.stderr
        assert "pages: 4, ok: 2, failed: 2" in plain.stderr
        failed = {json.loads(line)["path"].rsplit("/", 1)[-1]: json.loads(line)
                  for line in report.read_text(encoding="utf-8").splitlines()
                  if json.loads(line)["severity"] == "error"}  # fmt: skip
        assert set(failed) == {"3-junk.txt", "4-html.txt"}
        # strict: the first problem (junk is not UTF-8, FP001); lenient: no film page
        allowed = {"FP005", "FP105"} | (set() if mode else {"FP001", "FP003"})
        assert {failed[name]["code"] for name in failed} <= allowed
        required = run("convert", str(pages), "--jsonl", str(tmp_path / "out.jsonl"),
                       "--errors", str(report), "--require-sections", *mode,
                       *(["--fail-on", "FP106"] if mode else []))  # fmt: skip
        assert required.returncode == 1
        assert "pages: 4, ok: 1, failed: 3" in required.stderr, required.stderr
        rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
        cut_rows = [row for row in rows if row["path"].endswith("1-cut.txt")]
        assert any(row["code"] == "FP106" and "Overview" in row["message"] for row in cut_rows)
    explained = run("explain", "--require-sections", str(pages / "1-cut.txt"))
    assert "FP106" in explained.stdout
