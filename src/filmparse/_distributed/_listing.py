"""Pages named by fsspec URLs, listed lazily, cut into numbered partitions.

The order is deterministic, so partition N holds the same pages in every run
over the same inputs (what resuming relies on):

* plain paths and ``file://`` URLs: ``find_pages``' order (each folder in name
  order, its files before its sub-folders), the pages named as given, so the
  rows match ``filmparse convert`` byte for byte;
* S3 (s3fs): the keys below the prefix in S3's own order (ascending UTF-8),
  read 1,000 at a time, so a prefix of millions of keys is never in memory;
* any other file system: one folder at a time, as for plain paths.

Hidden entries (a component starting with '.') are skipped, and files are
taken when their name (less a final '.gz') matches the glob, as on one
machine.  An input that names nothing is yielded itself, so that reading it
fails and the loss is reported as a page error.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from attrs import frozen

from ._optional import require, url_to_fs
from ._reuse import DEFAULT_GLOB, find_pages

LISTING_PAGE = 1000  # keys fetched per S3 request (its maximum)


@frozen
class Partition:
    """Pages `number * size` to `number * size + len(names) - 1` of the listing.

    ``names``: each page as the run names it (``source.path``); ``locations``:
    where a worker reads it (an absolute path, or the URL).
    """

    number: int
    names: tuple[str, ...]
    locations: tuple[str, ...]

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the names: tells whether a resumed run's partition N is this one."""
        return hashlib.sha256("\n".join(self.names).encode("utf-8", "surrogatepass")).hexdigest()


def is_local(url: str) -> bool:
    return "://" not in url or url.startswith(("file://", "local://"))


def local_path(url: str) -> str:
    """The file system path of a plain path or a file:// URL."""
    return url.split("://", 1)[1] if "://" in url else url


def list_pages(
    urls: Iterable[str],
    glob: str = DEFAULT_GLOB,
    *,
    storage_options: dict[str, Any] | None = None,
) -> Iterator[tuple[str, str]]:
    """(name, location) of every page named by `urls`, lazily, in a stable order."""
    match = re.compile(fnmatch.translate(glob)).match

    def wanted(base: str) -> bool:
        stem = base[:-3] if base.lower().endswith(".gz") else base
        return match(stem) is not None or match(base) is not None

    for url in urls:
        if is_local(url):
            scheme = url[: url.index("://") + 3] if "://" in url else ""
            for page in find_pages([local_path(url)], glob):
                yield scheme + page.path, os.path.abspath(page.path)
            continue
        fs, root = url_to_fs(url, storage_options)
        found = False
        for name in _remote_files(fs, root, url.endswith("/"), wanted):
            found = True
            location = fs.unstrip_protocol(name)
            yield location, location
        if not found:
            yield url, url


def _remote_files(fs: Any, root: str, prefix: bool, wanted: Callable[[str], bool]) -> Iterator[str]:
    root = root.rstrip("/")
    if not prefix and fs.isfile(root):
        yield root
        return
    if getattr(fs, "async_impl", False) and hasattr(fs, "_iterdir"):  # s3fs
        bucket, _, key = root.partition("/")
        names: Iterator[str] = _s3_keys(fs, bucket, f"{key}/" if key else "")
    else:
        names = _walk(fs, root)
    for name in names:
        relative = name[len(root) + 1 :].split("/")
        if name.endswith("/") or any(part.startswith(".") for part in relative):
            continue
        if wanted(relative[-1]):
            yield name


def _s3_keys(fs: Any, bucket: str, prefix: str) -> Iterator[str]:
    """Every key below `prefix`, one page of the listing in memory at a time."""
    sync = require("fsspec.asyn").sync
    listing: AsyncIterator[dict[str, Any]] = fs._iterdir(bucket, delimiter="", prefix=prefix)
    while True:
        batch: list[dict[str, Any]] = sync(fs.loop, _take, listing, LISTING_PAGE)
        if not batch:
            return
        for info in batch:
            yield str(info["name"])


async def _take(listing: AsyncIterator[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    batch: list[dict[str, Any]] = []
    async for info in listing:
        batch.append(info)
        if len(batch) == count:
            break
    return batch


def _walk(fs: Any, root: str) -> Iterator[str]:
    """Files below `root`, one folder's listing at a time, in find_pages' order."""
    stack = [root]
    while stack:
        try:
            listing = fs.ls(stack.pop(), detail=True)
        except FileNotFoundError:
            continue  # nothing there: the input is then reported as a page that fails
        entries = sorted(listing, key=lambda entry: str(entry["name"]))
        folders = []
        for entry in entries:
            if entry["type"] == "directory":
                folders.append(str(entry["name"]))
            else:
                yield str(entry["name"])
        stack.extend(reversed(folders))


def partitions(pages: Iterable[tuple[str, str]], size: int) -> Iterator[Partition]:
    """Consecutive runs of `size` pages, numbered from 0."""
    source = iter(pages)
    number = 0
    while chunk := list(islice(source, size)):
        names, locations = zip(*chunk, strict=True)
        yield Partition(number, names, locations)
        number += 1
