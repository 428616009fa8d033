"""Reliability of `convert` and the engine (issues 10 and 11): outputs never replace
inputs, hostile file names and folders, full disks, dying workers, signals, a closed
stdout, the library from a plain script.  Faults are real (a tmpfs mounted here, or a
file size limit; /dev/full; processes killed by pid) and every wait is bounded."""

from __future__ import annotations

import json
import os
import random
import re
import resource
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path

import pytest

import filmparse
from conftest import FIXTURES, REFERENCE
from filmparse.atomic import AtomicFile, owner, sweep_temps
from filmparse.engine import ordered_map
from filmparse.sources import original_bytes, source_path

COMMAND = [sys.executable, "-m", "filmparse"]
BAD = FIXTURES / "invalid" / "impossible-date.txt"
LIMIT = 64 * 1024  # the small disk


def run(
    *args: str, stdin: bytes | None = None, **options: object
) -> subprocess.CompletedProcess[bytes]:
    result: subprocess.CompletedProcess[bytes] = subprocess.run(  # type: ignore[call-overload]
        [*COMMAND, *args], input=stdin, capture_output=True, timeout=120, check=False, **options
    )
    return result


def pages(folder: Path, count: int, *, bad: int = 0) -> Path:
    """`count` good pages (and `bad` failing ones first, by name) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    good = REFERENCE.read_bytes()
    for number in range(bad):
        (folder / f"a-bad-{number:04d}.txt").write_bytes(BAD.read_bytes())
    for number in range(count):
        (folder / f"p{number:04d}.txt").write_bytes(good)
    return folder


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def descendants(pid: int) -> list[int]:
    """The processes below `pid`, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rpartition(")")[2].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, of in parents.items() if of == parent]
        found.extend(children)
        frontier.extend(children)
    return found


def workers(pid: int) -> list[int]:
    """The pool's workers: grandchildren of the command (children of its forkserver)."""
    children = set(descendants(pid))
    direct = {child for child in children if _parent(child) == pid}
    return sorted(children - direct)


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except OSError:
        return None


