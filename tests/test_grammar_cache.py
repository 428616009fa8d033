"""The compiled grammar cached between runs (_grammar_cache.py): the same
grammar as a fresh build, used only when trusted and current."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from parsimonious.expressions import Regex
from parsimonious.grammar import Grammar

import filmparse
from conftest import FIXTURES, REFERENCE
from filmparse import _grammar_cache, grammar


def described(compiled: Grammar) -> list[tuple[str, str, str | None, int | None]]:
    """Each rule as text, with the pattern and flags of its regex (the engine used)."""
    return [
        (
            name,
            rule.as_rule(),
            rule.re.pattern if isinstance(rule, Regex) else None,
            rule.re.flags if isinstance(rule, Regex) else None,
        )
        for name, rule in compiled.items()
    ]


def fresh() -> Grammar:
    return grammar._compiled(grammar.grammar_text())


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("FILMPARSE_GRAMMAR_CACHE", raising=False)
    grammar.film_grammar.cache_clear()
    yield tmp_path / "filmparse"
    grammar.film_grammar.cache_clear()


def test_the_cached_grammar_is_the_built_one_and_reads_every_fixture_alike(cache: Path) -> None:
    built = grammar.film_grammar()  # builds and stores
    (stored,) = cache.glob("grammar-*.pickle")
    assert stored.stat().st_mode & 0o077 == 0
    grammar.film_grammar.cache_clear()
    loaded = grammar.film_grammar()
    assert loaded is not built
    assert described(loaded) == described(built) == described(fresh())
    assert loaded.default_rule.name == "film_page"
    for page in sorted((FIXTURES / "valid").glob("*.txt")):
        text = page.read_text(encoding="utf-8")
        assert filmparse.to_json(filmparse.parse(text)) == page.with_suffix(".json").read_text(
            encoding="utf-8"
        ).rstrip("\n")


def test_a_changed_grammar_gets_another_cache_file(cache: Path) -> None:
    parts = grammar.grammar_parts()
    key = _grammar_cache._key(parts, [grammar.__file__])
    changed = [*parts[:-1], (parts[-1][0], parts[-1][1] + "\n# a comment\n")]
    assert _grammar_cache._key(changed, [grammar.__file__]) != key
    assert _grammar_cache._key(parts, [grammar.__file__, _grammar_cache.__file__]) != key


@pytest.mark.parametrize("spoil", ["corrupt", "group-writable", "not-a-grammar"])
def test_a_cache_file_that_is_not_trusted_or_not_whole_is_rebuilt(cache: Path, spoil: str) -> None:
    grammar.film_grammar()
    (stored,) = cache.glob("grammar-*.pickle")
    if spoil == "corrupt":
        stored.write_bytes(stored.read_bytes()[:100])
    elif spoil == "group-writable":
        stored.write_bytes(pickle.dumps("a planted object"))
        os.chmod(stored, 0o660)
    else:
        stored.write_bytes(pickle.dumps("a planted object"))
    grammar.film_grammar.cache_clear()
    found = grammar.film_grammar()
    assert described(found) == described(fresh())


def test_no_cache_folder_to_write_still_parses(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    env = {**os.environ, "XDG_CACHE_HOME": str(blocked)}
    program = f"import filmparse; print(filmparse.parse_file({str(REFERENCE)!r}).title)"
    done = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "Leaving Las Vegas\n", "")


def test_the_switch_turns_the_cache_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FILMPARSE_GRAMMAR_CACHE", "0")
    assert described(grammar.film_grammar()) == described(fresh())
    assert not cache.exists()


def test_without_a_home_folder_nothing_is_written_where_it_runs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME")}
    program = (
        "import os, pwd; pwd.getpwuid = None; os.path.expanduser = lambda p: p\n"
        "from filmparse import _grammar_cache\nprint(_grammar_cache.cache_folder())\n"
        "import filmparse\n"
        f"print(filmparse.parse_file({str(REFERENCE)!r}).title)"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "None\nLeaving Las Vegas\n", "")
    assert list(tmp_path.iterdir()) == []
