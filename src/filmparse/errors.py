"""The library's exceptions, and how a parse error points into a page."""

from __future__ import annotations

from attrs import frozen


class Error(ValueError):
    """The root of every error filmparse raises for bad input (a page, an
    export, a Film that cannot be rendered): one ``except filmparse.Error``
    catches them all."""


# Errors about a page as a whole rather than a place in it (batch.page_error's
# sections) -> their code, for errors built without one.
PAGE_CODES = {"file": "FP901", "output": "FP902", "internal": "FP903", "worker": "FP904"}


@frozen
class Problem:
    """One problem of a page, as a strict error reports it among the others
    (``FilmParseError.problems``): 1-based line and column, the section, the
    stable code (the lenient diagnostic's for the same problem), a message
    and what would have been accepted."""

    line: int
    column: int
    code: str
    section: str
    message: str
    expected: str

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.code} [{self.section}] {self.message}"

    def as_record(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "section": self.section,
            "code": self.code,
            "message": self.message,
            "expected": self.expected,
        }


class FilmParseError(Error):
    """A page (or an export) that cannot be read.

    ``line`` and ``column`` are 1-based and point into the page as the user
    has it; ``section`` names the part of the page being read and
    ``expected`` says what would have been accepted there; ``code`` is the
    stable code of the problem (the one a lenient parse reports for it, see
    diagnostics.CODES), so that failures can be grouped.  A parse error is
    the first problem of the page in page order; ``problems`` lists every
    problem found on the page (this one among them), in page order.
    ``str(error)`` quotes the offending line with a caret under the column.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int,
        column: int,
        section: str,
        expected: str,
        source_line: str | None = None,
        path: str | None = None,
        code: str | None = None,
        problems: tuple[Problem, ...] = (),
    ) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.section = section
        self.expected = expected
        self.source_line = source_line
        self.path = path
        self.code = code if code is not None else PAGE_CODES.get(section)
        if not problems and self.code is not None:
            problems = (self.problem(),)
        self.problems = problems
        super().__init__(self._render())

    @classmethod
    def from_problem(
        cls,
        problem: Problem,
        *,
        source_line: str | None = None,
        path: str | None = None,
        problems: tuple[Problem, ...] = (),
    ) -> FilmParseError:
        """The error reporting `problem`, among the page's `problems`."""
        return cls(
            problem.message,
            line=problem.line,
            column=problem.column,
            section=problem.section,
            expected=problem.expected,
            source_line=source_line,
            path=path,
            code=problem.code,
            problems=problems,
        )

    def problem(self) -> Problem:
        """This error as a Problem record."""
        return Problem(self.line, self.column, self.code or "", self.section, self.message,
                       self.expected)  # fmt: skip

    def as_record(self) -> dict[str, object]:
        """The error as a JSON object (its line of the CLI's --errors report)."""
        return {"path": self.path, **self.problem().as_record()}

    def with_path(self, path: str) -> FilmParseError:
        """The same error, naming the file it came from."""
        return FilmParseError(
            self.message,
            line=self.line,
            column=self.column,
            section=self.section,
            expected=self.expected,
            source_line=self.source_line,
            path=path,
            code=self.code,
            problems=self.problems,
        )

    def _render(self) -> str:
        where = f"{self.path}:" if self.path else ""
        text = (
            f"{where}{self.line}:{self.column}: [{self.section}] {self.message}; "
            f"expected {self.expected}"
        )
        if self.source_line is not None:
            shown = self.source_line
            caret_at = self.column - 1
            if len(shown) > 120:  # keep a window around the column on long lines
                start = max(0, caret_at - 60)
                shown = shown[start : start + 120]
                caret_at -= start
            text += f"\n    {shown}\n    {' ' * caret_at}^"
        return text

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments do not survive pickling by default, and batch
        # workers send these errors between processes.
        return (_rebuild, (self.message, self.__dict__.copy()))


def _rebuild(message: str, state: dict[str, object]) -> FilmParseError:
    error = FilmParseError.__new__(FilmParseError)
    error.__dict__.update(state)
    ValueError.__init__(error, error._render())
    return error


def reason(exc: BaseException) -> str:
    """What a refused value's exception says, for a person.

    attrs' validators raise ValueError(message, attribute, options, value):
    its str() would print the whole Attribute, memory addresses included.
    """
    if len(exc.args) > 1 and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc)


def line_and_column(text: str, pos: int) -> tuple[int, int, str]:
    """1-based line and column of an offset, and the text of that line."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_text = text[line_start : line_end if line_end >= 0 else len(text)]
    return text.count("\n", 0, pos) + 1, pos - line_start + 1, line_text


def error_at(
    text: str, pos: int, message: str, *, section: str, expected: str, code: str
) -> FilmParseError:
    line, column, line_text = line_and_column(text, pos)
    return FilmParseError(
        message,
        line=line,
        column=column,
        section=section,
        expected=expected,
        source_line=line_text,
        code=code,
    )
