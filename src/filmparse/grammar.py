"""The page grammar, loaded once from grammars/film_page.ppeg."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

from parsimonious.expressions import Compound, Expression, Regex
from parsimonious.grammar import Grammar

GRAMMAR_FILE = "film_page.ppeg"
# The flags both engines spell alike (the regex module adds its own, such as V0).
_SHARED_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII | re.UNICODE


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
    """The grammar, its regexes compiled with the standard library's re.

    parsimonious compiles them with the third-party `regex` module when it is
    installed and with `re` when not (parsimonious PR #232): both are
    supported engines.  `re` is the faster here, 2.5x a match and 3-4x a named
    group, and the two patterns found quadratic under `regex` (see the
    grammar's comments) were linear under `re`.  tests/test_grammar_engine.py
    checks that every rule reads the same with either engine, but for one
    difference, on purpose: re's \\w leaves out combining marks, so a word
    `[^\\W\\d_]+` is letters as str.isalpha() says, the models' own test.
    """
    grammar = Grammar(grammar_text())
    for expression in _expressions(grammar.values()):
        if isinstance(expression, Regex):
            pattern = expression.re
            expression.re = re.compile(pattern.pattern, pattern.flags & _SHARED_FLAGS)
            expression.identity_tuple = (expression.name, expression.re)
    return grammar


def rule_regex(name: str) -> re.Pattern[str]:
    """The compiled regex of a rule that is one regex."""
    rule = film_grammar()[name]
    assert isinstance(rule, Regex)
    return rule.re


def _expressions(roots: Iterable[Expression]) -> Iterator[Expression]:
    """Every expression reachable from the rules, each once."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        expression = stack.pop()
        if id(expression) in seen:
            continue
        seen.add(id(expression))
        yield expression
        if isinstance(expression, Compound):
            stack.extend(expression.members)
