"""The work done for one page in a worker process: read, parse, export, check, serialise.

``page_worker`` gives the picklable function the pool runs for `convert`.
It produces only what the run's sinks need (``needs``): the JSON text for
JSON outputs, the export ``record`` dict for table outputs, so neither costs
anything when unused.  A page with a ``Job.output`` has its text written
there, atomically, by the worker itself: those writes run on every core and
the text never crosses back to the main process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable
from functools import partial
from typing import Any

from ..atomic import write_atomic
from ..diagnostics import FATAL_CODES, Diagnostic
from ..errors import FilmParseError, Problem
from ..export import dumps_bytes, orjson_text, to_dict
from ..models import Film
from ..parser import parse_bytes
from ..schema import SchemaError, check
from ..sinks._base import FILM, RECORD, TEXT, Job, PageResult, Sink
from ..sources import DEFAULT_MAX_BYTES, page_error, read_page, source_path


def parse_page(
    data: bytes,
    path: str,
    *,
    strict: bool = True,
    require_sections: bool = False,
    fail_on: Collection[str] = frozenset(),
) -> Film:
    """The Film of a page's bytes; a FilmParseError names `path`.

    Lenient (``strict=False``): what the parser repaired or left out is in the
    Film's ``diagnostics``, and a page fails when a diagnostic says it is no
    film page (FATAL_CODES) or has a code in ``fail_on`` (``"all"``: any
    diagnostic); its error lists every diagnostic in ``problems``.
    """
    film = _parse_bytes(data, path, strict=strict, require_sections=require_sections)
    failing = _failing(film.diagnostics, fail_on) if not strict else None
    if failing is not None:
        raise failed_on(path, failing, film.diagnostics)
    return film


def _parse_bytes(data: bytes, path: str, *, strict: bool, require_sections: bool) -> Film:
    try:
        return parse_bytes(data, strict=strict, require_sections=require_sections)
    except FilmParseError as exc:
        raise exc.with_path(path) from None


def _failing(diagnostics: tuple[Diagnostic, ...], fail_on: Collection[str]) -> Diagnostic | None:
    """The first diagnostic that fails a lenient page: one that says it is no
    film page (FATAL_CODES), or one of the codes chosen (``"all"``: any)."""
    for diagnostic in diagnostics:
        if diagnostic.code in FATAL_CODES or diagnostic.code in fail_on or "all" in fail_on:
            return diagnostic
    return None


def load_page(
    path: str,
    *,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    require_sections: bool = False,
    fail_on: Collection[str] = frozenset(),
) -> tuple[bytes, Film]:
    """A page file's bytes and its Film; every failure is a FilmParseError naming `path`."""
    data = read_page(path, max_bytes)
    film = parse_page(data, path, strict=strict, require_sections=require_sections, fail_on=fail_on)
    return data, film


def convert_page(
    job: Job,
    indent: int | None,
    *,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    needs: frozenset[str] = frozenset({TEXT}),
    require_sections: bool = False,
    fail_on: Collection[str] = frozenset(),
) -> PageResult:
    """Convert one page; never raises for a bad page (runs in a worker process).

    The export is to_dict + ``source`` (path and SHA-256 of the page's
    bytes), schema-checked; its text is '\\n'-ended.  A lenient page with a
    warning whose code is in `fail_on` fails (nothing written), its warnings kept.
    """
    path = source_path(job.page.path)
    if job.kept is not None:
        return PageResult(path, text=job.kept or None, skipped=True)
    sha256 = None
    try:
        data = job.page.read(max_bytes)
        sha256 = hashlib.sha256(data).hexdigest()
        film = _parse_bytes(data, path, strict=strict, require_sections=require_sections)
        failing = _failing(film.diagnostics, fail_on) if not strict else None
        if failing is not None:
            error = failed_on(path, failing, film.diagnostics)
            return PageResult(path, sha256, error=error, diagnostics=film.diagnostics)
        if FILM in needs and job.output is None and needs.isdisjoint((TEXT, RECORD)):
            # Table rows only, from the Film itself: a Film's export always fits the
            # schema (every schema rule is one of the models' validators, see
            # tests/test_tables_films.py), so no export is made nor checked.
            return PageResult(path, sha256, diagnostics=film.diagnostics, film=film)
        record = to_dict(film)
        record["source"] = {"path": path, "sha256": sha256}
        text = _checked_text(record, indent, job.output is not None or TEXT in needs)
    except FilmParseError as exc:
        return PageResult(path, sha256, error=exc.with_path(path))
    except SchemaError as exc:  # a bug: the export must fit its own schema
        error = _internal(path, f"the export breaks the schema: {exc}")
        return PageResult(path, sha256, error=error)
    except Exception as exc:  # a bug in the parser must not stop the other pages
        return PageResult(path, sha256, error=_internal(path, f"{type(exc).__name__}: {exc}"))
    if job.output is not None and text is not None:
        try:
            write_atomic(job.output, text)
        except OSError as exc:
            return PageResult(
                path,
                sha256,
                error=page_error(
                    path,
                    f"cannot write {job.output}: {exc.strerror or exc}",
                    section="output",
                    expected="a writable output folder",
                ),
                diagnostics=film.diagnostics,
            )
        if TEXT not in needs:
            text = None  # written: it need not travel back
    return PageResult(
        path,
        sha256,
        record=record if RECORD in needs else None,
        text=text,
        diagnostics=film.diagnostics,
        film=film if FILM in needs else None,
    )


