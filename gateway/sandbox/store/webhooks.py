"""Webhook registrations (`/v1/webhooks`): kept per company, each owned by the user it acts as."""

from gateway.sandbox.store.database import Database, Record


class WebhookRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def all(self, company_id: int) -> list[Record]:
        return self._db.rows("SELECT * FROM webhooks WHERE company_id = ? ORDER BY id", [company_id])

    def get(self, company_id: int, webhook_id: int) -> Record | None:
        return self._db.row("SELECT * FROM webhooks WHERE company_id = ? AND id = ?", [company_id, webhook_id])

    def count_for_user(self, company_id: int, user_id: int) -> int:
        return int(
            self._db.scalar("SELECT COUNT(*) FROM webhooks WHERE company_id = ? AND user_id = ?", [company_id, user_id])
        )

    def matching(self, company_id: int, event_object: str, event_action: str) -> list[Record]:
        """The company's webhooks an event of `event_object` × `event_action` triggers (wildcards too)."""
        return self._db.rows(
            "SELECT * FROM webhooks WHERE company_id = ? AND event_object IN (?, '*') AND event_action IN (?, '*') "
            "ORDER BY id",
            [company_id, event_object, event_action],
        )

    def insert(self, values: Record) -> int:
        with self._db.transaction():
            return self._db.insert("webhooks", values)

    def delete(self, company_id: int, webhook_id: int) -> bool:
        with self._db.transaction():
            cursor = self._db.execute("DELETE FROM webhooks WHERE company_id = ? AND id = ?", [company_id, webhook_id])
        return cursor.rowcount > 0

    def note_delivery(self, webhook_id: int, time: str, status: int | None) -> None:
        with self._db.transaction():
            self._db.execute(
                "UPDATE webhooks SET last_delivery_time = ?, last_http_status = ? WHERE id = ?",
                [time, status, webhook_id],
            )
