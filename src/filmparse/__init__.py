"""filmparse: scraped film pages -> typed, validated records.

>>> import filmparse
>>> film = filmparse.parse_file("fixtures/valid/leaving-las-vegas.txt")
>>> film.title, film.vote_average
('Leaving Las Vegas', 7.253)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._render import RenderError, render
    from ._tables_api import tables, write_duckdb, write_parquet
    from .diagnostics import Diagnostic
    from .engine import parse_many
    from .errors import Error, FilmParseError
    from .export import SCHEMA_VERSION, from_dict, to_dict, to_json
    from .models import Availability, Award, DialogueLine, Film, MediaItem, Review, Translation
    from .parser import parse, parse_bytes, parse_file, parse_with_source_map
    from .schema import SchemaError, json_schema
    from .source_map import SourceMap, Span
    from .sources import find_pages

# Each public name is imported from its module on first use, so that
# `import filmparse` (and `filmparse --help`) costs next to nothing; the
# first parse loads what parsing needs.
_HOMES = {
    "._tables_api": "tables write_duckdb write_parquet",
    ".diagnostics": "Diagnostic",
    ".engine": "parse_many",
    ".errors": "Error FilmParseError",
    ".export": "SCHEMA_VERSION from_dict to_dict to_json",
    ".models": "Availability Award DialogueLine Film MediaItem Review Translation",
    ".parser": "parse parse_bytes parse_file parse_with_source_map",
    "._render": "RenderError render",
    ".schema": "SchemaError json_schema",
    ".source_map": "SourceMap Span",
    ".sources": "find_pages",
}
_HOME = {name: module for module, names in _HOMES.items() for name in names.split()}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is not None:
        value = getattr(importlib.import_module(home, __name__), name)
        globals()[name] = value  # found here from now on
        return value
    # __version__ from the package metadata, read on first use: importlib.metadata
    # costs ~70 ms, too much for every start of the command.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("filmparse")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    if not name.startswith("_"):  # filmparse.schema and the like, as when all was imported here
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "SCHEMA_VERSION",
    "Availability",
    "Award",
    "Diagnostic",
    "DialogueLine",
    "Error",
    "Film",
    "FilmParseError",
    "MediaItem",
    "RenderError",
    "Review",
    "SchemaError",
    "SourceMap",
    "Span",
    "Translation",
    "__version__",
    "find_pages",
    "from_dict",
    "json_schema",
    "parse",
    "parse_bytes",
    "parse_file",
    "parse_many",
    "parse_with_source_map",
    "render",
    "tables",
    "to_dict",
    "to_json",
    "write_duckdb",
    "write_parquet",
]
