"""`related_objects` of v1 activity answers (REFERENCE §3.4).

Maps keyed by id strings, holding only what the returned activities reference: their owners
(`user_id` only; whether upstream also adds creators/updaters is UNCONFIRMED), primary persons,
organizations and deals. A map with no entries is left out.
"""

from collections.abc import Callable, Iterable
from typing import Any

from gateway.sandbox import shapes_v1
from gateway.sandbox.store import Entity, EntityRepository, Record

JSONObject = dict[str, Any]


def related_objects(
    entities: EntityRepository, company_id: int, activities: Iterable[Record], *, with_active_flag: bool
) -> JSONObject:
    """The related objects of `activities`; person/organization entries get `active_flag` on writes."""
    rows = list(activities)
    related: JSONObject = {}
    user_ids = _ids(rows, "user_id")
    if user_ids:
        related["user"] = _keyed(entities.users(company_id, user_ids), shapes_v1.user_summary)
    shapers: tuple[tuple[str, Entity, str, Callable[[Record], JSONObject]], ...] = (
        ("person", "person", "person_id", lambda row: shapes_v1.person_summary(row, with_active_flag=with_active_flag)),
        (
            "organization",
            "organization",
            "org_id",
            lambda row: shapes_v1.organization_summary(row, with_active_flag=with_active_flag),
        ),
        ("deal", "deal", "deal_id", shapes_v1.deal_summary),
    )
    for key, entity, column, shape in shapers:
        ids = _ids(rows, column)
        if ids:
            related[key] = _keyed(entities.entities(entity, company_id, ids), shape)
    return related


def _ids(rows: list[Record], column: str) -> list[int]:
    return sorted({row[column] for row in rows if row[column] is not None})


def _keyed(rows: list[Record], shape: Callable[[Record], JSONObject]) -> JSONObject:
    return {str(row["id"]): shape(row) for row in rows}
