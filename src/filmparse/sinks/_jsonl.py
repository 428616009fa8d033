"""JSON text of each page, one after another: a JSONL file, or stdout."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterable, Iterator
from typing import Any, BinaryIO, TextIO

from ..sources import Page, source_path
from ._base import TEXT, Job, PageResult
from ._text import TextOutput


class JsonText(TextOutput):
    """The JSON text of each converted page, in input order: one line each when
    the run's indent is None (JSONL), else indented documents one after another.

    To a file (`target` a path, written whole at ``commit``) or a stream
    (stdout).  ``resume``: keep the rows of the file an earlier, interrupted run
    wrote (see ``plan``).
    """

    needs = frozenset({TEXT})

    def __init__(self, target: str | TextIO | BinaryIO, *, resume: bool = False) -> None:
        super().__init__(target)
        self._previous = previous_rows(self.path if resume else None)

    def plan(self, pages: Iterable[Page]) -> Iterator[Job]:
        """Jobs handing back rows; rows of the earlier run are kept.

        An interrupted run wrote the rows of a prefix of the pages, in order,
        less the pages that failed.  Walking both in step keeps every earlier
        row whose page comes next and converts the rest, so the new file is the
        one an uninterrupted run would have written, in flat memory.
        """
        waiting = next(self._previous, None)
        for page in pages:
            if waiting is not None and waiting[0] == source_path(page.path):
                yield Job(page, kept=waiting[1])
                waiting = next(self._previous, None)
            else:
                yield Job(page)

    def write(self, result: PageResult) -> None:
        if result.text is not None:
            self.emit(result.text)

    def commit(self) -> None:
        self._previous.close()  # the earlier file is read no more: it may be replaced
        super().commit()

    def abort(self) -> None:
        self._previous.close()
        super().abort()


def previous_rows(path: str | None) -> Generator[tuple[str, bytes], None, None]:
    """(source path, row as UTF-8 bytes) of each row of an earlier JSONL output,
    while they parse.  Read as bytes, as they are written back: a row that is no
    UTF-8 ends the rows kept, as one that is no JSON does; a row ended by CRLF
    (an editor's) is kept ended by '\\n', as this run would write it."""
    if path is None:
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115
    except FileNotFoundError:
        return
    with handle:
        for row in handle:
            try:
                # decoded first: json.loads would take bytes for UTF-16 or UTF-32 too
                source: Any = json.loads(row.decode("utf-8"))["source"]["path"]
            except (ValueError, KeyError, TypeError):
                return
            if not isinstance(source, str) or not row.endswith(b"\n"):
                return
            yield source, (row[:-2] + b"\n" if row.endswith(b"\r\n") else row)
