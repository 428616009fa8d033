"""The terminal side of the command: messages above the progress bar, signals, exit codes."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType

from tqdm import tqdm

PROG = "filmparse"  # the prefix of every message on stderr
EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130  # and 2 for usage errors, from argparse
EXIT_UNREADABLE = 2  # explain: the page cannot be read (or explained: a bug)


class Stop:
    """SIGINT/SIGTERM handler: the first one lets the pages in hand finish, then stops
    the run cleanly; a second one aborts."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.signal: int | None = None
        self._defaults = {number: signal.signal(number, self) for number in self.SIGNALS}

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.signal is not None:
            raise KeyboardInterrupt
        self.signal = signum

    def restore(self) -> None:
        for number, handler in self._defaults.items():
            signal.signal(number, handler)


class Console:
    """Messages on stderr, printed above the progress bar when there is one."""

    def __init__(self, total: int | None, show_bar: bool) -> None:
        self.bar = tqdm(
            total=total,
            unit="page",
            file=sys.stderr,
            disable=not show_bar,
            dynamic_ncols=True,
            smoothing=0.05,
        )

    def say(self, text: str) -> None:
        if self.bar.disable:
            print(text, file=sys.stderr, flush=True)
        else:
            self.bar.write(text, file=sys.stderr)


def silence_stdout() -> None:
    """After a broken pipe (`filmparse ... | head`): send what is left to /dev/null,
    so that the interpreter's final flush does not fail too."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def write_out(text: str) -> None:
    """`text` on stdout; a reader that stops early is no error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()


def stdin_lines() -> Iterator[str]:
    """Inputs on stdin, one a line, decoded like file names (undecodable bytes kept)."""
    for line in sys.stdin.buffer:
        yield os.fsdecode(line.rstrip(b"\r\n"))
