"""Optional extras: a clear error naming the extra to install when one is missing.

Table outputs need pyarrow (``filmparse[parquet]``) and DuckDB
(``filmparse[duckdb]``); nothing else in filmparse imports them, so a plain
install stays light.
"""

from __future__ import annotations


class MissingExtraError(ImportError):
    """An output was asked for whose optional dependency is not installed."""

    def __init__(self, module: str, extra: str, what: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f"{what} needs the {module} package, which is not installed: "
            f"pip install 'filmparse[{extra}]'"
        )
