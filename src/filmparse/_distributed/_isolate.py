"""A partition that kills its workers, run again a page at a time.

A page that kills the process converting it (a crash in native code, the
nanny's memory limit) makes the scheduler retry its task on other workers,
then give up with KilledWorker.  Without this, that one page would stop the
whole run, and every resumed run at the same partition.  As the one-machine
pool does, the partition's pages are then converted each in a task of its
own; a page whose task kills its workers too gets the engine's "worker died"
error row, and the partition is written from the results as usual.
"""

from __future__ import annotations

from typing import Any

from ._listing import Partition
from ._optional import require
from ._pages import page_at
from ._parts import PartitionReport, Plan, convert_page, pages_of, run_partition
from ._reuse import Job, PageResult, crashed_job


def killed_workers(exc: BaseException) -> bool:
    """Whether `exc` says the task's workers died running it (not that it failed)."""
    return isinstance(exc, require("distributed").KilledWorker)


def run_isolated(client: Any, partition: Partition, plan: Plan, key: str) -> PartitionReport:
    """Convert `partition` a page a task, then write it from their results (its
    report); an exception other than KilledWorker of a page's task is raised.

    When a worker dies, the scheduler counts it against every task it held,
    not only the one it was running: the pages whose tasks die are tried again
    one at a time, and only one that dies alone is said to have killed it."""
    distributed = require("distributed")
    pages = list(pages_of(partition))
    futures = [
        client.submit(convert_page, name, location, plan, key=f"{key}-page-{index:06d}")
        for index, (name, location) in enumerate(pages)
    ]
    alone_ones: list[Any] = []
    try:
        distributed.wait(futures)
        results: list[Any] = list(futures)  # futures (resolved on the worker) or results
        for index, future in enumerate(futures):
            if _died(future):
                name, location = pages[index]
                alone = client.submit(
                    convert_page, name, location, plan, key=f"{key}-alone-{index:06d}"
                )
                alone_ones.append(alone)
                distributed.wait([alone])
                died = _died(alone)
                results[index] = _crashed(name, location, plan) if died else alone
        written = client.submit(run_partition, partition, plan, results, key=f"{key}-write")
        report: PartitionReport = written.result()
        return report
    finally:
        client.cancel(futures + alone_ones)


def _died(future: Any) -> bool:
    """Whether `future` ended with KilledWorker (another exception is raised)."""
    if future.status != "error":
        return False
    error = future.exception()
    if not killed_workers(error):
        raise error
    return True


def _crashed(name: str, location: str, plan: Plan) -> PageResult:
    return crashed_job(Job(page_at(name, location, plan.storage_options)))
