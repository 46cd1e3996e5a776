"""The sandbox's SQLite store: one file (or `:memory:`), created and populated on first open."""

from collections.abc import Callable

from gateway.sandbox.store.activities import (
    SORT_KEYS,
    ActivityFilter,
    ActivityOrder,
    ActivityRepository,
    WriteResult,
    encode_json_columns,
)
from gateway.sandbox.store.database import MEMORY, Database, Record, open_database
from gateway.sandbox.store.entities import Entity, EntityRepository, TokenKind
from gateway.sandbox.store.webhooks import WebhookRepository


class Store:
    """The open database and the repositories over it."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.activities = ActivityRepository(database)
        self.entities = EntityRepository(database)
        self.webhooks = WebhookRepository(database)

    @classmethod
    def open(cls, path: str, populate: Callable[[Database], None]) -> "Store":
        """Open `path`; `populate` runs once, when the file is new."""
        return cls(open_database(path, populate))

    def meta(self, key: str) -> str | None:
        """A value of the `sandbox_meta` table."""
        value = self.database.scalar("SELECT value FROM sandbox_meta WHERE key = ?", [key])
        return None if value is None else str(value)

    def close(self) -> None:
        self.database.close()


__all__ = [
    "MEMORY",
    "SORT_KEYS",
    "ActivityFilter",
    "ActivityOrder",
    "ActivityRepository",
    "Database",
    "Entity",
    "EntityRepository",
    "Record",
    "Store",
    "TokenKind",
    "WebhookRepository",
    "WriteResult",
    "encode_json_columns",
]
