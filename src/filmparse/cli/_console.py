"""The terminal side of the command: messages above the progress bar, signals, exit codes."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

PROG = "filmparse"  # the prefix of every message on stderr
EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130  # and 2 for usage errors, from argparse
EXIT_UNREADABLE = 2  # explain: the page cannot be read (or explained: a bug)


class Stop:
    """SIGINT/SIGTERM handler: the first one stops the run cleanly (outputs committed,
    the interrupted message); a second one, a second or more later, aborts.

    Repeats within ``SAME`` seconds count as the first: `timeout -s INT` and a
    terminal's Ctrl-C may deliver one signal to the process and again to its
    group, and that must not turn a clean stop into an abort.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)
    SAME = 1.0

    def __init__(self) -> None:
        self.signal: int | None = None
        self._first = 0.0
        self._defaults = {number: signal.signal(number, self) for number in self.SIGNALS}

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.signal is None:
            self.signal, self._first = signum, time.monotonic()
        elif time.monotonic() - self._first > self.SAME:
            raise KeyboardInterrupt

    def stopped(self) -> bool:
        return self.signal is not None

    def restore(self) -> None:
        for number, handler in self._defaults.items():
            signal.signal(number, handler)


class Console:
    """Messages on stderr, printed above the progress bar when there is one."""

    def __init__(self, total: int | None, show_bar: bool) -> None:
        self.bar: Any = _NoBar()
        if show_bar:  # tqdm is imported only for a bar that is shown
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, unit="page", file=sys.stderr, dynamic_ncols=True, smoothing=0.05
            )

    def say(self, text: str) -> None:
        if isinstance(self.bar, _NoBar):
            print(text, file=sys.stderr, flush=True)
        else:
            self.bar.write(text, file=sys.stderr)


class _NoBar:
    """The progress bar when none is shown."""

    def update(self) -> None:
        pass

    def close(self) -> None:
        pass


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
