"""Sinks: where the results of a batch go (JSON files, JSONL, error report, tables)."""

from ._base import PageResult, Sink

__all__ = ["PageResult", "Sink"]
