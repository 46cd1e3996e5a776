"""The three upstream shapes of users, persons, organizations and deals parse to the same records.

The sandbox serves each object as a `related_objects` summary, a v1 detail object (with expanded
`*_id` objects) and a v2 object; every field two shapes share must read the same, and a field a
shape lacks must be absent from `present` (never a null mistaken for a value).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.upstream.entities import (
    ContactDetail,
    parse_related_objects,
    parse_user,
    parse_v1_deal,
    parse_v1_organization,
    parse_v1_person,
    parse_v2_deal,
    parse_v2_organization,
    parse_v2_person,
)
from gateway.upstream.record import Record

pytestmark = pytest.mark.anyio


async def related_of_first_page(rest: httpx.AsyncClient) -> dict[str, Any]:
    body = (await rest.get("/api/v1/activities", params={"user_id": "0", "limit": "100"})).json()
    related: dict[str, Any] = body["related_objects"]
    return related


async def v2_one(rest: httpx.AsyncClient, entity: str, entity_id: int) -> dict[str, Any]:
    (item,) = (await rest.get(f"/api/v2/{entity}", params={"ids": str(entity_id)})).json()["data"]
    assert isinstance(item, dict)
    return item


def assert_agree(*records: Record) -> None:
    """Every field two of the records carry has the same value in both."""
    for a in records:
        for b in records:
            for name in a.present & b.present:
                assert getattr(a, name) == getattr(b, name), (name, type(a).__name__)


async def test_person_summary_detail_and_v2_agree(rest: httpx.AsyncClient) -> None:
    related = parse_related_objects(await related_of_first_page(rest))
    person_id, summary = next(iter(related.persons.items()))
    detail = parse_v1_person((await rest.get(f"/api/v1/persons/{person_id}")).json()["data"])
    v2 = parse_v2_person(await v2_one(rest, "persons", person_id))
    assert_agree(summary, detail, v2)
    assert summary.present == {"id", "name", "emails", "phones", "owner_id"}
    assert {"org_id", "add_time", "active_flag", "first_name"} <= detail.present & v2.present
    assert detail.org_id == v2.org_id is not None  # the detail's expanded `org_id` object, unwrapped
    assert all(isinstance(email, ContactDetail) for email in v2.emails or [])
    assert v2.add_time is not None and v2.add_time.tzinfo is not None


async def test_organization_summary_detail_and_v2_agree(rest: httpx.AsyncClient) -> None:
    related = parse_related_objects(await related_of_first_page(rest))
    org_id, summary = next(iter(related.organizations.items()))
    detail = parse_v1_organization((await rest.get(f"/api/v1/organizations/{org_id}")).json()["data"])
    v2 = parse_v2_organization(await v2_one(rest, "organizations", org_id))
    assert_agree(summary, detail, v2)
    assert "address_locality" not in summary.present
    assert v2.address == summary.address and v2.address_locality is not None
    assert detail.owner_id == v2.owner_id == summary.owner_id


async def test_deal_summary_detail_and_v2_agree(rest: httpx.AsyncClient) -> None:
    related = parse_related_objects(await related_of_first_page(rest))
    deal_id, summary = next(iter(related.deals.items()))
    detail = parse_v1_deal((await rest.get(f"/api/v1/deals/{deal_id}")).json()["data"])
    v2 = parse_v2_deal(await v2_one(rest, "deals", deal_id))
    assert_agree(summary, detail, v2)
    assert "owner_id" not in summary.present
    assert detail.owner_id == v2.owner_id is not None  # v1 `user_id` (expanded) and v2 `owner_id`
    assert detail.active_flag is v2.active_flag is True  # v1 `deleted` and v2 `is_deleted`, negated


async def test_user_summary_list_item_and_expanded_user_agree(rest: httpx.AsyncClient) -> None:
    related = parse_related_objects(await related_of_first_page(rest))
    person = next(p for p in related.persons.values() if p.owner_id in related.users)
    assert person.owner_id is not None
    summary = related.users[person.owner_id]
    listed = {u["id"]: parse_user(u) for u in (await rest.get("/api/v1/users")).json()["data"]}[summary.id]
    expanded = parse_user((await rest.get(f"/api/v1/persons/{person.id}")).json()["data"]["owner_id"])
    assert expanded.id == summary.id
    assert_agree(summary, listed, expanded)
    assert summary.present == {"id", "name", "email", "active_flag"}
    assert listed.timezone_name and listed.access and listed.created is not None


def test_an_expanded_object_without_id_takes_it_from_value() -> None:
    record = parse_v1_organization({"name": "Acme", "owner_id": 4, "address": "", "value": 6})
    assert (record.id, record.name, record.address) == (6, "Acme", None)


def test_completion_keeps_own_fields_and_adds_the_missing_ones() -> None:
    summary = parse_v1_person({"id": 3, "name": "New name", "email": [], "phone": [], "owner_id": 2})
    complete = parse_v2_person({"id": 3, "name": "Old name", "org_id": 9, "is_deleted": False})
    merged = summary.completed_by(complete)
    assert (merged.name, merged.org_id, merged.active_flag) == ("New name", 9, True)
    assert {"org_id", "active_flag", "owner_id"} <= merged.present


def test_a_record_field_with_a_default_is_refused_where_it_is_declared() -> None:
    """A class-level default would answer every read and hide the payload's value from the lazy
    conversion, silently; so the class itself is refused."""
    with pytest.raises(TypeError, match="annotations only"):

        class Defaulted(Record):
            name: str | None = None
