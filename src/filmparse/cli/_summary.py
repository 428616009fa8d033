"""The counts of a `convert` run and its summary line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..sinks import PageResult


@dataclass
class Tally:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    warning_codes: Counter[str] = field(default_factory=Counter)
    failure_codes: Counter[str] = field(default_factory=Counter)

    @property
    def done(self) -> int:
        return self.ok + self.failed + self.skipped

    @property
    def warnings(self) -> int:
        return self.warning_codes.total()

    def add(self, result: PageResult) -> None:
        if result.diagnostics:
            self.warning_codes.update(diagnostic.code for diagnostic in result.diagnostics)
        if result.error is not None:
            self.failed += 1
            # Strict errors carry a code once errors.py gives FilmParseError one.
            code = getattr(result.error, "code", None)
            if code is not None:
                self.failure_codes[code] += 1
        elif result.skipped:
            self.skipped += 1
        else:
            self.ok += 1


def by_code(counts: Counter[str]) -> str:
    """' (FP201 120, FP204 46)': most frequent first, ties by code; '' for none."""
    if not counts:
        return ""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return " (" + ", ".join(f"{code} {count}" for code, count in ranked) + ")"


def summary(tally: Tally, elapsed: float) -> str:
    """'pages: N, ok: N, failed: N[ (codes)][, skipped: N][, warnings: N (codes)], R pages/s'."""
    rate = (tally.ok + tally.failed) / elapsed if elapsed > 0 else 0.0
    failed = f"{tally.failed}{by_code(tally.failure_codes)}"
    skipped = f", skipped: {tally.skipped}" if tally.skipped else ""
    warnings = (
        f", warnings: {tally.warnings}{by_code(tally.warning_codes)}" if tally.warnings else ""
    )
    return (
        f"pages: {tally.done}, ok: {tally.ok}, failed: {failed}{skipped}{warnings}, "
        f"{rate:.1f} pages/s"
    )


def failure_line(tally: Tally, report: str | None) -> str | None:
    """The one line `-q` prints: how many pages failed (None when none did)."""
    if not tally.failed:
        return None
    where = f"; see {report}" if report is not None else ""
    codes = by_code(tally.failure_codes)
    return f"filmparse: {tally.failed} of {tally.done} pages failed{codes}{where}"
