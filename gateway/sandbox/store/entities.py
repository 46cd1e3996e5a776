"""Everything but activities: companies, tokens, users, activity types, persons, organizations,
deals, pipelines, stages and saved filters, always scoped to one company.

Persons, organizations and deals are read through their views, which add owner/org/person names,
the company's mail domain and an organization's `people_count`.
"""

import json
from collections.abc import Sequence
from typing import Any, Literal

from gateway.sandbox.store.database import Database, Record

TokenKind = Literal["api_token", "oauth"]
_VIEWS = {"person": "person_view", "organization": "organization_view", "deal": "deal_view"}
Entity = Literal["person", "organization", "deal"]


class EntityRepository:
    """Lookups of the entities activities link to."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def token_owner(self, token: str, kind: TokenKind) -> Record | None:
        """`{company_id, user_id, is_admin}` for a token of that kind held by an active user."""
        return self._db.row(
            "SELECT u.company_id, u.id AS user_id, u.is_admin FROM tokens t "
            "JOIN users u ON u.id = t.user_id WHERE t.token = ? AND t.kind = ? AND u.active_flag = 1",
            [token, kind],
        )

    def company(self, company_id: int) -> Record | None:
        """`{id, name, domain, country, industry}` of a company."""
        return self._db.row("SELECT * FROM companies WHERE id = ?", [company_id])

    def users(self, company_id: int, ids: Sequence[int] | None = None) -> list[Record]:
        """The company's users (all, or those among `ids`), by id."""
        return self._in_company("users", company_id, ids)

    def user(self, company_id: int, user_id: int) -> Record | None:
        return _first(self.users(company_id, [user_id]))

    def activity_types(self, company_id: int) -> list[Record]:
        """All types of the company, inactive ones included, in picker order."""
        return self._db.rows("SELECT * FROM activity_types WHERE company_id = ? ORDER BY order_nr, id", [company_id])

    def entities(self, entity: Entity, company_id: int, ids: Sequence[int]) -> list[Record]:
        """The active persons, organizations or deals among `ids`, by id."""
        rows = self._in_company(_VIEWS[entity], company_id, ids, active_only=True)
        return [_decode_contacts(row) for row in rows]

    def entity(self, entity: Entity, company_id: int, entity_id: int) -> Record | None:
        return _first(self.entities(entity, company_id, [entity_id]))

    def stage(self, company_id: int, stage_id: int) -> Record | None:
        return _first(self._in_company("stages", company_id, [stage_id]))

    def pipeline(self, company_id: int, pipeline_id: int) -> Record | None:
        return _first(self._in_company("pipelines", company_id, [pipeline_id]))

    def saved_filter(self, company_id: int, filter_id: int) -> Record | None:
        """A saved filter with its `conditions` decoded."""
        found = _first(self._in_company("filters", company_id, [filter_id]))
        if found is not None:
            found["conditions"] = json.loads(found["conditions"])
        return found

    def activity_counts(self, company_id: int, column: str, entity_id: int) -> Record:
        """`{total, done}` counts of active activities whose `column` (person_id/org_id) matches."""
        assert column in ("person_id", "org_id", "deal_id")
        counts = self._db.row(
            f"SELECT COUNT(*) AS total, COALESCE(SUM(done), 0) AS done FROM activities "
            f"WHERE company_id = ? AND active_flag = 1 AND {column} = ?",
            [company_id, entity_id],
        )
        assert counts is not None
        return counts

    def _in_company(
        self, table: str, company_id: int, ids: Sequence[int] | None, *, active_only: bool = False
    ) -> list[Record]:
        clauses = ["company_id = ?"]
        params: list[Any] = [company_id]
        if active_only:
            clauses.append("active_flag = 1")
        if ids is not None:
            clauses.append(f"id IN ({', '.join('?' for _ in ids)})")
            params.extend(ids)
        return self._db.rows(f"SELECT * FROM {table} WHERE {' AND '.join(clauses)} ORDER BY id", params)


def _first(rows: list[Record]) -> Record | None:
    return rows[0] if rows else None


def _decode_contacts(row: Record) -> Record:
    for column in ("emails", "phones"):
        if column in row:
            row[column] = json.loads(row[column])
    return row
