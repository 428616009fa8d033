"""The parts of a batch as a library: sources, the per-page worker, the sinks."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import filmparse
from conftest import FIXTURES, REFERENCE
from filmparse.engine import convert_page, convert_pages, crashed_job, ordered_map, page_worker
from filmparse.sinks import (
    RECORD,
    TEXT,
    ErrorReport,
    Job,
    JsonFiles,
    JsonText,
    PageResult,
    Planner,
    Sink,
    Sweeper,
)
from filmparse.sources import Page, file_error, read_at_most, too_big

BAD = FIXTURES / "invalid" / "impossible-date.txt"
GOLDEN = json.loads(REFERENCE.with_suffix(".json").read_text(encoding="utf-8"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def from_fixtures(path: str, max_bytes: int | None, *, folder: str) -> bytes:
    """A reader for pages named 'fixtures:NAME' (as a URL source would name them),
    read from a gzip copy of fixtures/<folder>/NAME.txt held in memory."""
    scheme, _, name = path.partition(":")
    if scheme != "fixtures" or not (FIXTURES / folder / f"{name}.txt").is_file():
        raise file_error(path, "no such fixture")
    packed = gzip.compress((FIXTURES / folder / f"{name}.txt").read_bytes())
    with gzip.GzipFile(fileobj=io.BytesIO(packed)) as unzipped:
        data = read_at_most(unzipped.read, max_bytes)
    if max_bytes is not None and len(data) > max_bytes:
        raise too_big(path, max_bytes, size=None)
    return data


class Collect:
    """A sink of the kind the table outputs are: it wants the export dicts."""

    needs = frozenset({RECORD})

    def __init__(self) -> None:
        self.results: list[PageResult] = []
        self.state = "new"

    def open(self) -> None:
        self.state = "open"

    def write(self, result: PageResult) -> None:
        assert self.state == "open"
        self.results.append(result)

    def commit(self) -> None:
        self.state = "committed"

    def abort(self) -> None:
        self.state = "aborted"


def test_the_worker_produces_only_what_the_sinks_need(tmp_path: Path) -> None:
    job = Job(Page(str(REFERENCE), "leaving-las-vegas"))
    text = convert_page(job, 2, needs=frozenset({TEXT}))
    record = convert_page(job, 2, needs=frozenset({RECORD}))
    both = convert_page(job, None, needs=frozenset({TEXT, RECORD}))
    assert text.record is None and record.text is None
    assert text.text is not None and json.loads(text.text) == record.record
    assert both.text is not None and both.text.count(b"\n") == 1  # indent None: one row
    assert json.loads(both.text) == both.record == record.record
    assert record.record is not None
    assert record.record.pop("source") == {"path": str(REFERENCE), "sha256": record.sha256}
    assert record.record == GOLDEN
    assert record.sha256 == sha256(REFERENCE.read_bytes())

    # A per-page file is written by the worker; only a sink that wants the text gets it back.
    target = tmp_path / "out" / "llv.json"
    written = convert_page(Job(job.page, output=str(target)), 2, needs=frozenset())
    assert written.ok and written.text is None and written.record is None
    assert target.read_bytes() == text.text


def test_a_failed_page_carries_the_sha256_of_its_bytes_when_it_could_be_read() -> None:
    bad = convert_page(Job(Page(str(BAD), "bad")), 2)
    assert bad.error is not None and (bad.error.line, bad.error.section) == (5, "header")
    assert bad.sha256 == sha256(BAD.read_bytes())
    assert bad.text is None and bad.record is None
    missing = convert_page(Job(Page(str(FIXTURES / "nope.txt"), "nope")), 2)
    assert missing.error is not None and missing.error.section == "file"
    assert missing.sha256 is None


def test_a_write_that_fails_is_the_page_s_error_not_the_run_s(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    result = convert_page(
        Job(Page(str(REFERENCE), "llv"), output=str(blocker / "llv.json")), 2, needs=frozenset()
    )
    assert result.error is not None and result.error.section == "output"
    assert result.sha256 == sha256(REFERENCE.read_bytes())


@pytest.mark.parametrize("jobs", [1, 2])
def test_pages_of_another_source_read_through_their_own_reader(jobs: int) -> None:
    reader = partial(from_fixtures, folder="valid")  # pickled to the workers with -j 2
    names = ["leaving-las-vegas", "nope", "leaving-las-vegas"]
    jobs_ = [Job(Page(f"fixtures:{name}", name, reader)) for name in names]
    work = page_worker(None, needs=frozenset({RECORD}))
    results = list(ordered_map(work, jobs_, jobs, crashed=crashed_job))
    assert [r.path for r in results] == [f"fixtures:{name}" for name in names]
    first, missing, again = results
    assert first.record is not None
    assert first.record.pop("source")["path"] == "fixtures:leaving-las-vegas"
    assert first.record == GOLDEN
    assert missing.error is not None and missing.error.message == "no such fixture"
    assert again.sha256 == first.sha256 == sha256(REFERENCE.read_bytes())
    limited = convert_page(Job(Page("fixtures:leaving-las-vegas", "x", reader)), 2, max_bytes=100)
    assert limited.error is not None
    assert limited.error.message == "the page decompresses to more than the limit of 100 bytes"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_new_sink_plugs_in_beside_the_others(tmp_path: Path, jobs: int) -> None:
    short = tmp_path / "heat.txt"
    short.write_text("Heat\n\nRuntime 170 minutes\n", encoding="utf-8")
    pages = [Page(str(path), path.stem) for path in (REFERENCE, BAD, short, REFERENCE)]
    rows, table = io.StringIO(), Collect()
    report = ErrorReport(str(tmp_path / "errors.jsonl"))
    sinks: list[Sink] = [JsonText(rows), table, report]
    for sink in sinks:
        sink.open()
    results = list(convert_pages(pages, sinks, jobs=jobs, total=len(pages)))
    for sink in sinks:
        sink.commit()

    assert table.state == "committed"
    assert table.results == results  # every sink sees every result, in input order
    assert [r.path for r in results] == [page.path for page in pages]
    texts = [r.text for r in results if r.ok]
    records = [r.record for r in results if r.ok]
    assert rows.getvalue().encode() == b"".join(t for t in texts if t is not None)
    assert [json.loads(t) for t in texts if t is not None] == records  # both from one export
    failed = [r for r in results if not r.ok]
    assert [r.path for r in failed] == [str(BAD)]
    assert failed[0].sha256 == sha256(BAD.read_bytes())
    report_rows = (tmp_path / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(row)["path"] for row in report_rows] == [str(BAD)]


def test_json_files_plan_names_resumes_and_sweeps(tmp_path: Path) -> None:
    out = tmp_path / "out"
    heard: list[tuple[str, str]] = []
    sink = JsonFiles(str(out), renamed=lambda page, wanted, target: heard.append((wanted, target)))
    assert isinstance(sink, Planner) and isinstance(sink, Sweeper) and sink.needs == frozenset()
    sink.open()
    pages = [Page("a/heat.txt", "heat"), Page("b/HEAT.txt", "HEAT"), Page("c.txt", "sub/c")]
    jobs = list(sink.plan(pages))
    assert [(job.output, job.kept) for job in jobs] == [
        (str(out / "heat.json"), None),
        (str(out / "HEAT.2.json"), None),  # one file on a case-insensitive disk
        (str(out / "sub" / "c.json"), None),
    ]
    assert heard == [(str(out / "HEAT.json"), str(out / "HEAT.2.json"))]
    (out / "heat.json").write_text("{}", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / ".c.json.filmparse-0123abcd.tmp").write_text("{", encoding="utf-8")
    resumed = JsonFiles(str(out), skip_existing=True)
    assert [job.kept for job in resumed.plan(pages)] == [b"", None, None]
    assert resumed.sweep() == 1
    assert sorted(p.name for p in out.rglob("*")) == ["heat.json", "sub"]


def test_jsonl_resume_keeps_the_rows_of_the_earlier_run(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    earlier = [{"source": {"path": "a.txt"}}, {"source": {"path": "c.txt"}}]
    rows.write_text("".join(json.dumps(row) + "\n" for row in earlier), encoding="utf-8")
    sink = JsonText(str(rows), resume=True)
    pages = [Page(name, name) for name in ("a.txt", "b.txt", "c.txt", "d.txt")]
    jobs = list(sink.plan(pages))
    assert [job.kept is not None for job in jobs] == [True, False, True, False]
    assert jobs[0].kept == (json.dumps(earlier[0]) + "\n").encode()
    sink.open()
    sink.write(PageResult("a.txt", text=jobs[0].kept, skipped=True))
    sink.write(PageResult("b.txt", text=b'{"b": 1}\n'))
    assert rows.read_text(encoding="utf-8").count("\n") == 2  # untouched until commit
    sink.abort()
    assert rows.read_text(encoding="utf-8").count("\n") == 2
    assert [p.name for p in tmp_path.iterdir()] == ["rows.jsonl"]  # no temp file left


def test_an_aborted_report_leaves_nothing_and_a_committed_one_appears_whole(
    tmp_path: Path,
) -> None:
    target = tmp_path / "errors.jsonl"
    bad = convert_page(Job(Page(str(BAD), "bad")), 2)
    for outcome in ("abort", "commit"):
        report = ErrorReport(str(target))
        report.open()
        report.write(bad)
        assert not target.exists()
        getattr(report, outcome)()
    record: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    assert (record["path"], record["line"], record["column"]) == (str(BAD), 5, 14)
    assert os.listdir(tmp_path) == ["errors.jsonl"]


def test_junk_fails_the_batch_in_lenient_mode_too(tmp_path: Path) -> None:
    """Issue 11: a random binary file and an HTML page are not films: lenient
    parse() keeps its promise (a Film with FP105/FP005), the batch counts them failed."""
    import random

    import filmparse
    from filmparse.engine._worker import load_page

    pages = tmp_path / "pages"
    pages.mkdir()
    junk = pages / "junk.txt"
    junk.write_bytes(random.Random(7).randbytes(3000))
    html = pages / "html.txt"
    html.write_text("<!DOCTYPE html>\n<html><body>Leaving Las Vegas</body></html>\n")
    good = pages / "good.txt"
    good.write_bytes(REFERENCE.read_bytes())
    for path in (junk, html):
        film = filmparse.parse_bytes(path.read_bytes(), strict=False)
        assert {d.code for d in film.diagnostics} & {"FP005", "FP105"}
        with pytest.raises(filmparse.FilmParseError) as caught:
            load_page(str(path), strict=False)
        assert caught.value.code in {"FP005", "FP105"}
        assert caught.value.path == str(path)
        assert caught.value.problems
    results = dict(filmparse.parse_many([junk, html, good], jobs=1, strict=False))
    assert isinstance(results[junk], filmparse.FilmParseError)
    assert isinstance(results[html], filmparse.FilmParseError)
    assert isinstance(results[good], filmparse.Film)


def test_fail_on_turns_chosen_warnings_into_failures(tmp_path: Path) -> None:
    from filmparse.engine._worker import load_page

    page = tmp_path / "bad.txt"
    text = REFERENCE.read_text(encoding="utf-8")
    page.write_text(text.replace("Vote Count", "Vote Count lots\nX", 1))
    assert load_page(str(page), strict=False)[1].diagnostics  # only warnings by default
    with pytest.raises(filmparse.FilmParseError) as caught:
        load_page(str(page), strict=False, fail_on={"all"})
    codes = [problem.code for problem in caught.value.problems]
    assert caught.value.code == codes[0]
    with pytest.raises(filmparse.FilmParseError):
        load_page(str(page), strict=False, fail_on={codes[-1]})
    assert load_page(str(page), strict=False, fail_on={"FP999"})[1].title
