"""Activity rows: filtered pages, lookups by id, inserts, partial updates and soft deletes.

Reads come from `activity_view` (the table plus owner/person/org/deal names and the company's
mail domain); JSON columns are decoded on the way out and encoded on the way in, so callers see
Python lists and dicts. Every query is scoped to one company. v1 lists are ordered by id
(UNCONFIRMED upstream; id order is stable while activities are edited); v2 lists by a sort key with
ties broken by id in the same direction, read from a keyset position (the first row to return).
Undated activities sort as if their `due_date` came after every date: last ascending, first
descending (UNCONFIRMED upstream; PostgreSQL's default placement of nulls).
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.sandbox.fields import JSON_FIELDS
from gateway.sandbox.store.database import Database, Record


@dataclass(frozen=True)
class ActivityFilter:
    """Conditions on active activities; unset members do not filter. Bounds are inclusive."""

    user_id: int | None = None
    types: tuple[str, ...] = ()
    done: bool | None = None
    due_from: str | None = None
    due_to: str | None = None
    updated_since: str | None = None
    updated_until: str | None = None
    updated_before: str | None = None
    """Exclusive, unlike `updated_until` (v2's `updated_until` is "earlier than")."""
    deal_id: int | None = None
    lead_id: str | None = None
    person_id: int | None = None
    org_id: int | None = None
    ids: tuple[int, ...] | None = None
    """Only these ids (None: any id)."""

    def where(self) -> tuple[list[str], list[Any]]:
        """SQL conditions (ANDed) and their parameters."""
        conditions = [
            ("user_id = ?", self.user_id),
            ("done = ?", None if self.done is None else int(self.done)),
            ("due_date >= ?", self.due_from),
            ("due_date <= ?", self.due_to),
            ("update_time >= ?", self.updated_since),
            ("update_time <= ?", self.updated_until),
            ("update_time < ?", self.updated_before),
            ("deal_id = ?", self.deal_id),
            ("lead_id = ?", self.lead_id),
            ("person_id = ?", self.person_id),
            ("org_id = ?", self.org_id),
        ]
        clauses = [sql for sql, value in conditions if value is not None]
        params: list[Any] = [value for _, value in conditions if value is not None]
        if self.types:
            clauses.append(f"type IN ({_marks(self.types)})")
            params.extend(self.types)
        if self.ids is not None:
            clauses.append(f"id IN ({_marks(self.ids)})")
            params.extend(self.ids)
        return clauses, params


SORT_KEYS: tuple[str, ...] = ("id", "update_time", "add_time", "due_date")
_UNDATED = "~"
"""Stands for a null `due_date` in comparisons: sorts after every `YYYY-MM-DD`."""
_SORT_EXPRESSIONS = {
    "id": "id",
    "update_time": "update_time",
    "add_time": "add_time",
    "due_date": f"COALESCE(due_date, '{_UNDATED}')",
}


@dataclass(frozen=True)
class ActivityOrder:
    """A v2 list order: a column of SORT_KEYS, ties broken by id, both in one direction."""

    sort_by: str
    descending: bool = False

    def key(self, row: Record) -> Any:
        """The row's sort key value (None for an undated activity sorted by `due_date`)."""
        return row[self.sort_by]


@dataclass(frozen=True)
class WriteResult:
    """The id written and the id of the change story recorded with it."""

    activity_id: int
    story_id: int


class ActivityRepository:
    """Activity queries for one database, always scoped to a company."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def page(self, company_id: int, filters: Sequence[ActivityFilter], *, offset: int, limit: int) -> list[Record]:
        """Active activities matching every filter, by id, `limit` rows from `offset`."""
        where, params = _active_where(company_id, filters)
        sql = f"SELECT * FROM activity_view WHERE {where} ORDER BY id LIMIT ? OFFSET ?"
        return self._decoded(sql, [*params, limit, offset])

    def after(self, company_id: int, filters: Sequence[ActivityFilter], *, after_id: int, limit: int) -> list[Record]:
        """Active activities matching every filter with an id above `after_id`, by id."""
        where, params = _active_where(company_id, filters)
        sql = f"SELECT * FROM activity_view WHERE {where} AND id > ? ORDER BY id LIMIT ?"
        return self._decoded(sql, [*params, after_id, limit])

    def sorted_page(
        self,
        company_id: int,
        filters: Sequence[ActivityFilter],
        order: ActivityOrder,
        *,
        start: tuple[Any, int] | None,
        limit: int,
    ) -> list[Record]:
        """Active activities matching every filter in `order`, `limit` rows from the position
        `start` (`(sort key value, id)` of the first row to return; None: from the beginning)."""
        where, params = _active_where(company_id, filters)
        key = _SORT_EXPRESSIONS[order.sort_by]
        direction = "DESC" if order.descending else "ASC"
        if start is not None:
            where += f" AND ({key}, id) {'<=' if order.descending else '>='} (?, ?)"
            start_key, start_id = start
            params += [_UNDATED if start_key is None else start_key, start_id]
        sql = f"SELECT * FROM activity_view WHERE {where} ORDER BY {key} {direction}, id {direction} LIMIT ?"
        return self._decoded(sql, [*params, limit])

    def get(self, company_id: int, activity_id: int) -> Record | None:
        """One activity, deleted or not."""
        rows = self._decoded("SELECT * FROM activity_view WHERE company_id = ? AND id = ?", [company_id, activity_id])
        return rows[0] if rows else None

    def insert(self, values: Record, *, now: str) -> WriteResult:
        """Store a new activity (all columns but id given) with its creation story."""
        with self._db.transaction():
            activity_id = self._db.insert("activities", encode_json_columns(values))
            story_id = self._story(values["company_id"], activity_id, values["user_id"], "added", now)
        return WriteResult(activity_id, story_id)

    def update(self, company_id: int, activity_id: int, changes: Record, *, user_id: int, now: str) -> WriteResult:
        """Apply `changes` (column -> value) to an active activity; KeyError if there is none."""
        values = {**encode_json_columns(changes), "update_time": now, "update_user_id": user_id}
        assignments = ", ".join(f"{column} = ?" for column in values)
        with self._db.transaction():
            cursor = self._db.execute(
                f"UPDATE activities SET {assignments} WHERE company_id = ? AND id = ? AND active_flag = 1",
                [*values.values(), company_id, activity_id],
            )
            if cursor.rowcount == 0:
                raise KeyError(activity_id)
            story_id = self._story(company_id, activity_id, user_id, "updated", now)
        return WriteResult(activity_id, story_id)

    def soft_delete(self, company_id: int, ids: Iterable[int], *, user_id: int, now: str) -> list[int]:
        """Mark the active ones among `ids` deleted; returns those, in the order given."""
        deleted: list[int] = []
        with self._db.transaction():
            for activity_id in dict.fromkeys(ids):
                cursor = self._db.execute(
                    "UPDATE activities SET active_flag = 0, update_time = ?, update_user_id = ? "
                    "WHERE company_id = ? AND id = ? AND active_flag = 1",
                    [now, user_id, company_id, activity_id],
                )
                if cursor.rowcount:
                    deleted.append(activity_id)
                    self._story(company_id, activity_id, user_id, "deleted", now)
        return deleted

    def has_undone_in_context(self, activity: Record) -> bool:
        """Whether another active, undone activity shares this one's deal, person or organization."""
        return bool(
            self._db.scalar(
                "SELECT EXISTS (SELECT 1 FROM activities WHERE company_id = ? AND id != ? "
                "AND active_flag = 1 AND done = 0 AND (deal_id = ? OR person_id = ? OR org_id = ?))",
                [
                    activity["company_id"],
                    activity["id"],
                    activity["deal_id"],
                    activity["person_id"],
                    activity["org_id"],
                ],
            )
        )

    def _story(self, company_id: int, activity_id: int, user_id: int, action: str, now: str) -> int:
        return self._db.insert(
            "stories",
            {
                "company_id": company_id,
                "activity_id": activity_id,
                "user_id": user_id,
                "action": action,
                "time": now,
            },
        )

    def _decoded(self, sql: str, params: Sequence[Any]) -> list[Record]:
        return [_decoded(row) for row in self._db.rows(sql, params)]


def _active_where(company_id: int, filters: Sequence[ActivityFilter]) -> tuple[str, list[Any]]:
    clauses = ["company_id = ?", "active_flag = 1"]
    params: list[Any] = [company_id]
    for activity_filter in filters:
        more_clauses, more_params = activity_filter.where()
        clauses.extend(more_clauses)
        params.extend(more_params)
    return " AND ".join(clauses), params


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def encode_json_columns(values: Record) -> Record:
    """`values` with the JSON columns (series, attendees, participants, file) serialised."""
    return {
        column: json.dumps(value) if column in JSON_FIELDS and value is not None else value
        for column, value in values.items()
    }


def _decoded(row: Record) -> Record:
    for column in JSON_FIELDS:
        if row[column] is not None:
            row[column] = json.loads(row[column])
    return row
