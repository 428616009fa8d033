"""`convert --lenient`, `--max-bytes` and `explain`, run as a user would run them."""

from __future__ import annotations

import argparse
import gzip
import io
import json
import pickle
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import filmparse
from conftest import FIXTURES, REFERENCE
from filmparse.cli import main, size
from filmparse.explain import UNACCOUNTED, explain, explanation, fit, shorten
from filmparse.normalise import decode
from filmparse.sources import read_page

LINES = REFERENCE.read_text(encoding="utf-8").split("\n")
SUMMARY = re.compile(r"pages: (\d+), ok: (\d+), failed: (\d+)(, skipped: \d+)?(, warnings: \d+)?, ")


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, as a user runs it (~0.5 s a run)."""
    result = subprocess.run(
        [sys.executable, "-m", "filmparse", *args],
        capture_output=True, input=stdin, timeout=120,
    )  # fmt: skip
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8"),
        result.stderr.decode("utf-8"),
    )


class Cli:
    """The command run in this process (`main(argv)`, with -j 1 no worker is started):
    the same code as `run`, without the start-up cost of a new interpreter."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
        self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        self.capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = self.capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(capsys, monkeypatch)


def corrupted() -> str:
    """The reference page with an unknown section before the dialogue and a dialogue
    line without its colon (lines 277-280 and 294)."""
    text = REFERENCE.read_text(encoding="utf-8")
    text = text.replace(
        "Famous Conversations\n", "Keywords\n\nlas vegas\nalcoholism\n\nFamous Conversations\n", 1
    )
    return text.replace("BEN: No alcohol?\n", "BEN No alcohol?\n", 1)


