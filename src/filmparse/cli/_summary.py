"""The counts of a `convert` run and its summary line."""

from __future__ import annotations

from dataclasses import dataclass

from ..sinks import PageResult


@dataclass
class Tally:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    warnings: int = 0

    @property
    def done(self) -> int:
        return self.ok + self.failed + self.skipped

    def add(self, result: PageResult) -> None:
        self.warnings += len(result.diagnostics)
        if result.error is not None:
            self.failed += 1
        elif result.skipped:
            self.skipped += 1
        else:
            self.ok += 1


def summary(tally: Tally, elapsed: float) -> str:
    """'pages: N, ok: N, failed: N[, skipped: N][, warnings: N], R pages/s'."""
    rate = (tally.ok + tally.failed) / elapsed if elapsed > 0 else 0.0
    skipped = f", skipped: {tally.skipped}" if tally.skipped else ""
    warnings = f", warnings: {tally.warnings}" if tally.warnings else ""
    return (
        f"pages: {tally.done}, ok: {tally.ok}, failed: {tally.failed}{skipped}{warnings}, "
        f"{rate:.1f} pages/s"
    )
