"""A chunk's JSON texts from a worker to the main process through a spool file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from filmparse.engine._spool import PREFIX, Spooled, spool_chunk, spool_folder, unspool
from filmparse.sinks._base import Job, PageResult
from filmparse.sources import Page


def jobs(count: int) -> list[Job]:
    return [Job(Page(f"p{n}.txt", f"p{n}")) for n in range(count)]


def texts_of(job_list: list[Job]) -> list[PageResult]:
    """A result a job, every third one failed (no text), the texts of varied sizes."""
    return [
        PageResult(job.page.path) if n % 3 == 1
        else PageResult(job.page.path, text=(f"{n}:" + "x" * (9_000 + 997 * n) + "\n").encode())
        for n, job in enumerate(job_list)
    ]  # fmt: skip


def test_texts_cross_through_a_file_and_come_back_whole(tmp_path: Path) -> None:
    expected = texts_of(jobs(30))
    packed = spool_chunk(texts_of, str(tmp_path), jobs(30))
    assert isinstance(packed, Spooled)
    assert all(result.text is None for result in packed.results)  # the pipe carries none
    assert [p.name for p in tmp_path.iterdir()] == [Path(packed.path).name]
    assert unspool(packed) == expected
    assert list(tmp_path.iterdir()) == []  # removed once read


def test_small_chunks_stay_in_the_pipe(tmp_path: Path) -> None:
    few = jobs(2)
    assert spool_chunk(texts_of, str(tmp_path), few) == texts_of(few)
    assert unspool(texts_of(few)) == texts_of(few)
    assert list(tmp_path.iterdir()) == []


def test_a_spool_that_cannot_be_written_falls_back_to_the_pipe(tmp_path: Path) -> None:
    gone = tmp_path / "missing"  # a full or vanished tmpfs: the write fails
    assert spool_chunk(texts_of, str(gone), jobs(30)) == texts_of(jobs(30))


def test_more_texts_than_one_writev_takes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Short writes and the IOV_MAX limit: every byte still lands, in order.
    def short_writev(fd: int, pieces: list[memoryview]) -> int:
        data = b"".join(pieces[:3])  # the kernel took 3 pieces, less the last 5 bytes
        return os.write(fd, data[: max(1, len(data) - 5)])

    monkeypatch.setattr(os, "sysconf", lambda name: 7)
    monkeypatch.setattr(os, "writev", short_writev)
    expected = texts_of(jobs(30))
    packed = spool_chunk(texts_of, str(tmp_path), jobs(30))
    assert isinstance(packed, Spooled)
    assert unspool(packed) == expected


def test_a_cut_spool_file_is_an_error_not_a_short_row(tmp_path: Path) -> None:
    packed = spool_chunk(texts_of, str(tmp_path), jobs(30))
    assert isinstance(packed, Spooled)
    os.truncate(packed.path, 1000)
    with pytest.raises(OSError, match="cut short"):
        unspool(packed)


def test_the_folder_goes_with_its_run_and_dead_runs_folders_are_swept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(os.path, "isdir", lambda path: False)  # no /dev/shm
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f"{PREFIX}{dead.pid}-old").mkdir()
    (tmp_path / f"{PREFIX}{dead.pid}-old" / "1-0").write_bytes(b"left by a killed run")
    alive = tmp_path / f"{PREFIX}{os.getppid()}-running"  # another run, still going
    alive.mkdir()
    with spool_folder() as folder:
        assert Path(folder).parent == tmp_path
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, Path(folder).name])
    assert [p.name for p in tmp_path.iterdir()] == [alive.name]


def test_a_killed_run_leaves_its_spool_to_the_next_one(tmp_path: Path) -> None:
    from test_batch import many, start

    many(tmp_path / "in", 600)
    shm = os.access("/dev/shm", os.W_OK)
    spools = Path("/dev/shm") if shm else Path(tempfile.gettempdir())
    process = start("convert", str(tmp_path / "in"), "--jsonl", str(tmp_path / "rows.jsonl"),
                    "-j", "2", "--quiet")  # fmt: skip
    mine = f"{PREFIX}{process.pid}-"
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(mine) for p in spools.iterdir()):
        assert time.monotonic() < deadline, "the run made no spool folder"
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert any(p.name.startswith(mine) for p in spools.iterdir())  # nobody left to remove it
    with spool_folder():
        assert not any(p.name.startswith(mine) for p in spools.iterdir())
