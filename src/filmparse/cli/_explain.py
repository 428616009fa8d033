"""`filmparse explain`: each line of one page beside what it fed."""

from __future__ import annotations

import argparse
import io
import sys

from ..errors import FilmParseError
from ..explain import explanation
from ..sources import page_error, read_page
from ._console import EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE, PROG, write_out


def _read(page: str, max_bytes: int) -> bytes:
    """The page's bytes: a file (read as `convert` reads it), or stdin for '-'."""
    if page != "-":
        return read_page(page, max_bytes)
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise page_error(
            "-",
            f"the page on stdin is more than the limit of {max_bytes:,} bytes",
            section="file",
            expected=f"a page of at most {max_bytes:,} bytes",
        )
    return data


def explain(args: argparse.Namespace) -> int:
    try:
        data = _read(args.page, args.max_bytes)
    except FilmParseError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        result = explanation(data, require_sections=args.require_sections)
    except Exception as exc:  # a bug: a lenient parse must take any page
        print(
            f"{PROG}: error: {args.page}: internal error, please report it with the page: "
            f"{type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    if isinstance(sys.stdout, io.TextIOWrapper):  # a page may hold what the terminal cannot show
        sys.stdout.reconfigure(errors="replace")
    write_out(result.text)
    return EXIT_FAILED if result.diagnostics else EXIT_OK
