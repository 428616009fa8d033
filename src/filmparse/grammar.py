"""The page grammar: assembled from grammars/ at first use, compiled once.

grammars/film_page.ppeg holds the rules of the page as a whole; each
section's rules are in grammars/sections/<section>.ppeg; the rules that
follow from the section list (src/filmparse/sections/) are written from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from parsimonious.expressions import Compound, Expression, Regex
from parsimonious.grammar import Grammar, rule_grammar

from .errors import Error

GRAMMAR_FILE = "film_page.ppeg"
# The flags both engines spell alike (the regex module adds its own, such as V0).
_SHARED_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII | re.UNICODE


class GrammarError(Error):
    """The grammar files do not make one grammar (a rule defined twice)."""


def grammar_folder() -> Traversable:
    """grammars/: shipped inside the wheel, or the repository copy."""
    packaged = resources.files("filmparse") / "grammars"
    if packaged.joinpath(GRAMMAR_FILE).is_file():
        return packaged
    # An editable install or a source checkout: src/filmparse/ -> grammars/
    return Path(__file__).resolve().parents[2] / "grammars"


def grammar_parts() -> list[tuple[str, str]]:
    """(where it comes from, grammar text) of each part, in the order they are read."""
    from . import sections  # here: the section modules import this module

    folder = grammar_folder()
    page = folder.joinpath(GRAMMAR_FILE).read_text(encoding="utf-8")
    parts = [(f"grammars/{GRAMMAR_FILE}", page)]
    files_read: set[str] = set()
    for number, section in enumerate(sections.SECTIONS, 1):
        title = section.heading or section.name.capitalize()
        derived = section.derived_rules()
        if derived:
            banner = f"# {number}. {title}: the rules its declaration writes"
            parts.append((f"src/filmparse/sections/{section.home}.py",
                          "\n".join([banner, *derived]) + "\n"))  # fmt: skip
        if section.home not in files_read:
            files_read.add(section.home)
            path = f"sections/{section.home}.ppeg"
            parts.append((f"grammars/{path}", folder.joinpath(path).read_text(encoding="utf-8")))
    # (the page rules read an optional section that is one regex as one regex too)
    one_regex = {name for _, text in parts for name, _, flags in _ONE_REGEX.findall(text)
                 if not flags}  # fmt: skip
    parts.insert(1, ("src/filmparse/sections/__init__.py", sections.page_rules(one_regex)))
    return parts


def assemble(parts: Iterable[tuple[str, str]]) -> str:
    """The parts as one grammar text; a rule name defined twice is a GrammarError
    (parsimonious would let the later one win silently)."""
    defined: dict[str, str] = {}
    texts = []
    for where, text in parts:
        for name in rule_names(text):
            if name in defined:
                raise GrammarError(
                    f"grammar rule {name!r} is defined twice: in {defined[name]} and in {where}"
                )
            defined[name] = where
        texts.append(f"# ==== {where} ====\n{text.rstrip()}\n")
    return inlined("\n".join(texts))


# `(?&rule)` inside a regex: the regex of `rule` (a one-regex rule without
# flags) in its place, as an atomic group, which is how PEG reads a terminal:
# once matched, never re-entered.  It lets a block rule read a section's
# entries in one regex, written from the entry rules instead of retyped.
# `(?&-rule)`: the same without its named groups (the page's regex holds many
# sections, whose groups' names repeat).
_INLINE = re.compile(r"\(\?&(-?)(\w+)\)")
_GROUP_NAME = re.compile(r"(?<!\\)\(\?P<\w+>")
_ONE_REGEX = re.compile(r'^(\w+)\s*=\s*~r"((?:[^"\\\n]|\\.)*)"(\w*)\s*$', re.MULTILINE)


def inlined(text: str, grammar: str | None = None) -> str:
    """`text` with every `(?&rule)` (and `(?&-rule)`) outside comments replaced (see _INLINE),
    the rules looked up in `grammar` (by default `text` itself)."""
    found = _ONE_REGEX.findall(text if grammar is None else grammar)
    rules = {name: (pattern, flags) for name, pattern, flags in found}

    def expand(pattern: str, seen: tuple[str, ...]) -> str:
        def one(hit: re.Match[str]) -> str:
            bare, name = hit.groups()
            if name not in rules or rules[name][1] or name in seen:
                why = "no one-regex rule without flags" if name not in seen else "a cycle"
                raise GrammarError(f"(?&{bare}{name}): {why} of that name")
            body = expand(rules[name][0], (*seen, name))
            return f"(?>{_GROUP_NAME.sub('(?:', body) if bare else body})"

        return _INLINE.sub(one, pattern)

    return "\n".join(
        line if line.lstrip().startswith("#") else expand(line, ()) for line in text.split("\n")
    )


def rule_names(text: str) -> list[str]:
    """The names of the rules a grammar text defines, read by parsimonious' own rule grammar."""
    tree = rule_grammar.parse(text)
    _, rules = tree.children
    return [rule.children[0].text.strip() for rule in rules.children]


def grammar_text() -> str:
    """The grammar source, assembled: readable top to bottom."""
    return assemble(grammar_parts())


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
    Kept between runs by _grammar_cache (a build costs ~30 ms of every start).
    """
    import parsimonious

    from ._grammar_cache import cached

    parts = grammar_parts()
    library = Path(parsimonious.__file__).parent
    code = [__file__, *(str(library / name) for name in ("grammar.py", "expressions.py"))]
    return cached(parts, code, lambda: _compiled(assemble(parts)), Grammar)


def _compiled(text: str) -> Grammar:
    grammar = Grammar(text).default("film_page")
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
