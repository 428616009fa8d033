"""The page grammar, loaded once from grammars/film_page.ppeg."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from parsimonious.grammar import Grammar

GRAMMAR_FILE = "film_page.ppeg"


def grammar_text() -> str:
    """The grammar source: shipped inside the wheel, or the repository copy."""
    packaged = resources.files("filmparse") / "grammars" / GRAMMAR_FILE
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # An editable install or a source checkout: src/filmparse/ -> grammars/
    repo_copy = Path(__file__).resolve().parents[2] / "grammars" / GRAMMAR_FILE
    return repo_copy.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def film_grammar() -> Grammar:
    return Grammar(grammar_text())
