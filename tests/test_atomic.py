"""write_atomic, the per-page write of `-o DIR`: whole or nothing, locked while
written, one random draw per process for its temporary names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from filmparse import atomic


def temps(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if atomic.is_temp(name))


@given(st.text())
def test_the_file_holds_the_text_and_no_temporary_file_is_left(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "sub" / "page.json"
        try:
            encoded = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: refused before any file exists
            with pytest.raises(UnicodeEncodeError):
                atomic.write_atomic(target, text)
            assert not target.parent.exists() or os.listdir(target.parent) == []
            return
        atomic.write_atomic(target, text)
        assert target.read_bytes() == encoded
        assert temps(target.parent) == []


def test_it_replaces_a_file_and_takes_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "page.json"
    target.write_text("old")
    old = os.umask(0o027)
    try:
        atomic.write_atomic(target, "new\n")
    finally:
        os.umask(old)
    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640  # a new file under the umask, renamed over
    current = os.umask(0)
    os.umask(current)
    atomic.write_atomic(tmp_path / "fresh.json", "x")
    assert (tmp_path / "fresh.json").stat().st_mode & 0o777 == 0o666 & ~current


def test_the_temporary_file_is_owned_while_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int | None, int | None, int]] = []
    replace = os.replace

    def spy(source: str, target: str) -> None:
        # what a sweep or a second run sees just before the rename
        seen.append(
            (
                atomic.owner(source),
                atomic.live_writer(target),
                atomic.sweep_temps(tmp_path, recursive=False),
            )
        )
        replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    atomic.write_atomic(tmp_path / "page.json", "text")
    assert seen == [(os.getpid(), os.getpid(), 0)]
    assert (tmp_path / "page.json").read_text() == "text"


def test_one_random_draw_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names: list[str] = []
    replace = os.replace

    def spy(source: str, target: str) -> None:
        names.append(os.path.basename(source).rsplit(atomic._MARK, 1)[1])
        replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    atomic.write_atomic(tmp_path / "a.json", "a")
    atomic.write_atomic(tmp_path / "b.json", "b")
    assert names[0] == names[1]
    assert names[0].startswith(f"{os.getpid()}-")
    monkeypatch.setattr(atomic, "_token", (os.getpid() + 1, "00000000"))  # as in a forked child
    atomic.write_atomic(tmp_path / "c.json", "c")
    assert names[2] != "00000000" and names[2].startswith(f"{os.getpid()}-")


def test_a_clash_draws_a_new_name_and_spares_the_other_file(tmp_path: Path) -> None:
    atomic.write_atomic(tmp_path / "warm.json", "")  # this process's token drawn
    clash = tmp_path / f".page.json{atomic._suffix()}"
    clash.write_text("another writer's")
    atomic.write_atomic(tmp_path / "page.json", "mine")
    assert (tmp_path / "page.json").read_text() == "mine"
    assert clash.read_text() == "another writer's"
    assert temps(tmp_path) == [clash.name]


def test_a_failed_rename_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "page.json").mkdir()  # a folder where the file should go
    with pytest.raises(IsADirectoryError):
        atomic.write_atomic(tmp_path / "page.json", "text")
    assert temps(tmp_path) == []
