"""Start-up: `import filmparse`, `filmparse --help` and a one-page convert load
only what they use (issue 14: a one-page convert under 0.25 s)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REFERENCE
from filmparse import engine, sources
from filmparse.cli import _args


def loaded_after(program: str, *argv: str) -> set[str]:
    """The modules loaded once `program` has run in a fresh interpreter."""
    code = program + "\nimport json, sys; print(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    done = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


PARSING = {"attr", "parsimonious", "filmparse.parser", "filmparse.models"}
EXPORT = {"cattrs", "orjson", "jsonschema_rs"}
NOT_FOR_A_PAGE = {
    "langcodes",
    "pycountry",
    "confusable_homoglyphs.confusables",
    "confusable_homoglyphs.categories",
    "filmparse._tables_api",
    "filmparse.explain",
    "filmparse.render",
    "multiprocessing",
    "concurrent.futures.process",
    "tqdm",
    "ftfy",
    "jsonschema",
}


def test_the_help_spells_the_defaults_of_the_modules_it_does_not_load() -> None:
    assert _args.DEFAULT_GLOB == sources.DEFAULT_GLOB
    assert _args.DEFAULT_MAX_BYTES == sources.DEFAULT_MAX_BYTES
    assert _args.cores() == engine.default_jobs()


def test_import_filmparse_loads_no_parser_until_it_is_used() -> None:
    assert not loaded_after("import filmparse") & PARSING
    used = loaded_after(
        "import filmparse; filmparse.parse_file(__import__('sys').argv[1])", str(REFERENCE)
    )
    assert used >= PARSING
    assert not used & NOT_FOR_A_PAGE


def test_help_and_version_load_neither_parser_nor_engine() -> None:
    for option in ("--help", "--version"):
        program = (
            "import sys\nfrom filmparse.cli import main\n"
            f"try:\n    main([{option!r}])\nexcept SystemExit:\n    pass"
        )
        loaded = loaded_after(program)
        assert not loaded & (PARSING | {"filmparse.engine", "filmparse.sources"}), option


def test_a_one_page_convert_loads_nothing_it_does_not_use() -> None:
    program = (
        "import sys, io\nfrom filmparse.cli import main\nsys.stdout = io.StringIO()\n"
        "status = main(['convert', sys.argv[1], '-q'])\nsys.stdout = sys.__stdout__\n"
        "assert status == 0, status"
    )
    loaded = loaded_after(program, str(REFERENCE))
    assert loaded >= PARSING | EXPORT
    assert not loaded & NOT_FOR_A_PAGE, sorted(loaded & NOT_FOR_A_PAGE)


def test_public_names_stay_themselves_once_every_module_is_imported() -> None:
    # A submodule named like a public name (render.py beside render()) would
    # replace that name on the package as soon as anything imported it.
    code = """
import importlib, pkgutil, types, filmparse
for info in pkgutil.walk_packages(filmparse.__path__, "filmparse."):
    if info.name != "filmparse.__main__":
        importlib.import_module(info.name)
bad = [n for n in filmparse.__all__ if isinstance(getattr(filmparse, n), types.ModuleType)]
assert not bad, bad
assert filmparse.render(filmparse.parse("Heat\\n\\nOverview\\n\\nA heist.\\n")).startswith("Heat")
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
