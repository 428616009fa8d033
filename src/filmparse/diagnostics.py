"""Warnings of a lenient parse: what was repaired, guessed or not understood.

Every code is stable: scripts may filter on it.  The first digit says what
kind of trouble it is (0 text and encoding, 1 page structure, 2 a line or a
value, 3 values that contradict each other).  In strict mode each of these
is a FilmParseError instead, with the same code (``FilmParseError.code``).
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen
from attrs.validators import ge, in_, instance_of

# code -> short name, as printed and documented (README, "Diagnostics").
CODES = {
    "FP001": "not UTF-8",
    "FP002": "mojibake repaired",
    "FP003": "control character removed",
    "FP004": "lone surrogate replaced",
    "FP005": "HTML markup",
    "FP101": "unknown section",
    "FP102": "section out of order",
    "FP103": "section repeated",
    "FP104": "no title",
    "FP105": "not a film page",
    "FP106": "section missing",
    "FP201": "bad value",
    "FP202": "entry dropped",
    "FP203": "field repeated",
    "FP204": "unparsed line",
    "FP205": "line out of order",
    "FP301": "flag does not match country code",
}

# Codes of strict errors only: a page that cannot be read or written at all.
ERROR_CODES = {
    "FP901": "file cannot be read",
    "FP902": "output cannot be written",
    "FP903": "internal error",
    "FP904": "worker died",
}

# Lenient codes that mean the page is no film page at all: a batch counts a
# page with one of them as failed, although lenient parse() returned a Film.
FATAL_CODES = frozenset({"FP005", "FP105"})


@frozen
class Diagnostic:
    """One warning: where (1-based line and column; ``end_line`` is the last
    line it covers), in which section, a stable ``code`` and a message."""

    code: str = field(validator=in_(CODES))
    message: str = field(validator=instance_of(str))
    line: int = field(validator=ge(1))
    column: int = field(validator=ge(1))
    section: str = field(validator=instance_of(str))
    end_line: int = field(validator=ge(1))

    @end_line.default
    def _same_line(self) -> int:
        return self.line

    @property
    def name(self) -> str:
        """The short name of the code ("unparsed line")."""
        return CODES[self.code]

    def lines(self) -> range:
        """The line numbers this diagnostic names."""
        return range(self.line, self.end_line + 1)

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.code} [{self.section}] {self.message}"

    @property
    def fatal(self) -> bool:
        """Whether this diagnostic says the page is no film page (FATAL_CODES)."""
        return self.code in FATAL_CODES

    def as_record(self) -> dict[str, object]:
        """The diagnostic as a JSON object (a line of the CLI's --errors report)."""
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "section": self.section,
            "code": self.code,
            "message": self.message,
        }


def first_fatal(diagnostics: Iterable[Diagnostic]) -> Diagnostic | None:
    """The first diagnostic that makes a lenient page a failure (FATAL_CODES), if any."""
    return next((found for found in diagnostics if found.code in FATAL_CODES), None)
