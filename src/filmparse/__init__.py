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
