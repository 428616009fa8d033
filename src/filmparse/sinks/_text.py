"""What the text sinks share: one output, a file written whole at commit, or a stream."""

from __future__ import annotations

import os
from typing import TextIO

from ..atomic import AtomicFile, OutputBusyError, live_writer, sweep_temps

#: The file name an error about writing to stdout carries.
STDOUT = "<stdout>"


class TextOutput:
    """A text output: a file (written under a temporary name, renamed into place
    by ``commit``, removed by ``abort``) or a stream such as stdout (flushed)."""

    def __init__(self, target: str | TextIO) -> None:
        self.path = target if isinstance(target, str) else None
        self._stream = None if isinstance(target, str) else target
        self._file: AtomicFile | None = None

    def open(self) -> None:
        """Start the file; OutputBusyError if another live run is writing it too
        (its temporary file is locked), so that neither loses the other's work."""
        if self.path is not None:
            self._file = AtomicFile(self.path)
            writer = live_writer(self.path, besides=self._file.temp)
            if writer is not None:
                self._file.discard()
                self._file = None
                raise OutputBusyError(self.path, writer)

    @property
    def out(self) -> TextIO | AtomicFile:
        """Where text goes; a file sink's only after ``open``."""
        if self._file is not None:
            return self._file
        assert self._stream is not None, "open() the sink before writing to it"
        return self._stream

    def emit(self, text: str) -> None:
        """Write `text`; an OSError names this output (``STDOUT`` for a stream)."""
        try:
            self.out.write(text)
        except OSError as exc:
            raise self._named(exc) from None

    def commit(self) -> None:
        try:
            if self._file is not None:
                self._file.commit()
            elif self._stream is not None:
                self._stream.flush()
        except OSError as exc:
            raise self._named(exc) from None

    def _named(self, exc: OSError) -> OSError:
        # OSError(errno, ...) gives the subclass of errno: EPIPE stays BrokenPipeError.
        return OSError(exc.errno, exc.strerror, self.path or STDOUT)

    def abort(self) -> None:
        if self._file is not None:
            self._file.discard()

    def sweep(self) -> int:
        """Remove the temporary files a killed run left at this output."""
        if self.path is None:
            return 0
        folder, name = os.path.split(self.path)
        return sweep_temps(folder or ".", recursive=False, name=name)
