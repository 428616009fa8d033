"""Where each exported value was read: JSON path -> line and column range.

Lines are those of the user's file (normalisation keeps every line where it
was); columns count characters of the normalised line, 1-based, with an
exclusive end: the vote average line "... 7.253/10" gives ``$.vote_average -> 17:14-17:22``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:
    from .diagnostics import Diagnostic


@frozen
class Span:
    """A range of the page: from line:column to end_line:end_column (exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int

    def lines(self) -> range:
        return range(self.line, self.end_line + 1)

    def __str__(self) -> str:
        return f"{self.line}:{self.column}-{self.end_line}:{self.end_column}"


def _start(label: tuple[str, int, int]) -> int:
    return label[1]


class SourceMap(Mapping[str, Span]):
    """JSON path of every value read (``$.reviews[1].rating``) -> its Span,
    in page order; ``labels`` are the lines that carry structure, not values
    (section headings, the header's and the awards' labels), as (what, Span) pairs."""

    def __init__(self, spans: dict[str, Span], labels: tuple[tuple[str, Span], ...]) -> None:
        self._spans = spans
        self.labels = labels

    @classmethod
    def from_offsets(
        cls,
        text: str,
        spans: dict[str, tuple[int, int]],
        labels: list[tuple[str, int, int]],
    ) -> SourceMap:
        """The map of offsets into the normalised `text`."""
        starts = [0]
        position = text.find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = text.find("\n", position + 1)

        def span(start: int, end: int) -> Span:
            line = bisect_right(starts, start)
            end_line = bisect_right(starts, max(start, end - 1))
            return Span(
                line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1
            )

        ordered = sorted(spans.items(), key=lambda item: item[1][0])
        return cls(
            {path: span(*where) for path, where in ordered},
            tuple(
                (what, span(start, end)) for what, start, end in sorted(labels, key=lambda x: x[1])
            ),
        )

    def __getitem__(self, path: str) -> Span:
        return self._spans[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)

    def covered_lines(self, diagnostics: Iterable[Diagnostic] = ()) -> set[int]:
        """The lines that fed a value or carry a label, with those `diagnostics`
        name.  After a lenient parse every non-blank line is one of them."""
        covered: set[int] = set()
        for where in self._spans.values():
            covered.update(where.lines())
        for _, where in self.labels:
            covered.update(where.lines())
        for diagnostic in diagnostics:
            covered.update(diagnostic.lines())
        return covered

    def by_line(self) -> dict[int, list[str]]:
        """Line number -> the JSON paths read from it (and labels, as 'heading' etc.)."""
        lines: dict[int, list[str]] = {}
        for path, where in self._spans.items():
            for number in where.lines():
                lines.setdefault(number, []).append(path)
        for what, where in self.labels:
            lines.setdefault(where.line, []).append(what)
        return lines

    def __repr__(self) -> str:
        return f"SourceMap({len(self)} values, {len(self.labels)} labels)"
