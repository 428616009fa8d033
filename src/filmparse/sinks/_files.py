"""One JSON file per page in an output folder (``-o DIR``), each written whole."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator

from ..atomic import sweep_temps
from ..sources import Page
from ._base import Job, PageResult


class JsonFiles:
    """folder/<name>.json for each page, mirroring sub-folders.

    The workers write the files (``Job.output``), atomically, so this sink
    needs nothing back; every file is whole once written, so ``commit`` and
    ``abort`` have nothing left to do.  ``skip_existing``: a page whose file
    exists is not converted again.  ``renamed(page, wanted, target)`` hears of
    each page whose name was taken by an earlier page of the run.
    """

    needs: frozenset[str] = frozenset()

    def __init__(
        self,
        folder: str,
        *,
        skip_existing: bool = False,
        renamed: Callable[[Page, str, str], None] | None = None,
    ) -> None:
        self.folder = folder
        self._skip_existing = skip_existing
        self._renamed = renamed

    def open(self) -> None:
        os.makedirs(self.folder, exist_ok=True)

    def plan(self, pages: Iterable[Page]) -> Iterator[Job]:
        names = OutputNames()
        for page in pages:
            name = names.claim(page.name)
            target = output_path(self.folder, name)
            if name != page.name and self._renamed is not None:
                self._renamed(page, output_path(self.folder, page.name), target)
            kept = b"" if self._skip_existing and os.path.exists(target) else None
            yield Job(page, target, kept)

    def write(self, result: PageResult) -> None:
        pass  # written by the worker

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass

    def sweep(self) -> int:
        return sweep_temps(self.folder, recursive=True)


class OutputNames:
    """Output names handed out in this run, so that no page overwrites another.

    A name already taken gets a numbered suffix: 'page' -> 'page.2' ->
    'page.3'.  Names that differ only in case count as the same (they are
    one file on macOS and Windows).  Only an 8-byte digest of each name is
    kept: about 80 bytes a page.
    """

    def __init__(self) -> None:
        self._taken: set[int] = set()

    def claim(self, name: str) -> str:
        candidate, number = name, 1
        while not self._take(candidate):
            number += 1
            candidate = f"{name}.{number}"
        return candidate

    def _take(self, name: str) -> bool:
        key = name.casefold().encode("utf-8", "surrogatepass")
        digest = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
        if digest in self._taken:
            return False
        self._taken.add(digest)
        return True


def output_path(folder: str, name: str) -> str:
    """Where the page named `name` ('sub/page') is written under `folder`."""
    return os.path.join(folder, *name.split("/")) + ".json"