def pages_done(stderr: bytes) -> int:
    """N of the command's 'interrupted after N' message (which must be there)."""
    found = re.search(rb"interrupted after (\d+) ", stderr)
    assert found is not None, stderr[-500:]
    return int(found[1])


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# -- outputs never replace inputs ------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["p.txt", "--jsonl", "p.txt"],
        ["p.txt", "--errors", "p.txt"],
        ["p.txt", "-o", "p.txt"],
        ["dir", "--jsonl", "dir/films.txt"],
        ["dir", "--errors", "dir/sub/errors.txt"],
        ["dir", "--glob", "*", "-o", "dir"],
        ["dir/q.txt", "--jsonl", "./dir/../dir/q.txt"],
    ],
)
def test_an_output_that_would_replace_an_input_is_a_usage_error(
    tmp_path: Path, args: list[str]
) -> None:
    page = REFERENCE.read_bytes()
    (tmp_path / "p.txt").write_bytes(page)
    pages(tmp_path / "dir" / "sub", 1)
    (tmp_path / "dir" / "q.txt").write_bytes(page)
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    result = run("convert", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert b"would replace a page" in result.stderr
    after = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    assert after == before  # nothing written, nothing replaced


def test_outputs_beside_the_inputs_are_still_allowed(tmp_path: Path) -> None:
    pages(tmp_path / "dir", 2)
    result = run(
        "convert", "dir", "--jsonl", "dir/films.jsonl", "--errors", "dir/.errors.txt", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert len(rows(tmp_path / "dir" / "films.jsonl")) == 2


def test_a_missing_input_is_a_usage_error_before_any_work(tmp_path: Path) -> None:
    pages(tmp_path / "dir", 1)
    result = run("convert", "dir", "nosuchdir/", "-o", "x", cwd=tmp_path)
    assert result.returncode == 2
    assert b"nosuchdir/: no such file or folder" in result.stderr
    assert not (tmp_path / "x").exists()


# -- hostile names and folders -----------------------------------------------------------


def _non_utf8_tree(tmp_path: Path) -> tuple[Path, bytes]:
    folder = pages(tmp_path / "in", 4)
    raw = os.fsencode(folder) + b"/caf\xe9.txt"
    with open(raw, "wb") as handle:
        handle.write(REFERENCE.read_bytes())
    return folder, raw


@pytest.mark.parametrize("where", ["-o", "--jsonl FILE", "--jsonl -"])
def test_a_file_name_that_is_not_utf8_converts_and_is_kept_in_source_path(
    tmp_path: Path, where: str
) -> None:
    folder, raw = _non_utf8_tree(tmp_path)
    out = tmp_path / "out"
    if where == "-o":
        result = run("convert", str(folder), "-o", str(out), "-j", "1", "--indent", "-1")
        texts = [path.read_bytes() for path in sorted(out.iterdir())]
        assert os.fsencode(out) + b"/caf\xe9.json" in [os.fsencode(p) for p in out.iterdir()]
    elif where == "--jsonl FILE":
        result = run("convert", str(folder), "--jsonl", str(out))
        texts = out.read_bytes().splitlines()
    else:
        result = run("convert", str(folder), "--jsonl", "-")
        texts = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert len(texts) == 5
    paths = [json.loads(text.decode("utf-8"))["source"]["path"] for text in texts]  # valid UTF-8
    written = os.fsdecode(raw)
    assert source_path(written) in paths
    assert source_path(written).endswith("/caf\\xe9.txt")
    assert original_bytes(source_path(written)) == raw  # lossless
    for text in texts:
        assert filmparse.schema.problems(json.loads(text)) == []


def test_the_error_report_of_a_non_utf8_name_is_valid_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/bad\xff.txt", "wb") as handle:
        handle.write(BAD.read_bytes())
    report = tmp_path / "errors.jsonl"
    result = run("convert", str(folder), "--jsonl", "-", "--errors", str(report))
    assert result.returncode == 1
    (record,) = rows(report)
    assert record["path"] == f"{folder}/bad\\xff.txt"


def test_a_symlink_loop_is_a_failed_entry_and_the_others_convert(tmp_path: Path) -> None:
    folder = pages(tmp_path / "in", 3)
    (folder / "l1").symlink_to("l2")
    (folder / "l2").symlink_to("l1")
    report = tmp_path / "errors.jsonl"
    result = run("convert", str(folder), "-o", str(tmp_path / "out"), "--errors", str(report))
    assert result.returncode == 1, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"pages: 5, ok: 3, failed: 2" in result.stderr
    assert len(list((tmp_path / "out").iterdir())) == 3
    assert {record["path"] for record in rows(report)} == {f"{folder}/l1", f"{folder}/l2"}
    found = [page.path for page in filmparse.find_pages([str(folder)])]
    assert found == [f"{folder}/{name}" for name in ("l1", "l2", "p0000.txt", "p0001.txt")] + [
        f"{folder}/p0002.txt"
    ]


# -- two runs, one output ----------------------------------------------------------------


def test_a_sweep_removes_only_temp_files_no_live_process_owns(tmp_path: Path) -> None:
    live = AtomicFile(tmp_path / "films.jsonl")  # this process is writing it
    live.write("{}\n")
    stale = tmp_path / ".films.jsonl.filmparse-999999999-0123abcd.tmp"  # a dead owner
    stale.write_text("{", encoding="utf-8")
    old_style = tmp_path / ".films.jsonl.filmparse-89abcdef.tmp"  # an earlier version's
    old_style.write_text("{", encoding="utf-8")
    assert owner(live.temp) == os.getpid()
    assert owner(stale) is None
    assert sweep_temps(tmp_path, recursive=False, name="films.jsonl") == 2
    assert os.path.exists(live.temp) and not stale.exists() and not old_style.exists()
    live.commit()
    assert (tmp_path / "films.jsonl").read_text(encoding="utf-8") == "{}\n"


@pytest.mark.slow
def test_a_second_run_on_the_same_jsonl_refuses_and_the_first_is_whole(tmp_path: Path) -> None:
    folder = pages(tmp_path / "in", 600)
    out = tmp_path / "films.jsonl"
    first = subprocess.Popen(
        [*COMMAND, "convert", str(folder), "--jsonl", str(out), "-j", "2", "-q"],
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: any(p.name.startswith(".films.jsonl.") for p in tmp_path.iterdir()))
        second = run("convert", str(folder), "--jsonl", str(out), "-q")
        assert first.poll() is None, "the first run must still be going"
        assert second.returncode == 2
        assert f"another filmparse run (pid {first.pid}) is writing it".encode() in second.stderr
        assert first.wait(timeout=120) == 0
    finally:
        first.kill()
        first.wait()
    assert len(rows(out)) == 600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# -- full disks ---------------------------------------------------------------------------


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails: EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


@contextmanager
def small_disk(folder: Path) -> Iterator[Callable[[], None] | None]:
    """A 64 KiB tmpfs at `folder` where root may mount one (yields None); else a
    64 KiB file size limit for the command (yields its preexec_fn)."""
    folder.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={LIMIT}", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        yield None if mounted else _limit_file_size
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("output", ["--jsonl", "--errors"])
def test_a_full_disk_is_a_clean_error_and_leaves_nothing(tmp_path: Path, output: str) -> None:
    folder = pages(tmp_path / "in", 4)
    with small_disk(tmp_path / "disk") as limit:
        target = tmp_path / "disk" / "out.jsonl"
        if output == "--jsonl":
            args = ["convert", str(folder), "--jsonl", str(target)]
            stdin = None
        else:  # 2,000 unreadable pages: a report of some 300 KB
            args = ["convert", "--files-from", "-", "--jsonl", str(tmp_path / "films.jsonl")]
            args.append("--errors")
            args.append(str(target))
            stdin = "".join(f"{tmp_path}/{'x' * 100}-{n}.txt\n" for n in range(2000)).encode()
        result = run(*args, stdin=stdin, preexec_fn=limit)
        assert result.returncode == 1, result.stderr
        assert b"Traceback" not in result.stderr
        assert f"error: cannot write {target}: ".encode() in result.stderr
        assert b"no output file of this run was kept" in result.stderr
        assert list(target.parent.iterdir()) == []  # no output, no temporary file
        assert not (tmp_path / "films.jsonl").exists()


def test_a_full_disk_under_the_report_of_an_output_folder_keeps_the_page_files(
    tmp_path: Path,
) -> None:
    folder = pages(tmp_path / "in", 2)
    with small_disk(tmp_path / "disk") as limit:
        report = tmp_path / "disk" / "errors.jsonl"
        stdin = "".join(f"{tmp_path}/{'x' * 100}-{n}.txt\n" for n in range(2000)).encode()
        out = tmp_path / "out"
        args = ["convert", str(folder), "--files-from", "-", "-o", str(out),
                "--errors", str(report), "-j", "1"]  # fmt: skip
        result = run(*args, stdin=stdin, preexec_fn=limit)
        assert result.returncode == 1, result.stderr
        assert b"Traceback" not in result.stderr
        assert b"; the page files written so far are whole" in result.stderr
        assert list(report.parent.iterdir()) == []
        assert sorted(path.name for path in out.iterdir()) == ["p0000.json", "p0001.json"]


def test_a_full_stdout_is_a_clean_error(tmp_path: Path) -> None:
    folder = pages(tmp_path / "in", 3)
    report = tmp_path / "errors.jsonl"
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [*COMMAND, "convert", str(folder), "--jsonl", "-", "--errors", str(report)],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr and b"Exception ignored" not in result.stderr
    assert b"error: cannot write <stdout>: No space left on device" in result.stderr
    assert not report.exists()


# -- a closed stdout ----------------------------------------------------------------------


def test_a_closed_stdout_ends_quietly_and_keeps_the_error_report(tmp_path: Path) -> None:
    folder = pages(tmp_path / "in", 40, bad=2)
    report = tmp_path / "errors.jsonl"
    command = subprocess.Popen(
        [*COMMAND, "convert", str(folder), "--jsonl", "-", "--errors", str(report), "-j", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert command.stdout is not None and command.stderr is not None
    assert json.loads(command.stdout.readline())["title"] == "Leaving Las Vegas"
    command.stdout.close()  # `| head -1`
    assert command.wait(timeout=60) == 1
    stderr = command.stderr.read()  # the two pages' errors, and nothing else
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr
    assert stderr.count(b"filmparse: error: ") == 2
    assert [record["path"] for record in rows(report)] == [
        f"{folder}/a-bad-0000.txt",
        f"{folder}/a-bad-0001.txt",
    ]


# -- dying workers and stopping --------------------------------------------------------------

HALF_WRITTEN = '''
import gc, os, struct
from multiprocessing.queues import SimpleQueue

def half_written(item: int) -> int:
    """Item 3 dies in the middle of writing its result: a header, one byte, exit."""
    if item == 3:
        queue = next(o for o in gc.get_objects() if isinstance(o, SimpleQueue))
        os.write(queue._writer.fileno(), struct.pack("!i", 1 << 20) + b"\\x80")
        os._exit(1)
    return item * 10
'''


def test_a_worker_that_dies_writing_its_result_never_hangs_the_parent(tmp_path: Path) -> None:
    (tmp_path / "halfway.py").write_text(HALF_WRITTEN, encoding="utf-8")
    script = textwrap.dedent(
        """
        from filmparse.engine import ordered_map
        from halfway import half_written
        print(list(ordered_map(half_written, range(8), 2, crashed=lambda item: -1)))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[0, 10, 20, -1, 40, 50, 60, 70]"
    assert time.monotonic() - started < 30


def sleepy(item: int) -> int:
    time.sleep(60)
    return item


def test_stop_ends_the_pool_at_once_whatever_the_work_in_hand() -> None:
    started = time.monotonic()
    results = list(
        ordered_map(
            sleepy,
            range(4),
            2,
            crashed=lambda item: -1,
            stop=lambda: time.monotonic() - started > 0.5,
        )
    )
    assert results == []
    assert time.monotonic() - started < 10


@pytest.mark.slow
def test_killing_a_worker_by_pid_never_hangs_convert(tmp_path: Path) -> None:
    # The kill comes within 0.3 s of the first rows, and 1,500 pages take more
    # than a second at -j 2 (32 pages a task, four tasks in flight per worker),
    # so it lands while pages are in hand.
    folder = pages(tmp_path / "in", 1500)
    out = tmp_path / "films.jsonl"
    flowing = partial(_rows_written, out)
    killed = 0
    for attempt in range(4):
        command = subprocess.Popen(
            [*COMMAND, "convert", str(folder), "--jsonl", str(out), "-j", "2", "-q"],
            stderr=subprocess.PIPE,
        )
        try:
            wait_for(lambda command=command: len(workers(command.pid)) >= 2)  # type: ignore[misc]
            wait_for(flowing)
            time.sleep(random.uniform(0.0, 0.3))
            victims = workers(command.pid)
            if victims:
                try:
                    os.kill(random.choice(victims), signal.SIGKILL)
                    killed += 1
                except ProcessLookupError:  # the run ended between the listing and the kill
                    pass
            assert command.wait(timeout=60) == 0, f"run {attempt}"
        finally:
            command.kill()
            command.wait()
        assert len(rows(out)) == 1500
    assert killed >= 3  # most runs lost a worker mid-run, and none hung or lost a page


def _rows_written(out: Path) -> bool:
    """Whether the JSONL output's temporary file has its first rows (or the run
    is over: the file is in place)."""
    for temp in out.parent.glob(f".{out.name}.filmparse-*.tmp"):
        with suppress(FileNotFoundError):  # renamed into place since the listing
            if temp.stat().st_size > 0:
                return True
    return out.exists()


@pytest.mark.slow
def test_sigterm_always_ends_the_run_within_seconds(tmp_path: Path) -> None:
    folder = pages(tmp_path / "in", 4000)  # some 10 s of work: still going at the signal
    out = tmp_path / "films.jsonl"
    for attempt in range(5):
        command = subprocess.Popen(
            [*COMMAND, "convert", str(folder), "--jsonl", str(out), "-j", "2"],
            stderr=subprocess.PIPE,
        )
        try:
            wait_for(lambda: any(tmp_path.glob(".films.jsonl.filmparse-*.tmp")))  # started
            time.sleep(random.uniform(0.0, 1.0))
            command.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            assert command.wait(timeout=20) == 143, f"run {attempt}"
            assert time.monotonic() - signalled < 8
        finally:
            command.kill()
            command.wait()
        assert command.stderr is not None
        done = pages_done(command.stderr.read())
        assert len(rows(out)) == done < 4000  # whole rows, every page done


@pytest.mark.slow
def test_sigint_to_the_whole_group_writes_the_report_and_says_interrupted(
    tmp_path: Path,
) -> None:
    folder = pages(tmp_path / "in", 6000, bad=3)  # more than 2 s of work, start-up included
    report = tmp_path / "errors.jsonl"
    for attempt in range(5):
        timeout = ["timeout", "--preserve-status", "-s", "INT", "2"]
        outputs = ["--jsonl", str(tmp_path / "films.jsonl"), "--errors", str(report)]
        result = subprocess.run(
            [*timeout, *COMMAND, "convert", str(folder), *outputs, "-j", "2"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 130, (attempt, result.stderr[-500:])
        assert b"aborted" not in result.stderr
        assert len(rows(report)) == min(3, pages_done(result.stderr)), attempt  # bad pages first


# -- the library in a plain script --------------------------------------------------------


@pytest.mark.parametrize("how", ["script", "-c"])
def test_parse_many_with_workers_from_a_script_without_a_main_guard(
    tmp_path: Path, how: str
) -> None:
    folder = pages(tmp_path / "in", 6)
    code = (
        "import filmparse, sys\n"
        f"results = list(filmparse.parse_many([{str(folder)!r}], jobs=2))\n"
        "print(len(results), sum(isinstance(f, filmparse.Film) for _, f in results))\n"
    )
    (tmp_path / "plain.py").write_text(code, encoding="utf-8")
    args = [str(tmp_path / "plain.py")] if how == "script" else ["-c", code]
    result = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "6 6\n"
    assert "bootstrapping" not in result.stderr


def test_version_from_the_package_metadata() -> None:
    from importlib.metadata import version

    assert filmparse.__version__ == version("filmparse")
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.decode() == f"filmparse {version('filmparse')}\n"


def test_a_one_page_convert_imports_no_pool_and_no_progress_bar(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    result = run("convert", str(REFERENCE), "--jsonl", "-", env=env)
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip() for line in result.stderr.decode().splitlines()}
    assert "filmparse.cli" in imported  # the import times were recorded
    for heavy in ("tqdm", "concurrent.futures", "multiprocessing"):
        assert heavy not in imported


def test_a_fifo_named_as_an_output_is_written_to_not_replaced(tmp_path: Path) -> None:
    """A device or FIFO given as --jsonl/--errors (/dev/null, /dev/stdout, a pipe)
    is written straight to: the temp + rename of a regular file replaced it with
    a regular file (found replacing /dev/full and a FIFO)."""
    import threading

    fifo = tmp_path / "rows.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = run("convert", str(REFERENCE), "--jsonl", str(fifo))
    reader.join(timeout=60)
    assert not reader.is_alive()
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still the pipe
    rows = got[0].decode("utf-8").splitlines()
    assert len(rows) == 1 and json.loads(rows[0])["title"] == "Leaving Las Vegas"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["rows.fifo"]  # no temp file
