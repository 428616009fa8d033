"""Pages that grow one lenient path or one diagnostic path at a time (issue 10).

Each case repeats one unit of text `n` times under the few lines that put it
in its section, so that the time of a parse at 1x, 4x and 16x its size shows
whether that path is linear.  Used by bench_scaling.py (the figures) and by
tests/test_linear_time.py (the growth-ratio check).  `code` is the diagnostic
the unit sets off once a repetition (None: the path gives none, such as
offers cut off from their country, which add to it), so a case can be checked
to exercise what it claims before it is timed (`read` counts what the unit
adds when it sets off no diagnostic).
"""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from filmparse import Film


@frozen
class Growth:
    """A page of `head`, then `unit(i)` for i in range(n), then `tail`."""

    head: str
    unit: Callable[[int], str]
    code: str | None
    base: int  # n at 1x: a parse of tens of milliseconds
    tail: str = ""
    source_map: bool = False  # parse_with_source_map (what `explain` runs)
    read: Callable[[Film], int] | None = None

    def exercised(self, film: Film) -> int:
        """How many times the page set off the path: diagnostics, or values read."""
        if self.read is not None:
            return self.read(film)
        return sum(1 for found in film.diagnostics if found.code == self.code)

    def page(self, factor: int) -> str:
        count = self.base * factor
        return self.head + "".join(self.unit(i) for i in range(count)) + self.tail


_TITLE = "Heat\n\n"
_COUNTRY = "\U0001f1fa\U0001f1f8 United States [US]\n"

CASES: dict[str, Growth] = {
    "FP204 unparsed lines in the header": Growth(
        _TITLE + "A tagline\n", lambda i: f"what {i} ever\n", "FP204", 1000
    ),
    "FP204 unparsed dialogue lines": Growth(
        _TITLE + "Famous Conversations\n\n", lambda i: f"no colon here {i}\n", "FP204", 1000
    ),
    "FP204 unparsed dialogue lines, with a source map": Growth(
        _TITLE + "Famous Conversations\n\n", lambda i: f"no colon here {i}\n", "FP204", 1000,
        source_map=True,
    ),
    "dialogue lines between unparsed ones": Growth(
        _TITLE + "Famous Conversations\n\n", lambda i: f"NEIL: line {i}\nno colon {i}\n",
        "FP204", 600,
    ),
    "FP204 unparsed lines in the languages": Growth(
        _TITLE + "Available Languages\n\n", lambda i: f"bad{i}\n", "FP204", 1000
    ),
    "FP204 unparsed lines in the awards": Growth(
        _TITLE + "Oscar Awards\n\nwins\n", lambda i: f"no year here {i}\n", "FP204", 1000
    ),
    "FP204 unparsed lines in the media": Growth(
        _TITLE + "Media\n\n", lambda i: f"{i}\n", "FP204", 1000
    ),
    "FP204 unparsed lines under the backdrop": Growth(
        _TITLE + "Backdrop\n\n", lambda i: f"line {i}\n", "FP204", 1000
    ),
    "FP204 unknown offers": Growth(
        _TITLE + "Where to Watch\n\n" + _COUNTRY, lambda i: "Lease\n", "FP204", 1000
    ),
    "offers cut off from their country": Growth(
        _TITLE + "Where to Watch\n\n" + _COUNTRY + "a bad line\n", lambda i: "Stream\n", None,
        2000, read=lambda film: len(film.availability[0].offers),
    ),
    "FP201 bad review ratings": Growth(
        _TITLE + "Reviews\n\n", lambda i: f"Author {i}\nabc/10\nGood {i}.\n", "FP201", 400
    ),
    "FP202 countries dropped": Growth(
        _TITLE + "Where to Watch\n\n", lambda i: f"\U0001f1fa\U0001f1f8 Nowhere {i} [ZZ]\n",
        "FP202", 400,
    ),
    "FP301 flags that do not match": Growth(
        _TITLE + "Where to Watch\n\n", lambda i: f"\U0001f1eb\U0001f1f7 United States {i} [US]\n",
        "FP301", 400,
    ),
    "FP203 a header field repeated": Growth(
        _TITLE, lambda i: "Release Date 1995-10-27\n", "FP203", 1000
    ),
    "FP103 a section repeated": Growth(_TITLE, lambda i: f"Cast\n\nActor {i}\n\n", "FP103", 500),
    "FP101 unknown sections": Growth(
        _TITLE, lambda i: f"Trivia Number\n\nline {i}\n\n", "FP101", 500
    ),
    "FP003 control characters": Growth(
        _TITLE + "Overview\n\n", lambda i: f"text\x01 {i}\n", "FP003", 1000
    ),
    "FP004 lone surrogates": Growth(
        _TITLE + "Overview\n\n", lambda i: f"text\ud800 {i}\n", "FP004", 1000
    ),
    "FP002 mojibake": Growth(
        _TITLE + "Overview\n\n", lambda i: f"Caf\u00c3\u00a9 {i}\n", "FP002", 500
    ),
    "overview paragraphs": Growth(
        _TITLE + "Overview\n\n", lambda i: f"A paragraph {i} of text.\n\n", None, 1000,
        read=lambda film: (film.overview or "").count("\n\n") + 1,
    ),
}

