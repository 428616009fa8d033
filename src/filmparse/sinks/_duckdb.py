"""DuckDB output: the tables in one database file (created if missing).

Rows go in from Arrow, ``batch_pages`` pages at a time, one transaction per
batch: the batch's pages lose their earlier rows (by ``page_id``; pages that
could not be read, by path) and get their new ones, so converting the same
pages again replaces them instead of adding copies.  A killed run loses at
most the batch in flight (DuckDB rolls back an uncommitted transaction), never
half a batch.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import suppress

from .._extras import MissingExtraError

try:
    import duckdb
except ImportError as exc:  # pragma: no cover - exercised by making the import fail
    raise MissingExtraError("duckdb", "duckdb", "DuckDB output") from exc
try:
    import pyarrow as pa
except ImportError as exc:  # pragma: no cover
    raise MissingExtraError("pyarrow", "duckdb", "DuckDB output") from exc

from .._table_rows import Batch
from .._tables import SCHEMAS
from ._base import ROWS, PageResult

BATCH_PAGES = 200  # pages a transaction (~6 MB of Arrow rows)
# DuckDB's buffer pool (80% of RAM by default) keeps what it wrote cached, so memory grows with
# the database; bounded, it drops blocks that are on disk.  Plenty for a batch.
MEMORY_LIMIT = "256MB"
_SQL_TYPES = {"string": "VARCHAR", "int32": "INTEGER", "int64": "BIGINT",
              "double": "DOUBLE", "date32[day]": "DATE"}  # fmt: skip


def _sql_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_list(arrow_type):
        return _sql_type(arrow_type.value_type) + "[]"
    return _SQL_TYPES[str(arrow_type)]


def create_statements() -> list[str]:
    """CREATE TABLE IF NOT EXISTS for every table, from its Arrow schema."""
    statements = []
    for name, schema in SCHEMAS.items():
        columns = ", ".join(
            f'"{field.name}" {_sql_type(field.type)}{"" if field.nullable else " NOT NULL"}'
            for field in schema
        )
        statements.append(f'CREATE TABLE IF NOT EXISTS "{name}" ({columns})')
    return statements


def _digest(key: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    )


class DuckDBSink:
    """The DuckDB sink (see the module docstring)."""

    needs = frozenset({ROWS})

    def __init__(self, path: str | os.PathLike[str], *, batch_pages: int = BATCH_PAGES) -> None:
        if batch_pages < 1:
            raise ValueError("batch_pages must be at least 1")
        self.path = os.fspath(path)
        self.batch_pages = batch_pages
        self.batches_written = 0
        self._connection: duckdb.DuckDBPyConnection | None = None

    def open(self) -> None:
        self._connection = duckdb.connect(self.path)
        self._connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        for statement in create_statements():
            self._connection.execute(statement)
        # Into a new database only pages met earlier in this run can have rows to
        # replace: remembering those (~80 bytes a page) spares a scan per batch.
        count = 'SELECT (SELECT count(*) FROM films) + (SELECT count(*) FROM "problems")'
        self._fresh = self._connection.execute(count).fetchall()[0][0] == 0
        self._written: set[int] = set()
        self._start_batch()

    def _start_batch(self) -> None:
        # A fresh builder per batch: a page met again in a later batch replaces
        # the earlier rows (delete, then insert), as a later run would.
        self._builder = Batch()
        self._page_ids: set[str] = set()
        self._unread: set[str] = set()

    def write(self, result: PageResult) -> None:
        if result.skipped:
            return
        self._builder.add(result)
        key = result.sha256 if result.sha256 is not None else f"path:{result.path}"
        again = not self._fresh or _digest(key) in self._written
        self._written.add(_digest(key))
        if again and result.sha256 is None:
            self._unread.add(result.path)
        elif again and result.sha256 is not None:
            self._page_ids.add(result.sha256)
        if self._builder.pages >= self.batch_pages:
            self._flush()

    def _flush(self) -> None:
        if not self._builder.pages:
            return
        connection = self._connection
        assert connection is not None, "open() first"
        tables = self._builder.tables()
        ids = pa.table({"page_id": pa.array(sorted(self._page_ids), pa.string())})
        unread = pa.table({"source_path": pa.array(sorted(self._unread), pa.string())})
        connection.begin()
        try:
            connection.register("_filmparse_ids", ids)
            connection.register("_filmparse_unread", unread)
            for name in SCHEMAS if self._page_ids else ():
                connection.execute(
                    f'DELETE FROM "{name}" WHERE page_id IN (SELECT page_id FROM _filmparse_ids)'
                )
            if self._unread:
                connection.execute(
                    "DELETE FROM problems WHERE page_id IS NULL AND source_path IN "
                    "(SELECT source_path FROM _filmparse_unread)"
                )
            for name, table in tables.items():
                if table.num_rows:
                    connection.register("_filmparse_rows", table)
                    connection.execute(
                        f'INSERT INTO "{name}" BY NAME SELECT * FROM _filmparse_rows'
                    )
                    connection.unregister("_filmparse_rows")
            connection.commit()
        except BaseException:
            with suppress(Exception):
                connection.rollback()
            raise
        finally:
            for view in ("_filmparse_ids", "_filmparse_unread"):
                with suppress(Exception):
                    connection.unregister(view)
        self.batches_written += 1
        self._start_batch()

    def commit(self) -> None:
        try:
            self._flush()
        finally:
            self._close()

    def abort(self) -> None:
        self._close()  # the batch in hand was never sent: nothing to roll back

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
