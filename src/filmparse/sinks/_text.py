"""What the text sinks share: one output, a file written whole at commit, or a stream.

Text goes out as UTF-8 bytes: the JSON rows come from the workers as bytes
(orjson's own), so they are written as they are, to a binary file or to a
stream's binary buffer (stdout's), never decoded to ``str`` and encoded again.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from typing import BinaryIO, TextIO, cast

from ..atomic import AtomicFile, OutputBusyError, live_writer, sweep_temps

#: The file name an error about writing to stdout carries.
STDOUT = "<stdout>"


class TextOutput:
    """A text output: a file (written under a temporary name, renamed into place
    by ``commit``, removed by ``abort``) or a stream such as stdout (flushed).

    ``emit`` takes bytes (written as they are) or a str (as UTF-8).  A text
    stream is written through its binary ``buffer`` once what was written to it
    as text is flushed; one without a buffer (``io.StringIO``) gets text."""

    def __init__(self, target: str | TextIO | BinaryIO) -> None:
        self.path = target if isinstance(target, str) else None
        self._stream = None if isinstance(target, str) else _binary(target)
        self._file: AtomicFile | None = None
        self._special: BinaryIO | None = None  # a device or FIFO named as the output

    def open(self) -> None:
        """Start the file; OutputBusyError if another live run is writing it too
        (its temporary file is locked), so that neither loses the other's work."""
        if self.path is not None and _is_special(self.path):
            # /dev/null, /dev/stdout, a FIFO: written straight to.  A rename
            # would replace the device or pipe with a regular file.
            try:
                self._special = open(self.path, "wb")  # noqa: SIM115
            except OSError as exc:
                raise self._named(exc) from None
            self._stream = self._special
        elif self.path is not None:
            self._file = AtomicFile(self.path)
            writer = live_writer(self.path, besides=self._file.temp)
            if writer is not None:
                self._file.discard()
                self._file = None
                raise OutputBusyError(self.path, writer)

    @property
    def out(self) -> BinaryIO | AtomicFile | _Decoded:
        """Where the bytes go; a file sink's only after ``open``."""
        if self._file is not None:
            return self._file
        assert self._stream is not None, "open() the sink before writing to it"
        return self._stream

    def emit(self, text: bytes | str) -> None:
        """Write `text` (a str as UTF-8); an OSError names this output (``STDOUT``
        for a stream)."""
        try:
            self.out.write(text.encode("utf-8") if isinstance(text, str) else text)
        except OSError as exc:
            raise self._named(exc) from None

    def commit(self) -> None:
        try:
            if self._file is not None:
                self._file.commit()
            elif self._stream is not None:
                self._stream.flush()
            if self._special is not None:
                self._special.close()
        except OSError as exc:
            raise self._named(exc) from None

    def _named(self, exc: OSError) -> OSError:
        # OSError(errno, ...) gives the subclass of errno: EPIPE stays BrokenPipeError.
        return OSError(exc.errno, exc.strerror, self.path or STDOUT)

    def abort(self) -> None:
        if self._file is not None:
            self._file.discard()
        if self._special is not None:
            with contextlib.suppress(OSError):  # what it held is not ours to keep
                self._special.close()

    def sweep(self) -> int:
        """Remove the temporary files a killed run left at this output."""
        if self.path is None or _is_special(self.path):
            return 0
        folder, name = os.path.split(self.path)
        return sweep_temps(folder or ".", recursive=False, name=name)


def _is_special(path: str) -> bool:
    """Whether `path` names an existing file that is neither a regular file nor
    a folder (a character device, a FIFO, a socket)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


class _Decoded:
    """A text stream with no binary buffer (``io.StringIO``), written bytes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, data: bytes) -> None:
        self._stream.write(data.decode("utf-8"))

    def flush(self) -> None:
        self._stream.flush()


def _binary(stream: TextIO | BinaryIO) -> BinaryIO | _Decoded:
    """Where the bytes for `stream` go: itself if binary, else its buffer, the
    text already written to it flushed first so that it stays in front."""
    if isinstance(stream, io.BufferedIOBase | io.RawIOBase):
        return cast(BinaryIO, stream)
    buffer: BinaryIO | None = getattr(stream, "buffer", None)
    if buffer is None:
        return _Decoded(cast(TextIO, stream))
    stream.flush()
    return buffer
