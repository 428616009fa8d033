"""Batch conversion, driven end to end through the CLI on temporary folders."""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import filmparse
from conftest import FIXTURES, REFERENCE
from filmparse.atomic import AtomicFile, is_temp, sweep_temps, write_atomic
from filmparse.engine import ordered_map
from filmparse.sources import Page, find_pages, page_stem, read_page

BAD = FIXTURES / "invalid" / "impossible-date.txt"
VALIDATOR = Draft202012Validator(
    filmparse.json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
)


def variant(title: str) -> str:
    """The reference page under another title."""
    text = REFERENCE.read_text(encoding="utf-8")
    return text.replace("Leaving Las Vegas\n", f"{title}\n", 1)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "filmparse", *args],
        capture_output=True, text=True, encoding="utf-8", input=stdin, timeout=120,
    )  # fmt: skip


def start(*args: str) -> subprocess.Popen[str]:
    """The CLI in a process group of its own, so that it can be signalled whole."""
    return subprocess.Popen(
        [sys.executable, "-m", "filmparse", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def outputs(folder: Path) -> dict[str, dict[str, Any]]:
    """Every final JSON file below `folder` (temp files excluded), by relative path."""
    return {
        path.relative_to(folder).as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.rglob("*.json"))
        if not is_temp(path.name)
    }


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Good and bad pages in sub-folders.

    in/a/heat.txt  in/a/sub/casino.txt            good
    in/b/heat.txt                                 good, same stem as a/heat.txt
    in/b/zipped.txt.gz                            good, gzip
    in/b/bad.txt                                  fails to parse (line 5, column 14)
    in/b/corrupt.txt.gz                           unreadable: not gzip
    in/b/broken.txt                               unreadable: a dangling symlink
    in/b/notes.md  in/.hidden/x.txt               not pages: skipped
    """
    root = tmp_path / "in"
    write(root / "a" / "heat.txt", variant("Heat"))
    write(root / "a" / "sub" / "casino.txt", variant("Casino"))
    write(root / "b" / "heat.txt", variant("Heat (1986)"))
    (root / "b" / "zipped.txt.gz").write_bytes(gzip.compress(variant("Zipped").encode()))
    write(root / "b" / "bad.txt", BAD.read_text(encoding="utf-8"))
    (root / "b" / "corrupt.txt.gz").write_bytes(b"not gzip at all")
    (root / "b" / "broken.txt").symlink_to(tmp_path / "missing.txt")
    write(root / "b" / "notes.md", "not a page")
    write(root / ".hidden" / "x.txt", "not a page either")
    return root


def many(folder: Path, count: int) -> list[Path]:
    """`count` distinct good pages, p0000.txt ..."""
    return [write(folder / f"p{n:04d}.txt", variant(f"Film {n}")) for n in range(count)]


# --- the CLI, end to end ------------------------------------------------------------------


def test_folder_to_output_dir_with_error_report(tree: Path, tmp_path: Path) -> None:
    out, report = tmp_path / "out", tmp_path / "errors.jsonl"
    result = run("convert", str(tree), "-o", str(out), "--errors", str(report))

    assert result.returncode == 1, result.stderr
    written = outputs(out)
    # Sub-folders mirrored, so the two heat.txt do not collide; .gz read transparently.
    assert sorted(written) == ["a/heat.json", "a/sub/casino.json", "b/heat.json", "b/zipped.json"]
    assert [p.name for p in out.rglob("*") if p.is_file() and is_temp(p.name)] == []
    for name, record in written.items():
        assert list(VALIDATOR.iter_errors(record)) == [], name
        assert list(record)[-1] == "source"
    assert written["a/heat.json"]["title"] == "Heat"
    assert written["b/heat.json"]["title"] == "Heat (1986)"
    zipped = tree / "b" / "zipped.txt.gz"
    assert written["b/zipped.json"]["title"] == "Zipped"
    assert written["b/zipped.json"]["source"] == {
        "path": str(zipped),
        "sha256": sha256(gzip.decompress(zipped.read_bytes())),  # the page, not its gzip
    }
    heat = tree / "a" / "heat.txt"
    assert written["a/heat.json"]["source"] == {
        "path": str(heat),
        "sha256": sha256(heat.read_bytes()),
    }

    errors = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [(e["path"], e["line"], e["column"], e["section"]) for e in errors] == [
        (str(tree / "b" / "bad.txt"), 5, 14, "header"),
        (str(tree / "b" / "broken.txt"), 1, 1, "file"),
        (str(tree / "b" / "corrupt.txt.gz"), 1, 1, "file"),
    ]
    assert errors[0]["message"] == "impossible date '1995-02-30': day is out of range for month"
    assert errors[0]["expected"] == "a date such as 1995-10-27"
    assert errors[1]["message"] == "cannot read the file: No such file or directory"
    assert errors[2]["message"].startswith("not a valid gzip file")
    assert {e["severity"] for e in errors} == {"error"}

    assert f"{tree / 'b' / 'bad.txt'}:5:14: [header] impossible date" in result.stderr
    summary = result.stderr.strip().splitlines()[-1]
    # failures counted by code too (issue 11): two unreadable files, one bad date
    assert summary.startswith("pages: 7, ok: 4, failed: 3 (FP901 2, FP201 1), ")
    assert summary.endswith(" pages/s")
    assert "\r" not in result.stderr  # no progress bar when stderr is not a terminal
    assert "Traceback" not in result.stderr


def test_lenient_run_warns_of_bad_values_and_fails_only_unreadable_pages(
    tree: Path, tmp_path: Path
) -> None:
    out, report = tmp_path / "out", tmp_path / "errors.jsonl"
    result = run("convert", "--lenient", str(tree), "-o", str(out), "--errors", str(report))
    assert result.returncode == 1, result.stderr  # broken.txt and corrupt.txt.gz
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("pages: 7, ok: 5, failed: 2 (FP901 2), warnings: 1 (FP201 1), ")
    assert outputs(out)["b/bad.json"]["release_date"] is None
    errors = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [(e["path"], e["line"], e["severity"], e.get("code")) for e in errors] == [
        (str(tree / "b" / "bad.txt"), 5, "warning", "FP201"),
        (str(tree / "b" / "broken.txt"), 1, "error", "FP901"),  # issue 11: every error coded
        (str(tree / "b" / "corrupt.txt.gz"), 1, "error", "FP901"),
    ]


def test_all_good_exits_0_and_errors_file_is_empty(tmp_path: Path) -> None:
    many(tmp_path / "in", 3)
    report = tmp_path / "errors.jsonl"
    result = run(
        "convert", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--errors", str(report)
    )
    assert result.returncode == 0, result.stderr
    assert report.read_text(encoding="utf-8") == ""
    assert result.stderr.startswith("pages: 3, ok: 3, failed: 0, ")


def test_duplicate_stem_gets_a_numbered_name_and_a_warning(tree: Path, tmp_path: Path) -> None:
    first, second = tree / "a" / "heat.txt", tree / "b" / "heat.txt"
    out = tmp_path / "out"
    result = run("convert", str(first), str(second), "-o", str(out))
    assert result.returncode == 0, result.stderr
    written = outputs(out)
    assert sorted(written) == ["heat.2.json", "heat.json"]
    assert written["heat.json"]["source"]["path"] == str(first)
    assert written["heat.2.json"]["source"]["path"] == str(second)
    assert f"warning: {second}: {out / 'heat.json'} is taken by another page" in result.stderr
    # The same names again on a second run: resuming maps every page to the same file.
    again = run("convert", str(first), str(second), "-o", str(out), "--skip-existing")
    assert again.returncode == 0 and "skipped: 2" in again.stderr


def test_jsonl_rows_in_input_order_and_jobs_agree(tmp_path: Path) -> None:
    pages = many(tmp_path / "in", 40)
    explicit = write(tmp_path / "x" / "first.txt", variant("Given first"))
    rows = {}
    for jobs in ("1", "2"):
        target = tmp_path / f"j{jobs}.jsonl"
        result = run(
            "convert", str(explicit), str(tmp_path / "in"), "--jsonl", str(target), "-j", jobs
        )
        assert result.returncode == 0, result.stderr
        rows[jobs] = target.read_text(encoding="utf-8")
    assert rows["1"] == rows["2"]
    records = [json.loads(line) for line in rows["2"].splitlines()]
    assert [r["source"]["path"] for r in records] == [str(p) for p in [explicit, *pages]]
    assert [r["title"] for r in records] == ["Given first"] + [f"Film {n}" for n in range(40)]
    assert all(VALIDATOR.is_valid(record) for record in records)


def test_output_dir_is_the_same_with_one_or_two_jobs(tree: Path, tmp_path: Path) -> None:
    many(tree / "c", 20)
    for jobs in ("1", "2"):
        run("convert", str(tree), "-o", str(tmp_path / f"out{jobs}"), "-j", jobs)
    assert outputs(tmp_path / "out1") == outputs(tmp_path / "out2")
    assert len(outputs(tmp_path / "out1")) == 24


def test_jsonl_to_stdout_and_paths_from_stdin(tree: Path) -> None:
    listed = [tree / "b" / "zipped.txt.gz", tree / "b" / "bad.txt", tree / "a"]
    stdin = "".join(f"{path}\n" for path in listed)
    result = run("convert", "--files-from", "-", "--jsonl", "-", "--glob", "*.txt", stdin=stdin)
    assert result.returncode == 1, result.stderr
    sources = [json.loads(line)["source"]["path"] for line in result.stdout.splitlines()]
    a = tree / "a"
    assert sources == [str(listed[0]), str(a / "heat.txt"), str(a / "sub" / "casino.txt")]
    assert "pages: 4, ok: 3, failed: 1" in result.stderr


def test_glob_selects_files_in_folders(tree: Path, tmp_path: Path) -> None:
    result = run("convert", str(tree), "-o", str(tmp_path / "out"), "--glob", "heat.*")
    assert result.returncode == 0, result.stderr
    assert sorted(outputs(tmp_path / "out")) == ["a/heat.json", "b/heat.json"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "OUT", "--jsonl", "ROWS"], "not allowed with argument"),
        (["--skip-existing"], "--skip-existing needs -o DIR, --jsonl FILE or --parquet DIR"),
        (["--jsonl", "-", "--skip-existing"], "--skip-existing needs"),
        (["-j", "0"], "at least 1"),
        (["--glob", "*.nothing"], "no pages in"),
    ],
)
def test_usage_errors_exit_2(tree: Path, tmp_path: Path, args: list[str], message: str) -> None:
    names = {"OUT": str(tmp_path / "out"), "ROWS": str(tmp_path / "rows.jsonl")}
    args = [names.get(arg, arg) for arg in args]
    result = run("convert", str(tree), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "rows.jsonl").exists()


def test_an_output_that_cannot_be_opened_leaves_no_temp_file_of_the_others(
    tree: Path, tmp_path: Path
) -> None:
    blocker = write(tmp_path / "file", "a file where a folder should be")
    rows = tmp_path / "rows.jsonl"
    result = run("convert", str(tree), "--jsonl", str(rows), "--errors", str(blocker / "e.jsonl"))
    assert result.returncode == 2 and "cannot write" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "in"]


def test_empty_stdin_list_is_a_usage_error() -> None:
    result = run("convert", "--files-from", "-", "--jsonl", "-", stdin="")
    assert result.returncode == 2 and "the list of --files-from is empty" in result.stderr


def test_skip_existing_resumes_and_sweeps_stale_temp_files(tmp_path: Path) -> None:
    many(tmp_path / "in", 6)
    out = tmp_path / "out"
    assert run("convert", str(tmp_path / "in"), "-o", str(out)).returncode == 0
    (out / "p0001.json").unlink()  # as if the run had stopped before it
    write(out / "p0002.json", '{"kept": true}')  # proves the page is not converted again
    stale = write(out / ".p0001.json.filmparse-0123abcd.tmp", '{"schema_ver')  # a killed write
    result = run("convert", str(tmp_path / "in"), "-o", str(out), "--skip-existing")
    assert result.returncode == 0, result.stderr
    assert "removed 1 temporary files left by an interrupted run" in result.stderr
    assert "pages: 6, ok: 1, failed: 0, skipped: 5, " in result.stderr
    assert not stale.exists()
    assert outputs(out)["p0001.json"]["title"] == "Film 1"
    assert outputs(out)["p0002.json"] == {"kept": True}


def test_jsonl_resume_gives_the_file_of_an_uninterrupted_run(tree: Path, tmp_path: Path) -> None:
    many(tree / "c", 10)
    full, resumed = tmp_path / "full.jsonl", tmp_path / "resumed.jsonl"
    assert run("convert", str(tree), "--jsonl", str(full)).returncode == 1
    rows = full.read_text(encoding="utf-8").splitlines(keepends=True)
    resumed.write_text("".join(rows[:5]), encoding="utf-8")  # an interrupted run's prefix
    result = run("convert", str(tree), "--jsonl", str(resumed), "--skip-existing", "-j", "2")
    assert result.returncode == 1, result.stderr
    assert resumed.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")
    assert "skipped: 5" in result.stderr


def test_quiet_prints_one_line_of_failures_and_no_error_paragraphs(
    tree: Path, tmp_path: Path
) -> None:
    report = tmp_path / "errors.jsonl"
    result = run("convert", str(tree), "-o", str(tmp_path / "out"), "-q", "--errors", str(report))
    assert result.returncode == 1
    # The errors are in the report; on the terminal one line counts them.
    assert result.stderr == f"filmparse: 3 of 7 pages failed (FP901 2, FP201 1); see {report}\n"
    assert len(report.read_text(encoding="utf-8").splitlines()) == 3
    quiet_ok = run("convert", str(tree / "a"), "-o", str(tmp_path / "ok"), "-q")
    assert (quiet_ok.returncode, quiet_ok.stderr) == (0, "")


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    many(tmp_path / "in", 4)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    command = ["convert", str(tmp_path / "in"), "-o", str(tmp_path / "out")]
    process = subprocess.Popen(
        [sys.executable, "-m", "filmparse", *command], stdout=subprocess.DEVNULL, stderr=follower
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0
    text = seen.decode("utf-8", errors="replace")
    assert "4/4" in text and "page/s" in text  # tqdm's bar
    assert "pages: 4, ok: 4, failed: 0" in text


# --- killed and interrupted runs -------------------------------------------------------------


def _wait_for(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_killed_run_leaves_no_partial_output(tmp_path: Path) -> None:
    pages = many(tmp_path / "in", 300)
    out, rows = tmp_path / "out", tmp_path / "rows.jsonl"
    process = start("convert", str(tmp_path / "in"), "-o", str(out), "-j", "2", "--quiet")
    _wait_for(lambda: len(list(out.glob("*.json"))) >= 20)
    os.killpg(process.pid, signal.SIGKILL)  # the CLI, its forkserver and every worker
    process.wait(timeout=30)

    written = outputs(out)
    assert 20 <= len(written) < 300
    for name, record in written.items():  # every final file is whole and valid
        assert VALIDATOR.is_valid(record), name
    # Resuming finishes the job and sweeps whatever temp files the kill left.
    result = run("convert", str(tmp_path / "in"), "-o", str(out), "--skip-existing")
    assert result.returncode == 0, result.stderr
    assert f"skipped: {len(written)}" in result.stderr
    assert len(outputs(out)) == len(pages)
    assert [p.name for p in out.iterdir() if not p.name.endswith(".json")] == []

    # A JSONL file appears only whole: killed before the end, there is none.
    process = start("convert", str(tmp_path / "in"), "--jsonl", str(rows), "-j", "2")
    # Kill as soon as rows are being written to the temporary file.
    _wait_for(lambda: any(is_temp(p.name) and p.stat().st_size for p in tmp_path.iterdir()))
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert not rows.exists()


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process, from /proc/<pid>/stat."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:
            continue
        found[int(stat.parent.name)] = (int(parent), state)
    return found


def test_workers_exit_when_the_cli_alone_is_killed(tmp_path: Path) -> None:
    many(tmp_path / "in", 300)
    out = tmp_path / "out"
    process = start("convert", str(tmp_path / "in"), "-o", str(out), "-j", "2", "--quiet")
    _wait_for(lambda: len(list(out.glob("*.json"))) >= 5)
    helpers, table = {process.pid}, _processes()
    while grown := {pid for pid, (parent, _) in table.items() if parent in helpers} - helpers:
        helpers |= grown
    assert len(helpers) >= 4  # the CLI, the forkserver and two workers at least

    process.kill()  # SIGKILL to the CLI process only: nothing can clean up after it
    process.wait(timeout=30)

    def all_gone() -> bool:
        table = _processes()
        return all(table.get(pid, (0, "Z"))[1] == "Z" for pid in helpers)

    _wait_for(all_gone, seconds=20)


@pytest.mark.parametrize(
    ("stop", "status"),
    [
        # Ctrl-C: the terminal signals the whole foreground process group.
        (lambda process: os.killpg(process.pid, signal.SIGINT), 130),
        # kill, systemd, docker stop, timeout: SIGTERM to the command's process.
        (lambda process: process.terminate(), 143),
    ],
    ids=["ctrl-c", "sigterm"],
)
def test_interrupt_stops_cleanly_keeps_outputs_and_says_how_to_resume(
    tmp_path: Path, stop: Any, status: int
) -> None:
    many(tmp_path / "in", 500)
    out, report = tmp_path / "out", tmp_path / "errors.jsonl"
    process = start(
        "convert", str(tmp_path / "in"), "-o", str(out), "-j", "2", "--errors", str(report)
    )
    _wait_for(lambda: len(list(out.glob("*.json"))) >= 10)
    stop(process)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == status, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("filmparse: interrupted after ") and " of 500 pages; " in last
    assert last.endswith("run the same command with --skip-existing to resume")
    done = int(last.split("after ")[1].split(" of")[0])
    written = outputs(out)
    assert 1 <= done <= len(written) < 500  # pages still in hand were finished too
    assert len(written) >= 10
    assert all(VALIDATOR.is_valid(record) for record in written.values())
    assert report.read_text(encoding="utf-8") == ""
    assert "Traceback" not in stderr


# --- the engine, as a library -------------------------------------------------------------


def test_parse_many_yields_films_and_errors_in_input_order(tree: Path) -> None:
    paths: list[str | Path] = [
        tree / "a" / "heat.txt",
        str(tree / "b" / "bad.txt"),
        tree / "b" / "zipped.txt.gz",
        tree / "nope.txt",
    ]
    for jobs in (1, 2):
        results = list(filmparse.parse_many(iter(paths), jobs=jobs))
        assert [path for path, _ in results] == paths  # as given, str or Path
        heat, bad, zipped, missing = (value for _, value in results)
        assert isinstance(heat, filmparse.Film) and heat.title == "Heat"
        assert isinstance(zipped, filmparse.Film) and zipped.title == "Zipped"
        assert isinstance(bad, filmparse.FilmParseError)
        assert (bad.line, bad.column, bad.section, bad.path) == (5, 14, "header", paths[1])
        assert isinstance(missing, filmparse.FilmParseError) and missing.section == "file"
        assert missing.message == "cannot read the file: No such file or directory"


def test_parse_many_walks_folders_as_find_pages_does(tree: Path) -> None:
    # A folder was once an error ("this is a folder"): it is walked, like the CLI walks it.
    walked = [page.path for page in filmparse.find_pages([str(tree / "a")])]
    assert len(walked) >= 2 and walked[0] == str(tree / "a" / "heat.txt")
    for jobs in (1, 2):
        results = list(filmparse.parse_many([tree / "a"], jobs=jobs))
        assert [path for path, _ in results] == walked
        assert all(isinstance(value, filmparse.Film) for _, value in results)
    gz = [path for path, _ in filmparse.parse_many([tree / "b"], jobs=1, glob="zipped*")]
    assert gz == [str(tree / "b" / "zipped.txt.gz")]


def test_parse_many_refuses_no_workers() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        filmparse.parse_many([], jobs=0)


def die_on_three(item: int) -> int:
    """A worker function that kills its process on item 3 (as the OOM killer would)."""
    if item == 3:
        os._exit(1)
    return item * 10


def test_a_dying_worker_costs_only_its_own_item() -> None:
    results = ordered_map(die_on_three, range(12), 2, crashed=lambda item: -item, chunk=2)
    assert list(results) == [0, 10, 20, -3, 40, 50, 60, 70, 80, 90, 100, 110]


def test_ordered_map_reads_its_input_lazily() -> None:
    taken: list[int] = []

    def numbers() -> Iterator[int]:
        for n in range(10_000):
            taken.append(n)
            yield n

    results = ordered_map(abs, numbers(), 2, crashed=lambda item: item, chunk=4)
    assert next(results) == 0
    assert len(taken) <= 2 * 4 * 4  # jobs * chunk * tasks in flight per job
    results.close()


def test_find_pages_order_names_glob_and_exclusion(tree: Path, tmp_path: Path) -> None:
    out = tree / "b" / "out"  # an output folder inside an input folder is not read
    write(out / "old.txt", "an earlier output, not a page")
    pages = list(find_pages([str(tree)], exclude=out))
    assert pages == [
        Page(str(tree / "a" / "heat.txt"), "a/heat"),
        Page(str(tree / "a" / "sub" / "casino.txt"), "a/sub/casino"),
        Page(str(tree / "b" / "bad.txt"), "b/bad"),
        Page(str(tree / "b" / "broken.txt"), "b/broken"),
        Page(str(tree / "b" / "corrupt.txt.gz"), "b/corrupt"),
        Page(str(tree / "b" / "heat.txt"), "b/heat"),
        Page(str(tree / "b" / "zipped.txt.gz"), "b/zipped"),
    ]
    notes = tree / "b" / "notes.md"
    assert list(find_pages([str(notes)])) == [Page(str(notes), "notes")]  # named: always taken


@pytest.mark.parametrize(
    ("name", "stem"),
    [("a/page.txt", "page"), ("page.txt.gz", "page"), ("a.b.txt", "a.b"), ("page", "page")],
)
def test_page_stem(name: str, stem: str) -> None:
    assert page_stem(name) == stem


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(filmparse.FilmParseError, match="not a regular file"):
        read_page(str(fifo))


def test_atomic_writes_leave_no_temp_and_respect_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "x.json"
    write_atomic(target, "{}\n")
    assert target.read_text() == "{}\n"
    assert [p.name for p in target.parent.iterdir()] == ["x.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask

    handle = AtomicFile(tmp_path / "rows.jsonl")
    handle.write("half a ro")
    assert not (tmp_path / "rows.jsonl").exists()  # nothing at the final path until commit
    # A live writer's temporary file is no killed run's leftover: a sweep keeps it.
    assert sweep_temps(tmp_path, recursive=False, name="rows.jsonl") == 0
    handle.discard()
    assert [p.name for p in tmp_path.iterdir()] == ["deep"]