def _checked_text(record: dict[str, Any], indent: int | None, wanted: bool) -> bytes | None:
    """The export's '\\n'-ended JSON text (UTF-8) if `wanted`, once the record is
    checked against the schema (SchemaError if not).  orjson's text is the proof
    ``schema.is_valid`` needs that the record is JSON at all: written once, not
    twice; json's text (another indent) proves nothing, so the check writes its own."""
    text = orjson_text(record, indent, newline=True) if wanted else None
    check(record, encoded=text)
    if wanted and text is None:
        text = dumps_bytes(record, indent, newline=True)
    return text


def failed_on(
    path: str, diagnostic: Diagnostic, diagnostics: tuple[Diagnostic, ...] = ()
) -> FilmParseError:
    """The error of a lenient page that fails: its first failing diagnostic (no
    film page, or a warning chosen by ``--fail-on``), every diagnostic of the
    page among its ``problems``."""
    if diagnostic.fatal:
        message, expected = diagnostic.message, "a film page in the scraped format"
    else:
        message = f"{diagnostic.code} {diagnostic.message} (a warning chosen to fail the page)"
        expected = f"no {diagnostic.code} warning"
    cause = Problem(
        diagnostic.line, diagnostic.column, diagnostic.code, diagnostic.section, message, expected
    )
    every = tuple(Problem(d.line, d.column, d.code, d.section, d.message, "") for d in diagnostics)
    return FilmParseError.from_problem(cause, path=path, problems=every)


def _internal(path: str, what: str) -> FilmParseError:
    return page_error(
        path,
        f"internal error, please report it: {what}",
        section="internal",
        expected="no internal error",
    )


def worker_died(path: str) -> FilmParseError:
    """The error of a page whose worker process died while converting it."""
    return page_error(
        path,
        "the worker process died while converting this page (killed, or out of memory)",
        section="worker",
        expected="a page that converts without crashing its worker",
    )


def needs_of(sinks: Iterable[Sink]) -> frozenset[str]:
    """What the results must carry for these sinks: the union of their ``needs``."""
    return frozenset().union(*(sink.needs for sink in sinks))


def page_worker(
    indent: int | None,
    *,
    strict: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    needs: frozenset[str] = frozenset({TEXT}),
    require_sections: bool = False,
    fail_on: Collection[str] = frozenset(),
) -> Callable[[Job], PageResult]:
    """The picklable worker function of `convert` for a run's JSON indent, parsing
    mode, page size limit, sinks' needs and page checks (settings of the run,
    so not repeated in every Job)."""
    return partial(
        convert_page,
        indent=indent,
        strict=strict,
        max_bytes=max_bytes,
        needs=needs,
        require_sections=require_sections,
        fail_on=frozenset(fail_on),
    )


def crashed_job(job: Job) -> PageResult:
    """The result of a page that killed its worker twice."""
    path = source_path(job.page.path)
    return PageResult(path, error=worker_died(path))


def is_kept(job: Job) -> bool:
    """Whether a job is cheap enough to run in the main process (resumed: nothing to do)."""
    return job.kept is not None
