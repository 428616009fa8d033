"""filmparse: scraped film pages -> typed, validated records.

>>> import filmparse
>>> film = filmparse.parse_file("fixtures/valid/leaving-las-vegas.txt")
>>> film.title, film.vote_average
('Leaving Las Vegas', 7.253)
"""

from ._tables_api import tables, write_duckdb, write_parquet
from .diagnostics import Diagnostic
from .engine import parse_many
from .errors import Error, FilmParseError
from .export import SCHEMA_VERSION, from_dict, to_dict, to_json
from .models import Availability, Award, DialogueLine, Film, MediaItem, Review, Translation
from .parser import parse, parse_bytes, parse_file, parse_with_source_map
from .render import RenderError, render
from .schema import SchemaError, json_schema
from .source_map import SourceMap, Span
from .sources import find_pages


def __getattr__(name: str) -> str:
    # __version__ from the package metadata, read on first use: importlib.metadata
    # costs ~70 ms, too much for every start of the command.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("filmparse")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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
