"""`filmparse convert --scheduler`: the options, the usage errors, and the command
end to end on a local cluster of two worker processes (slow), from a local
folder and from s3:// (moto's server), against `convert --jsonl` here."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import fsspec
import pytest

from conftest import FIXTURES
from dask_support import S3, copy_fixtures, make_pages, one_machine, read_parts, table_rows
from filmparse.cli import main
from filmparse.cli._distributed import storage_option, storage_options

pytest_plugins = ["conftest_dask"]
WAIT = 120.0


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("anon=true", ("anon", True)),
        ("anon=False", ("anon", False)),
        ("max_concurrency=8", ("max_concurrency", 8)),
        ("timeout=1.5", ("timeout", 1.5)),
        ("token=null", ("token", None)),
        ("endpoint_url=http://127.0.0.1:9000", ("endpoint_url", "http://127.0.0.1:9000")),
        ("key=a=b", ("key", "a=b")),
        ("profile=0123abc", ("profile", "0123abc")),
        ('name="8"', ("name", '"8"')),  # only scalars are typed: the text as given
    ],
)
def test_storage_options_are_typed(text: str, pair: tuple[str, Any]) -> None:
    assert storage_option(text) == pair
    assert type(storage_option(text)[1]) is type(pair[1])


def test_dotted_storage_options_nest() -> None:
    pairs = [storage_option("anon=false"), storage_option("client_kwargs.endpoint_url=http://x"),
             storage_option("client_kwargs.region_name=eu")]  # fmt: skip
    assert storage_options(pairs) == {
        "anon": False, "client_kwargs": {"endpoint_url": "http://x", "region_name": "eu"},
    }  # fmt: skip


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--scheduler", "local", "-o", "out"], "-o DIR (a file per page) does not go with"),
        (["--scheduler", "local", "--jsonl", "-"], "--jsonl - (stdout) does not go with"),
        (["--scheduler", "local"], "give --jsonl, --parquet or --errors"),
        (["--jsonl", "x.jsonl", "--storage-option", "anon=true"], "--storage-option needs"),
        (["--jsonl", "x.jsonl", "--pages-per-partition", "5"], "--pages-per-partition needs"),
        (["--storage-option", "anon"], "expected KEY=VALUE"),
        (["--scheduler", "local", "--pages-per-partition", "0", "--jsonl", "o"], "at least 1"),
    ],
)
def test_usage_errors_exit_2(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert message in _usage_error(["convert", str(FIXTURES), *extra], capsys)
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_missing_extra_is_a_usage_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    argv = ["convert", str(FIXTURES), "--scheduler", "local", "--jsonl", str(tmp_path / "o")]
    assert "pip install 'filmparse[dask]'" in _usage_error(argv, capsys)
    monkeypatch.undo()
    monkeypatch.setitem(sys.modules, "s3fs", None)
    monkeypatch.delitem(sys.modules["fsspec.registry"]._registry, "s3", raising=False)
    argv = ["convert", "s3://bucket/pages/", "--scheduler", "local", "--jsonl", "s3://b/o/"]
    assert "pip install 'filmparse[s3]'" in _usage_error(argv, capsys)
    assert not (tmp_path / "o").exists()


def _filmparse(*argv: str, **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "filmparse", "convert", *argv],
        capture_output=True, text=True, timeout=300, **options,
    )  # fmt: skip


def _counts(summary: str) -> str:
    """The summary line less its rate (the same counts on both engines)."""
    return summary.strip().splitlines()[-1].rsplit(", ", 1)[0]


@pytest.mark.slow
def test_the_command_on_a_local_cluster_writes_the_one_machine_rows(tmp_path: Path) -> None:
    copy_fixtures(tmp_path / "in")
    make_pages(tmp_path / "in", 20)
    rows, errors = one_machine(tmp_path / "in", tmp_path / "cli", "--lenient")
    here = _filmparse(str(tmp_path / "in"), "--jsonl", str(tmp_path / "x.jsonl"), "--lenient")
    out, errs, tables = tmp_path / "rows", tmp_path / "errs", tmp_path / "tables"
    run = _filmparse(
        str(tmp_path / "in"), "--scheduler", "local", "-j", "2", "--lenient",
        "--jsonl", str(out), "--errors", str(errs), "--pages-per-partition", "7",
    )  # fmt: skip
    assert (here.returncode, run.returncode) == (1, 1), run.stderr  # some pages fail
    assert _counts(run.stderr) == _counts(here.stderr)
    fs = fsspec.filesystem("file")
    assert read_parts(fs, str(out)) == rows and read_parts(fs, str(errs)) == errors
    assert len(list(out.glob("part-*.jsonl"))) == 6  # 39 pages, 7 a partition
    parquet = _filmparse(
        str(tmp_path / "in"), "--scheduler", "local", "-j", "2", "--lenient",
        "--parquet", str(tables), "-q",
    )  # fmt: skip
    assert parquet.returncode == 1 and parquet.stderr == "", parquet.stderr
    manifest = json.loads((tables / "_manifest.json").read_text())
    films = table_rows(fs, str(tables))["films"]
    assert manifest["rows"]["films"] == rows.count("\n") == len(films)


@pytest.mark.slow
def test_the_command_reads_and_writes_s3(s3: S3, tmp_path: Path) -> None:
    make_pages(tmp_path / "in", 30, seed=4)
    rows, _ = one_machine(tmp_path / "in", tmp_path / "cli")
    s3.fs.mkdir("cli-pages")
    s3.fs.put([str(page) for page in sorted((tmp_path / "in").iterdir())], "cli-pages/in/")
    # The endpoint given as a storage option too (the environment has it for the workers).
    run = _filmparse(
        "s3://cli-pages/in/", "--scheduler", "local", "-j", "2", "--jsonl", "s3://cli-pages/rows/",
        "--storage-option", f"endpoint_url={s3.endpoint}", "--pages-per-partition", "10",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert _counts(run.stderr) == "pages: 30, ok: 30, failed: 0"
    assert read_parts(s3.fs, "cli-pages/rows") == rows.replace(f'"{tmp_path}/in/', '"s3://cli-pages/in/')
    again = _filmparse(
        "s3://cli-pages/in/", "--scheduler", "local", "-j", "2", "--jsonl", "s3://cli-pages/rows/",
        "--pages-per-partition", "10", "--skip-existing",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert _counts(again.stderr) == "pages: 30, ok: 0, failed: 0, skipped: 30"


@pytest.mark.slow
def test_ctrl_c_exits_130_and_skip_existing_resumes(tmp_path: Path) -> None:
    paths = [str(path) for path in make_pages(tmp_path / "in", 60, seed=5)]
    rows, _ = one_machine(tmp_path / "in", tmp_path / "cli")
    out = tmp_path / "rows"
    command = [sys.executable, "-m", "filmparse", "convert", "--files-from", "-",
               "--scheduler", "local", "-j", "2", "--jsonl", str(out),
               "--pages-per-partition", "10"]  # fmt: skip
    # Half the inputs on stdin, which stays open: the run cannot end before Ctrl-C.
    run = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert run.stdin is not None
        run.stdin.write("".join(f"{path}\n" for path in paths[:30]))
        run.stdin.flush()
        deadline = time.monotonic() + WAIT
        while len(list((out / "_partitions").glob("*.json"))) < 3:
            assert time.monotonic() < deadline and run.poll() is None, "no partition written"
            time.sleep(0.05)
        run.send_signal(signal.SIGINT)
        _, stderr = run.communicate(timeout=WAIT)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 130, stderr
    assert "--skip-existing to resume" in stderr and not (out / "_manifest.json").exists()
    resumed = _filmparse(str(tmp_path / "in"), "--scheduler", "local", "-j", "2", "--jsonl",
                         str(out), "--pages-per-partition", "10", "--skip-existing")  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert "skipped: 30" in resumed.stderr
    assert read_parts(fsspec.filesystem("file"), str(out)) == rows
    assert os.path.exists(out / "_manifest.json")
