"""The --errors report: one JSON line per failed page, and per warning of a lenient parse."""

from __future__ import annotations

import json

from ..diagnostics import Diagnostic
from ..errors import FilmParseError
from ._base import PageResult
from ._text import TextOutput


class ErrorReport(TextOutput):
    """The problems of a run, in input order: a page's warnings, then its error."""

    needs: frozenset[str] = frozenset()

    def write(self, result: PageResult) -> None:
        for diagnostic in result.diagnostics:
            self.emit(warning_record(result.path, diagnostic))
        if result.error is not None:
            self.emit(error_record(result.path, result.error))


def error_record(path: str, error: FilmParseError) -> str:
    """The line of the report for a failed page."""
    record = {
        "path": path,
        "line": error.line,
        "column": error.column,
        "section": error.section,
        "code": error.code,
        "message": error.message,
        "expected": error.expected,
        "severity": "error",
    }
    return _line(record)


def warning_record(path: str, diagnostic: Diagnostic) -> str:
    """The line of the report for one diagnostic of a lenient parse."""
    record = {"path": path, **diagnostic.as_record(), "severity": "warning"}
    return _line(record)


def _line(record: dict[str, object]) -> str:
    """One JSON line, valid UTF-8 whatever it holds: a lone surrogate (from a file
    name that is not UTF-8, in a message) is written as a JSON \\u escape."""
    text = json.dumps(record, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(record)
    return text + "\n"
