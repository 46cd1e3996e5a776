"""The SQLite connection: opening (WAL, busy timeout, schema, first-time population) and transactions.

The connection runs in autocommit mode and every write goes through `transaction()`, an explicit
`BEGIN IMMEDIATE ... COMMIT`: a killed process leaves either the whole write or none of it, and
several processes may share one file (WAL lets readers run beside the single writer; the busy
timeout makes a second writer wait instead of failing).

`:memory:` databases are copies of a populated template kept per process and per `populate`
(populate callables compare equal when they seed the same data, e.g. the same seed day), so that
building a fresh sandbox (every test does) costs a copy rather than a new seed.
"""

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gateway.sandbox.store.schema import MIGRATIONS, SCHEMA_VERSION, STATEMENTS

Record = dict[str, Any]
MEMORY = ":memory:"
BUSY_TIMEOUT_S = 10.0


class Database:
    """One SQLite connection with small query helpers returning plain dicts."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Record]:
        return [dict(row) for row in self._connection.execute(sql, params)]

    def row(self, sql: str, params: Sequence[Any] = ()) -> Record | None:
        found = self._connection.execute(sql, params).fetchone()
        return dict(found) if found is not None else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        found = self._connection.execute(sql, params).fetchone()
        return found[0] if found is not None else None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._connection.execute(sql, params)

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        """Insert one row (column names come from code, never from requests); returns its id."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self._connection.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All statements inside commit together, or none does."""
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    def close(self) -> None:
        self._connection.close()


def open_database(path: str, populate: Callable[[Database], None]) -> Database:
    """Open (creating the directory and file as needed) and, on first use only, build and populate."""
    if path == MEMORY:
        connection = _connect(MEMORY)
        with _memory_templates_lock:
            _memory_template(populate).backup(connection)
        return Database(connection)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = _connect(path)
    try:
        _ensure_schema(Database(connection), populate)
    except BaseException:
        connection.close()
        raise
    return Database(connection)


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


_memory_templates: dict[Callable[[Database], None], sqlite3.Connection] = {}
_memory_templates_lock = threading.Lock()


def _memory_template(populate: Callable[[Database], None]) -> sqlite3.Connection:
    """The populated in-memory database `:memory:` sandboxes are copied from (call under the lock)."""
    # Tests build a fresh in-memory sandbox each: populating takes tens of milliseconds, copying
    # a populated template about one. Equal `populate`s seed equal data, so every copy is identical.
    template = _memory_templates.get(populate)
    if template is None:
        template = _connect(MEMORY)
        _ensure_schema(Database(template), populate)
        _memory_templates[populate] = template
    return template


def _ensure_schema(database: Database, populate: Callable[[Database], None]) -> None:
    # Checked inside an immediate transaction so two processes opening a new file populate it once.
    with database.transaction():
        version = database.scalar("PRAGMA user_version")
        while version in MIGRATIONS:
            for statement in MIGRATIONS[version]:
                database.execute(statement)
            version += 1
            database.execute(f"PRAGMA user_version = {version}")
        if version == SCHEMA_VERSION:
            return
        if version != 0:
            raise RuntimeError(
                f"sandbox database has schema version {version}, expected {SCHEMA_VERSION}; "
                "delete the file to recreate it"
            )
        for statement in STATEMENTS:
            database.execute(statement)
        populate(database)
        database.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
