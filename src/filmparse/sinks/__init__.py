"""Sinks: where the results of a batch go (JSON files, JSONL, error report, tables).

A sink is ``Sink`` (``_base.py``): ``needs``, ``open``, ``write`` each result
in input order, then ``commit`` or ``abort``.  It may also be a ``Planner``
(the run's main output: it decides which pages to convert, for resuming and
per-page files) and a ``Sweeper`` (it removes the temporary files a killed
run left).  A run drives a list of sinks; each is independent of the others.
"""

from ._base import RECORD, TEXT, Job, PageResult, Planner, Sink, Sweeper
from ._files import JsonFiles, OutputNames, output_path
from ._jsonl import JsonText, previous_rows
from ._report import ErrorReport, error_record, warning_record
from ._text import STDOUT

__all__ = [
    "RECORD",
    "STDOUT",
    "TEXT",
    "ErrorReport",
    "Job",
    "JsonFiles",
    "JsonText",
    "OutputNames",
    "PageResult",
    "Planner",
    "Sink",
    "Sweeper",
    "error_record",
    "output_path",
    "previous_rows",
    "warning_record",
]