def report(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def warnings_of(path: str) -> list[dict[str, Any]]:
    """The --errors lines of a lenient run on a corrupted() page at `path`."""
    return [
        {
            "path": path, "line": 277, "column": 1, "end_line": 280, "section": "extra",
            "code": "FP101",
            "message": "unknown section 'Keywords': its 2 line(s) are kept in extra_sections",
            "severity": "warning",
        },
        {
            "path": path, "line": 294, "column": 1, "end_line": 294,
            "section": "Famous Conversations", "code": "FP204",
            "message": "line 'BEN No alcohol?' fits no rule of this section",
            "severity": "warning",
        },
    ]  # fmt: skip


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """in/1-good.txt, in/2-keywords.txt (2 warnings), in/3-keywords.txt.gz (2 warnings),
    in/4-date.txt (strict: fails; lenient: 1 warning)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "1-good.txt").write_bytes(REFERENCE.read_bytes())
    (folder / "2-keywords.txt").write_text(corrupted(), encoding="utf-8")
    (folder / "3-keywords.txt.gz").write_bytes(gzip.compress(corrupted().encode("utf-8")))
    (folder / "4-date.txt").write_bytes((FIXTURES / "invalid" / "impossible-date.txt").read_bytes())
    return folder


# --- convert --lenient --------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_lenient_convert_reports_every_diagnostic_and_exits_0(
    pages: Path, tmp_path: Path, jobs: str, cli: Cli
) -> None:
    out, errors = tmp_path / "out", tmp_path / "errors.jsonl"
    runner = run if jobs == "2" else cli  # -j 2: diagnostics come back from worker processes
    result = runner("convert", "--lenient", str(pages), "-o", str(out), "--errors", str(errors),
                 "-j", jobs)  # fmt: skip

    assert result.returncode == 0, result.stderr
    summary = result.stderr.splitlines()[-1]
    assert summary.startswith(
        "pages: 4, ok: 4, failed: 0, warnings: 5 (FP101 2, FP204 2, FP201 1), "
    ), summary
    date = str(pages / "4-date.txt")
    # The diagnostics crossed from the workers (with -j 2) intact, in input order.
    assert report(errors) == [
        *warnings_of(str(pages / "2-keywords.txt")),
        *warnings_of(str(pages / "3-keywords.txt.gz")),
        {
            "path": date, "line": 5, "column": 14, "end_line": 5, "section": "header",
            "code": "FP201",
            "message": "impossible date '1995-02-30': day is out of range for month; "
            "release_date set to null",
            "severity": "warning",
        },
    ]  # fmt: skip
    assert (
        f"filmparse: warning: {date}:5:14: FP201 [header] impossible date '1995-02-30'"
        in result.stderr
    )
    keywords = json.loads((out / "2-keywords.json").read_text(encoding="utf-8"))
    assert keywords["extra_sections"] == {"Keywords": ["las vegas", "alcoholism"]}
    assert len(keywords["dialogue"]) == 260  # the line without a colon left out
    assert json.loads((out / "4-date.json").read_text(encoding="utf-8"))["release_date"] is None
    good = json.loads((out / "1-good.json").read_text(encoding="utf-8"))
    assert "extra_sections" not in good  # a clean page exports as in strict mode


def test_strict_convert_of_the_same_pages_fails_them_with_severity_error(
    pages: Path, tmp_path: Path, cli: Cli
) -> None:
    errors = tmp_path / "errors.jsonl"
    result = cli("convert", str(pages), "-o", str(tmp_path / "out"), "--errors", str(errors))
    assert result.returncode == 1
    summary = result.stderr.splitlines()[-1]
    assert summary.startswith("pages: 4, ok: 1, failed: 3 (FP101 2, FP201 1), ")
    assert "warning" not in result.stderr
    records = report(errors)
    assert [(r["path"], r["severity"]) for r in records] == [
        (str(pages / name), "error")
        for name in ("2-keywords.txt", "3-keywords.txt.gz", "4-date.txt")
    ]
    assert list(records[2]) == [  # issue 11: strict errors carry their code too
        "path", "line", "column", "section", "code", "message", "expected", "severity"
    ]  # fmt: skip


def test_lenient_still_fails_unreadable_pages_and_quiet_hides_warnings(
    pages: Path, tmp_path: Path, cli: Cli
) -> None:
    errors = tmp_path / "errors.jsonl"
    missing = tmp_path / "missing.txt"  # a dangling link: missing inputs are usage errors
    missing.symlink_to(tmp_path / "gone.txt")
    result = cli("convert", "--lenient", "-q", str(pages / "2-keywords.txt"), str(missing),
                 "--jsonl", str(tmp_path / "films.jsonl"), "--errors", str(errors))  # fmt: skip
    assert result.returncode == 1
    # -q: no warnings, no error paragraphs (they are in the report), one line of failures
    assert result.stderr == f"filmparse: 1 of 2 pages failed (FP901 1); see {errors}\n"
    records = report(errors)
    assert records[:2] == warnings_of(str(pages / "2-keywords.txt"))
    assert records[2]["path"] == str(missing)
    assert records[2]["severity"] == "error" and records[2]["section"] == "file"
    assert len((tmp_path / "films.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_summary_has_no_warnings_count_without_warnings(cli: Cli) -> None:
    result = cli("convert", "--lenient", str(REFERENCE), "--indent", "-1")
    assert result.returncode == 0
    match = SUMMARY.match(result.stderr.splitlines()[-1])
    assert match is not None and match.group(5) is None
    assert json.loads(result.stdout)["title"] == "Leaving Las Vegas"


def test_parse_many_lenient_gives_films_with_their_diagnostics(pages: Path) -> None:
    paths = sorted(pages.iterdir())
    films = [
        film
        for _, film in filmparse.parse_many(paths, jobs=1, strict=False)
        if isinstance(film, filmparse.Film)
    ]
    assert [[d.code for d in film.diagnostics] for film in films] == [
        [], ["FP101", "FP204"], ["FP101", "FP204"], ["FP201"]
    ]  # fmt: skip
    # With jobs > 1 Films come back pickled: their diagnostics (eq=False) must survive it.
    assert pickle.loads(pickle.dumps(films[1])).diagnostics == films[1].diagnostics
    limited = [result for _, result in filmparse.parse_many(paths, jobs=1, max_bytes=100)]
    assert all(isinstance(result, filmparse.FilmParseError) for result in limited)
    assert isinstance(limited[0], filmparse.FilmParseError) and limited[0].section == "file"
    strict = [result for _, result in filmparse.parse_many(paths, jobs=1)]
    assert [isinstance(result, filmparse.FilmParseError) for result in strict] == [
        False, True, True, True
    ]  # fmt: skip


# --- --max-bytes --------------------------------------------------------------------------


def test_max_bytes_refuses_larger_pages_plain_and_gzip(
    pages: Path, tmp_path: Path, cli: Cli
) -> None:
    small = tmp_path / "small.txt"
    small.write_text("Heat\n\nRuntime 170 minutes\n", encoding="utf-8")
    errors = tmp_path / "errors.jsonl"
    result = cli("convert", "--max-bytes", "20k", str(pages / "1-good.txt"),
                 str(pages / "3-keywords.txt.gz"), str(small), "--jsonl", "-",
                 "--errors", str(errors))  # fmt: skip
    assert result.returncode == 1
    assert [json.loads(row)["title"] for row in result.stdout.splitlines()] == ["Heat"]
    size_of_good = REFERENCE.stat().st_size
    assert report(errors) == [
        {
            "path": str(pages / "1-good.txt"), "line": 1, "column": 1, "section": "file",
            "code": "FP901",
            "message": f"the page is {size_of_good:,} bytes, over the limit of 20,000 bytes",
            "expected": "a page of at most 20,000 bytes", "severity": "error",
        },
        {
            "path": str(pages / "3-keywords.txt.gz"), "line": 1, "column": 1, "section": "file",
            "code": "FP901",
            "message": "the page decompresses to more than the limit of 20,000 bytes",
            "expected": "a page of at most 20,000 bytes", "severity": "error",
        },
    ]  # fmt: skip
    # The limit is inclusive, and the default lets the reference page through.
    exact = cli("convert", "--max-bytes", str(size_of_good), str(pages / "1-good.txt"))
    assert exact.returncode == 0, exact.stderr


def test_a_huge_sparse_file_is_refused_by_its_size_without_reading_it(
    tmp_path: Path, cli: Cli
) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50_000_000_000)  # sparse: takes no disk, but 50 GB to read
    result = cli("convert", str(huge))
    assert result.returncode == 1
    assert f"{huge}:1:1: [file] the page is 50,000,000,000 bytes, over the limit of " in (
        result.stderr
    )


def test_a_gzip_bomb_is_not_decompressed_past_the_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    with gzip.GzipFile(bomb, "wb", compresslevel=1) as handle:
        block = b"Heat\n" * 200_000  # 1 MB
        for _ in range(64):  # 64 MB, ~300 kB compressed
            handle.write(block)
    tracemalloc.start()
    try:
        with pytest.raises(filmparse.FilmParseError, match="more than the limit of 1,000,000"):
            read_page(str(bomb), 1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000
    assert len(read_page(str(bomb), None)) == 64_000_000  # None: no limit


@pytest.mark.parametrize(
    ("text", "expected"),
    [("123", 123), ("500k", 500_000), ("10M", 10_000_000), ("1G", 10**9), ("64kB", 64_000),
     (" 2 m ", 2_000_000)],
)  # fmt: skip
def test_sizes(text: str, expected: int) -> None:
    assert size(text) == expected


@pytest.mark.parametrize("text", ["0", "-1", "10x", "1.5M", "", "M", "10 MiB"])
def test_bad_sizes_are_usage_errors(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        size(text)


def test_bad_max_bytes_exits_2(cli: Cli) -> None:
    result = cli("convert", "--max-bytes", "ten", str(REFERENCE))
    assert result.returncode == 2
    assert "argument --max-bytes: expected a size in bytes" in result.stderr


# --- explain ------------------------------------------------------------------------------


def test_explain_the_reference_page() -> None:
    result = run("explain", str(REFERENCE))  # in a process of its own, as a user runs it
    assert result.returncode == 0, result.stderr
    shown = result.stdout.splitlines()
    assert shown[:9] == [
        "  1  Leaving Las Vegas                                 $.title",
        "  2",
        "  3  I Love You... The Way You Are.                    $.tagline",
        "  4",
        "  5  Release Date 1995-10-27                           $.release_date",
        "  6  Runtime 111 minutes                               $.runtime_minutes",
        "  7  Genres Drama, \xa0 Romance, \xa0                        $.genres[0] [1]",
        "  8  Status Released                                   $.status",
        "  9  Watch                                             label",
    ]
    assert shown[12] == (" 13  Ben Sanderson, an alcoholic Hollywood screenwri…  $.overview")
    assert shown[25] == (
        " 26  English US                                        "
        "$.translations[0].language .language_code .country_code"
    )
    assert shown[-1] == "lines: 820, values: 743, labels: 13, lines with diagnostics: 0"
    assert len(shown) == 821
    for number, line in enumerate(LINES, 1):  # every line, blank or beside what it fed
        if line.strip():
            assert len(shown[number - 1]) > 55, shown[number - 1]
        else:
            assert shown[number - 1] == f"{number:>3}"


def test_explain_a_damaged_gzip_page_exits_1(tmp_path: Path, cli: Cli) -> None:
    page = tmp_path / "damaged.txt.gz"
    page.write_bytes(gzip.compress(corrupted().encode("utf-8")))
    result = cli("explain", str(page))
    assert result.returncode == 1, result.stderr
    shown = result.stdout.splitlines()
    assert shown[276] == (
        "277  Keywords                                          $.extra_sections['Keywords']"
        "  heading  FP101 unknown section 'Keywords': its 2 line(s) are kept in extra_sections"
    )
    assert shown[277] == "278"
    assert shown[278].endswith(
        "$.extra_sections['Keywords'][0]  FP101 unknown section (see line 277)"
    )
    assert shown[293] == (
        "294  BEN No alcohol?                                   "
        "FP204 unparsed line: line 'BEN No alcohol?' fits no rule of this section"
    )
    assert shown[295].endswith("$.dialogue[5].speaker .text")
    assert shown[-1] == "lines: 825, values: 744, labels: 14, lines with diagnostics: 4"


def test_explain_stdin_shows_encoding_repairs(cli: Cli) -> None:
    page = "Café\n\nRuntime 1 minutes\n".encode("cp1252")
    result = cli("explain", "-", stdin=page)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "1  Café                                              $.title  FP001 not UTF-8: byte 0xe9 "
        "is not valid UTF-8: the page was read as Windows-1252",
        "2",
        "3  Runtime 1 minutes                                 $.runtime_minutes",
        "lines: 3, values: 2, labels: 0, lines with diagnostics: 1",
    ]


def test_explain_an_unreadable_page_exits_2(tmp_path: Path, cli: Cli) -> None:
    result = cli("explain", str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "nope.txt:1:1: [file] cannot read the file" in result.stderr
    big = cli("explain", "--max-bytes", "1k", str(REFERENCE))
    assert big.returncode == 2 and "over the limit of 1,000 bytes" in big.stderr
    piped = cli("explain", "--max-bytes", "1k", "-", stdin=REFERENCE.read_bytes())
    assert piped.returncode == 2
    assert "-:1:1: [file] the page on stdin is more than the limit of 1,000 bytes" in piped.stderr


@pytest.mark.parametrize("page", sorted((FIXTURES / "invalid").glob("*.txt")), ids=lambda p: p.stem)
def test_explain_leaves_no_line_unexplained(page: Path) -> None:
    result = explanation(page.read_bytes())
    assert result.unaccounted == ()
    assert UNACCOUNTED not in result.text
    assert result.diagnostics  # every invalid page has something to say
    assert result.text.splitlines()[-1].startswith(f"lines: {result.lines}, values: ")


def test_explain_of_an_empty_page_says_so() -> None:
    assert explain(b"") == (
        "   (past the last line)                              FP104 no title: the page is empty; "
        "title set to null; FP105 not a film page: no section heading, header line or fact "
        "line: this is not a film page\n"
        "lines: 0, values: 0, labels: 0, lines with diagnostics: 1\n"
    )


def test_explain_counts_line_endings_as_the_parser_does() -> None:
    # LF, CRLF and a lone CR end a line; U+0085 (NEL) does not, though str.splitlines says so.
    text = explain("Heat\r\rRuntime 170 minutes\r\nStatus Re\x85leased\n".encode())
    assert text.splitlines() == [
        "1  Heat                                              $.title",
        "2",
        "3  Runtime 170 minutes                               $.runtime_minutes",
        "4  Status Re�leased                                  $.status  "
        "FP003 control character removed: 1 control character(s) such as U+0085 removed",
        "lines: 4, values: 3, labels: 0, lines with diagnostics: 1",
    ]


def test_not_utf8_is_placed_on_the_parser_s_line() -> None:
    found: list[filmparse.Diagnostic] = []
    decode(b"Heat\r\rRuntime 170 minutes\r\nStatus \x85\n", found)
    assert [(d.code, d.line) for d in found] == [("FP001", 4)]


SNIPPETS = [
    "Overview", "Cast", "Reviews", "Media", "Where to Watch", "Keywords", "Wins", "Title:",
    '""', "7.0/10", "Budget $1", "Budget abc", "Vote Average 11/10", "A - 1995 B", "BEN:",
    "Clip", "English XX", "\u00a0", "\u200b", "\t", "Ã©tÃ©", "\x00", "",
]  # fmt: skip


@given(st.lists(st.sampled_from(SNIPPETS) | st.sampled_from(LINES), max_size=30))
def test_every_line_of_any_page_is_explained(lines: list[str]) -> None:
    result = explanation("\n".join(lines).encode("utf-8"))
    assert result.unaccounted == ()
    assert result.lines == len(lines) - (lines[-1:] == [""])


def test_offer_without_a_country_in_lenient_mode() -> None:
    film = filmparse.parse("Heat\n\nWhere to Watch\n\nrent\n", strict=False)
    assert [d.code for d in film.diagnostics] == ["FP204"]


# --- the pieces of explain ----------------------------------------------------------------


def test_shorten_runs_of_paths_of_one_entry() -> None:
    assert shorten(["$.dialogue[5].speaker", "$.dialogue[5].text"]) == [
        "$.dialogue[5].speaker", ".text"
    ]  # fmt: skip
    assert shorten(["$.genres[0]", "$.genres[1]", "$.genres[2]"]) == ["$.genres[0]", "[1]", "[2]"]
    assert shorten(["$.awards[1].outcome", "$.awards[2].outcome"]) == [
        "$.awards[1].outcome", "[2].outcome"
    ]  # fmt: skip
    assert shorten(["$.title", "$.tagline"]) == ["$.title", "$.tagline"]
    assert shorten(["$.extra_sections['a.b[1]']", "$.extra_sections['a.b[1]'][0]"]) == [
        "$.extra_sections['a.b[1]']", "[0]"
    ]  # fmt: skip


def test_fit_pads_cuts_and_keeps_the_terminal_sane() -> None:
    assert fit("abc", 6) == "abc   "
    assert fit("abcdefgh", 6) == "abcde…"
    assert fit("日本語の題名", 6) == "日本… "  # wide characters take two columns
    assert fit("\U0001f1fa\U0001f1f8\U0001f1e6\U0001f1f9 x", 4) == "\U0001f1fa\U0001f1f8… "
    assert fit("a\tb\x00c\u202ed", 8) == "a␉b␀cd  "  # no direction override reaches the terminal
