"""The benchmark scenarios: one GraphQL operation each, and its floor.

The floor is what the gateway cannot avoid: the same upstream call(s), made directly with httpx, the
JSON reshaped by hand into what the gateway answers (no GraphQL), and encoded. `gateway p50 / floor
p50` is the gateway's added cost. The suite checks once per scenario that a floor's `data` equals the
gateway's, so a floor never does less work than it claims.

This module imports nothing from `gateway`: the driver process loads it to run floors.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

Json = dict[str, Any]

# --- the selections -----------------------------------------------------------------------------

SCALAR_FIELDS: tuple[tuple[str, str, str], ...] = (
    # (GraphQL field, v1 upstream name, conversion)
    ("pipedriveId", "id", "int"),
    ("subject", "subject", "str"),
    ("type", "type", "str"),
    ("done", "done", "bool"),
    ("dueDate", "due_date", "date"),
    ("dueTime", "due_time", "hhmm"),
    ("duration", "duration", "hhmm"),
    ("busyFlag", "busy_flag", "bool"),
    ("addTime", "add_time", "datetime"),
    ("updateTime", "update_time", "datetime"),
    ("markedAsDoneTime", "marked_as_done_time", "datetime"),
    ("activeFlag", "active_flag", "bool"),
    ("userId", "user_id", "int"),
    ("orgId", "org_id", "int"),
    ("personId", "person_id", "int"),
    ("dealId", "deal_id", "int"),
    ("leadId", "lead_id", "text"),
    ("projectId", "project_id", "int"),
    ("location", "location", "text"),
    ("publicDescription", "public_description", "text"),
    ("conferenceMeetingUrl", "conference_meeting_url", "text"),
    ("locationRoute", "location_route", "text"),
    ("locationLocality", "location_locality", "text"),
    ("locationCountry", "location_country", "text"),
    ("locationPostalCode", "location_postal_code", "text"),
)
"""25 plain scalar fields of Activity."""
SCALARS = " ".join(name for name, _, _ in SCALAR_FIELDS)
ALIAS_FIELDS = SCALAR_FIELDS[:5]
ALIAS_COUNT = 50
LINKED_SELECTION = (
    "pipedriveId subject owner { name email } creator { name } person { name } "
    "organization { name address } deal { title status value currency } activityType { name keyString }"
)
LINKED_FIELDS = ("owner", "creator", "person", "organization", "deal", "activityType")
ADD_INPUT = {"subject": "Bench call", "type": "call", "dueDate": "2025-03-14", "dueTime": "09:30", "duration": "00:30"}
ADD_SELECTION = "activity { " + " ".join(n for n, _, _ in SCALAR_FIELDS[:7]) + " } userErrors { field message code }"


@dataclass(frozen=True)
class Fixture:
    """Ids the suite found in the sandbox before measuring."""

    activity_id: int
    alias_ids: tuple[int, ...]

    def as_json(self) -> str:
        return json.dumps({"activity_id": self.activity_id, "alias_ids": list(self.alias_ids)})

    @classmethod
    def from_json(cls, text: str) -> Fixture:
        raw = json.loads(text)
        return cls(int(raw["activity_id"]), tuple(int(i) for i in raw["alias_ids"]))


@dataclass
class FloorState:
    """What a floor keeps between operations, as the gateway does: the activity types (the gateway
    caches them for minutes)."""

    activity_types: dict[str, Json] | None = None


FloorOp = Callable[[httpx.AsyncClient, Fixture, FloorState], Awaitable[Json]]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    request: Callable[[Fixture], Json]
    """The GraphQL request body."""
    floor: FloorOp
    """The same upstream calls, reshaped by hand: returns the `data` the gateway answers."""
    requires: tuple[tuple[str, str], ...] = ()
    """(type, field) pairs the schema must have; the scenario is skipped without them."""
    writes: bool = False
    volatile_keys: frozenset[str] = field(default_factory=frozenset)
    """Keys whose values differ between two runs (a new activity's id): left out of the floor check."""


# --- conversions, by hand ---------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value["value"]) if isinstance(value, dict) else int(value)


def _bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    return bool(int(value)) if isinstance(value, (int, str)) else bool(value)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _text(value: Any) -> str | None:
    """Optional text: the upstream's `""` for unset is null."""
    return None if value is None or value == "" else str(value)


def _date(value: Any) -> str | None:
    return str(value)[:10] if value else None


def _hhmm(value: Any) -> str | None:
    return str(value)[:5] if value else None


def _datetime(value: Any) -> str | None:
    """v1 `YYYY-MM-DD HH:MM:SS` (UTC) or v2 `...Z` as ISO 8601 with the offset."""
    if not value:
        return None
    text = str(value)
    if text.endswith("Z"):
        return text[:-1] + "+00:00"
    return text.replace(" ", "T") + "+00:00"


CONVERT: dict[str, Callable[[Any], Any]] = {
    "int": _int,
    "bool": _bool,
    "str": _str,
    "text": _text,
    "date": _date,
    "hhmm": _hhmm,
    "datetime": _datetime,
}


def reshape(item: Mapping[str, Any], fields: tuple[tuple[str, str, str], ...] = SCALAR_FIELDS) -> Json:
    """A v1-named activity as the gateway's selection of `fields`."""
    return {name: CONVERT[kind](item.get(upstream)) for name, upstream, kind in fields}


_V2_RENAMES = {"owner_id": "user_id", "creator_user_id": "created_by_user_id", "busy": "busy_flag"}
_LOCATION_PARTS = (
    "subpremise",
    "street_number",
    "route",
    "sublocality",
    "locality",
    "admin_area_level_1",
    "admin_area_level_2",
    "country",
    "postal_code",
    "formatted_address",
)


def v2_as_v1(item: Mapping[str, Any]) -> Json:
    """A v2 activity under v1 names (the parts the selections use)."""
    out: Json = {_V2_RENAMES.get(key, key): value for key, value in item.items()}
    out["active_flag"] = not item.get("is_deleted", False)
    location = item.get("location")
    if isinstance(location, dict):
        out["location"] = location.get("value")
        out.update({f"location_{part}": location.get(part) for part in _LOCATION_PARTS})
    return out


# --- the floors ---------------------------------------------------------------------------------------


async def _get(http: httpx.AsyncClient, path: str, params: Mapping[str, Any] | None = None) -> Json:
    response = await http.get(path, params=params)
    response.raise_for_status()
    payload: Json = response.json()
    return payload


async def _v2_activities(http: httpx.AsyncClient, ids: tuple[int, ...]) -> dict[int, Json]:
    params = {"ids": ",".join(map(str, ids)), "limit": "100", "include_fields": "attendees"}
    payload = await _get(http, "v2/activities", params)
    return {int(item["id"]): v2_as_v1(item) for item in payload.get("data") or ()}


async def floor_activity(http: httpx.AsyncClient, fixture: Fixture, _state: FloorState) -> Json:
    """One id: `GET /v1/activities/{id}`, as the gateway does for a batch of one (2 tokens, not 10)."""
    response = await http.get(f"v1/activities/{fixture.activity_id}")
    item = response.json().get("data") if response.status_code == 200 else None
    return {"activity": reshape(item) if item and item.get("active_flag") else None}


async def floor_page(http: httpx.AsyncClient, _fixture: Fixture, _state: FloorState) -> Json:
    payload = await _get(http, "v1/activities", {"user_id": "0", "start": "0", "limit": "100"})
    return {"activities": {"nodes": [reshape(item) for item in payload.get("data") or ()]}}


async def floor_collection(http: httpx.AsyncClient, _fixture: Fixture, _state: FloorState) -> Json:
    payload = await _get(http, "v1/activities/collection", {"limit": "500"})
    return {"activitiesCollection": {"nodes": [reshape(item) for item in payload.get("data") or ()]}}


async def floor_aliases(http: httpx.AsyncClient, fixture: Fixture, _state: FloorState) -> Json:
    found = await _v2_activities(http, fixture.alias_ids)
    return {
        f"a{index}": reshape(found[i], ALIAS_FIELDS) if i in found else None
        for index, i in enumerate(fixture.alias_ids)
    }


async def _activity_types(http: httpx.AsyncClient, state: FloorState) -> dict[str, Json]:
    if state.activity_types is None:
        payload = await _get(http, "v1/activityTypes")
        state.activity_types = {t["key_string"]: t for t in payload.get("data") or ()}
    return state.activity_types


def _linked_node(item: Json, related: Json, types: dict[str, Json]) -> Json:
    users, persons = related.get("user") or {}, related.get("person") or {}
    orgs, deals = related.get("organization") or {}, related.get("deal") or {}

    def pick(table: Json, key: Any) -> Json | None:
        return table.get(str(key)) if key is not None else None

    owner, creator = pick(users, item.get("user_id")), pick(users, item.get("created_by_user_id"))
    person, org = pick(persons, item.get("person_id")), pick(orgs, item.get("org_id"))
    deal, kind = pick(deals, item.get("deal_id")), types.get(item.get("type") or "")
    return {
        "pipedriveId": item["id"],
        "subject": item.get("subject"),
        "owner": {"name": owner["name"], "email": owner.get("email")} if owner else None,
        "creator": {"name": creator["name"]} if creator else None,
        "person": {"name": person["name"]} if person else None,
        "organization": {"name": org["name"], "address": org.get("address")} if org else None,
        "deal": {
            "title": deal["title"],
            "status": deal.get("status"),
            "value": float(deal["value"]) if deal.get("value") is not None else None,
            "currency": deal.get("currency"),
        }
        if deal
        else None,
        "activityType": {"name": kind["name"], "keyString": kind["key_string"]} if kind else None,
    }


async def floor_linked(http: httpx.AsyncClient, _fixture: Fixture, state: FloorState) -> Json:
    types = await _activity_types(http, state)
    payload = await _get(http, "v1/activities", {"user_id": "0", "start": "0", "limit": "100"})
    related = payload.get("related_objects") or {}
    return {"activities": {"nodes": [_linked_node(item, related, types) for item in payload.get("data") or ()]}}


async def floor_add(http: httpx.AsyncClient, _fixture: Fixture, _state: FloorState) -> Json:
    body = {
        "subject": ADD_INPUT["subject"],
        "type": ADD_INPUT["type"],
        "due_date": ADD_INPUT["dueDate"],
        "due_time": ADD_INPUT["dueTime"],
        "duration": ADD_INPUT["duration"],
    }
    response = await http.post("v1/activities", json=body)
    response.raise_for_status()
    item = response.json()["data"]
    return {"addActivity": {"activity": reshape(item, SCALAR_FIELDS[:7]), "userErrors": []}}


# --- the scenarios --------------------------------------------------------------------------------


def _activity_request(fixture: Fixture) -> Json:
    return {
        "query": f"query One($id: ID!) {{ activity(id: $id) {{ {SCALARS} }} }}",
        "variables": {"id": str(fixture.activity_id)},
    }


def _aliases_request(fixture: Fixture) -> Json:
    fields = " ".join(name for name, _, _ in ALIAS_FIELDS)
    lookups = " ".join(f'a{index}: activity(id: "{i}") {{ {fields} }}' for index, i in enumerate(fixture.alias_ids))
    return {"query": f"query Aliases {{ {lookups} }}"}


def _add_request(_fixture: Fixture) -> Json:
    return {
        "query": f"mutation Add($input: AddActivityInput!) {{ addActivity(input: $input) {{ {ADD_SELECTION} }} }}",
        "variables": {"input": ADD_INPUT},
    }


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("activity", "activity(id:), 25 fields", _activity_request, floor_activity),
    Scenario(
        "page100",
        "activities(first: 100), 25 fields",
        lambda _f: {"query": f"query Page {{ activities(first: 100, userId: 0) {{ nodes {{ {SCALARS} }} }} }}"},
        floor_page,
    ),
    Scenario(
        "linked100",
        "activities(first: 100), every linked object",
        lambda _f: {
            "query": f"query Linked {{ activities(first: 100, userId: 0) {{ nodes {{ {LINKED_SELECTION} }} }} }}"
        },
        floor_linked,
        requires=tuple(("Activity", name) for name in LINKED_FIELDS),
    ),
    Scenario(
        "collection500",
        "activitiesCollection(first: 500), 25 fields",
        lambda _f: {"query": f"query Collection {{ activitiesCollection(first: 500) {{ nodes {{ {SCALARS} }} }} }}"},
        floor_collection,
    ),
    Scenario("aliases50", "50 aliased activity(id:), 5 fields", _aliases_request, floor_aliases),
    Scenario(
        "addActivity",
        "addActivity, 7 fields back",
        _add_request,
        floor_add,
        requires=(("Mutation", "addActivity"),),
        writes=True,
        volatile_keys=frozenset({"pipedriveId"}),
    ),
)
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
