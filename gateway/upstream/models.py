"""Typed records for upstream payloads, parsed once at the boundary.

Upstream quirks end here: `""` for an unset date or time becomes None, 0/1 flags become booleans,
`"YYYY-MM-DD HH:MM:SS"` (v1) and RFC 3339 (v2) timestamps become aware datetimes, v2 names are mapped
back to v1 names. Every record keeps `present`, the set of fields its payload actually carried, so a
field the payload lacked (the slim `/collection` item, a v2 object) is never mistaken for a null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .entities import RelatedObjects  # typed summaries, parsed in entities.py

Json = Mapping[str, Any]


@dataclass(slots=True)
class Participant:
    person_id: int | None
    primary_flag: bool


@dataclass(slots=True)
class Attendee:
    email_address: str | None
    name: str | None
    status: str | None
    is_organizer: bool
    person_id: int | None
    user_id: int | None


@dataclass(slots=True)
class SeriesItem:
    due_date: dt.date | None
    due_time: str | None


@dataclass(slots=True)
class ActivityFile:
    id: str
    clean_name: str | None
    url: str | None


# --- scalar converters --------------------------------------------------------------------------


def to_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):  # v1 detail objects expand *_id fields into {..., "value": id}
        value = value.get("value", value.get("id"))
    return int(value)


def to_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    return bool(int(value)) if isinstance(value, (int, str)) else bool(value)


def to_str(value: Any) -> str | None:
    return None if value is None else str(value)


def to_text(value: Any) -> str | None:
    """Optional text: the upstream writes "unset" as `""` or null indifferently; here it is null."""
    return None if value is None or value == "" else str(value)


def to_date(value: Any) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(str(value)[:10])


def to_datetime(value: Any) -> dt.datetime | None:
    """v1 `YYYY-MM-DD HH:MM:SS` (UTC, no zone) or v2 RFC 3339, as an aware UTC datetime."""
    if not value:
        return None
    text = str(value).replace("Z", "+00:00")
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def to_hhmm(value: Any) -> str | None:
    """`HH:MM` (v1) or `HH:MM:SS` (v2) as `HH:MM`; `""` is unset."""
    if not value:
        return None
    return str(value)[:5]


def to_participants(value: Any) -> list[Participant] | None:
    if value is None:
        return None
    return [
        Participant(
            person_id=to_int(item.get("person_id")),
            primary_flag=bool(to_bool(item.get("primary_flag", item.get("primary"))) or False),
        )
        for item in value
    ]


def to_attendees(value: Any) -> list[Attendee] | None:
    if value is None:
        return None
    return [
        Attendee(
            email_address=to_str(item.get("email_address", item.get("email"))),
            name=to_str(item.get("name")),
            status=to_str(item.get("status")),
            is_organizer=bool(to_bool(item.get("is_organizer")) or False),
            person_id=to_int(item.get("person_id")),
            user_id=to_int(item.get("user_id")),
        )
        for item in value
    ]


def to_series(value: Any) -> list[SeriesItem] | None:
    if value is None:
        return None
    return [SeriesItem(to_date(i.get("due_date")), to_hhmm(i.get("due_time"))) for i in value]


def to_file(value: Any) -> ActivityFile | None:
    if not value:
        return None
    return ActivityFile(id=str(value.get("id")), clean_name=value.get("clean_name"), url=value.get("url"))


LOCATION_PARTS = (
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

_INT_FIELDS = (
    "id company_id user_id reference_id last_notification_user_id notification_language_id org_id "
    "person_id deal_id project_id update_user_id rec_master_activity_id created_by_user_id "
    "assigned_to_user_id"
).split()
_BOOL_FIELDS = ("done", "busy_flag", "active_flag")
_REQUIRED_STR_FIELDS = ("type", "subject", "owner_name")
_TEXT_FIELDS = (
    "reference_type conference_meeting_client conference_meeting_url conference_meeting_id "
    "public_description calendar_sync_include_context location lead_id gcal_event_id google_calendar_id "
    "google_calendar_etag source_timezone rec_rule rec_rule_extension note org_name person_name "
    "deal_title person_dropbox_bcc deal_dropbox_bcc"
).split() + [f"location_{part}" for part in LOCATION_PARTS]
_DATETIME_FIELDS = ("add_time", "marked_as_done_time", "last_notification_time", "update_time")

ACTIVITY_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    **{name: to_int for name in _INT_FIELDS},
    **{name: to_bool for name in _BOOL_FIELDS},
    **{name: to_str for name in _REQUIRED_STR_FIELDS},
    **{name: to_text for name in _TEXT_FIELDS},
    **{name: to_datetime for name in _DATETIME_FIELDS},
    "due_date": to_date,
    "due_time": to_hhmm,
    "duration": to_hhmm,
    "series": to_series,
    "attendees": to_attendees,
    "participants": to_participants,
    "file": to_file,
}
ACTIVITY_FIELDS: tuple[str, ...] = tuple(ACTIVITY_CONVERTERS)


@dataclass(kw_only=True)
class ActivityRecord:
    """One activity under v1 field names; a field outside `present` was not in the payload.

    No `__slots__`: Strawberry's relay `node`/`nodes` tag the objects they return with an attribute.
    """

    present: frozenset[str]
    id: int
    company_id: int | None = None
    user_id: int | None = None
    done: bool | None = None
    type: str | None = None
    reference_type: str | None = None
    reference_id: int | None = None
    conference_meeting_client: str | None = None
    conference_meeting_url: str | None = None
    conference_meeting_id: str | None = None
    due_date: dt.date | None = None
    due_time: str | None = None
    duration: str | None = None
    busy_flag: bool | None = None
    add_time: dt.datetime | None = None
    marked_as_done_time: dt.datetime | None = None
    last_notification_time: dt.datetime | None = None
    last_notification_user_id: int | None = None
    notification_language_id: int | None = None
    subject: str | None = None
    public_description: str | None = None
    calendar_sync_include_context: str | None = None
    location: str | None = None
    org_id: int | None = None
    person_id: int | None = None
    deal_id: int | None = None
    lead_id: str | None = None
    project_id: int | None = None
    active_flag: bool | None = None
    update_time: dt.datetime | None = None
    update_user_id: int | None = None
    gcal_event_id: str | None = None
    google_calendar_id: str | None = None
    google_calendar_etag: str | None = None
    source_timezone: str | None = None
    rec_rule: str | None = None
    rec_rule_extension: str | None = None
    rec_master_activity_id: int | None = None
    series: list[SeriesItem] | None = None
    note: str | None = None
    created_by_user_id: int | None = None
    location_subpremise: str | None = None
    location_street_number: str | None = None
    location_route: str | None = None
    location_sublocality: str | None = None
    location_locality: str | None = None
    location_admin_area_level_1: str | None = None
    location_admin_area_level_2: str | None = None
    location_country: str | None = None
    location_postal_code: str | None = None
    location_formatted_address: str | None = None
    attendees: list[Attendee] | None = None
    participants: list[Participant] | None = None
    org_name: str | None = None
    person_name: str | None = None
    deal_title: str | None = None
    owner_name: str | None = None
    person_dropbox_bcc: str | None = None
    deal_dropbox_bcc: str | None = None
    assigned_to_user_id: int | None = None
    file: ActivityFile | None = None

    @property
    def pipedrive_id(self) -> int:
        return self.id

    def has(self, name: str) -> bool:
        return name in self.present

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.present}

    def completed_by(self, other: ActivityRecord) -> ActivityRecord:
        """This record with the fields it lacks taken from `other` (its own fields win)."""
        return _record(other.values() | self.values())


_UNSET_FIELDS: dict[str, Any] = {name: None for name in ACTIVITY_FIELDS}


def _record(values: dict[str, Any]) -> ActivityRecord:
    """The record of `values` (absent fields None), filled through `__dict__`: the dataclass
    `__init__` with some sixty keywords was the largest single cost of a page (see bench/)."""
    record = object.__new__(ActivityRecord)
    record.__dict__.update(_UNSET_FIELDS)
    record.__dict__.update(values)
    record.present = frozenset(values)
    return record


def parse_v1_activity(data: Json) -> ActivityRecord:
    """A v1 activity (full list/get item, or the slim /collection item)."""
    values = {name: convert(data[name]) for name, convert in ACTIVITY_CONVERTERS.items() if name in data}
    return _record(values)


_V2_RENAMES = {
    "owner_id": "user_id",
    "creator_user_id": "created_by_user_id",
    "busy": "busy_flag",
}


def parse_v2_activity(data: Json) -> ActivityRecord:
    """A v2 activity, mapped back to v1 names; fields v2 dropped stay absent (not null)."""
    values: dict[str, Any] = {}
    for key, raw in data.items():
        name = _V2_RENAMES.get(key, key)
        if name == "location":
            values.update(_v2_location(raw))
        elif name == "is_deleted":
            values["active_flag"] = not raw
        elif name in ACTIVITY_CONVERTERS:
            values[name] = ACTIVITY_CONVERTERS[name](raw)
    if "user_id" in values:
        values["assigned_to_user_id"] = values["user_id"]  # v1 documents it as always equal to user_id
    return _record(values)


def _v2_location(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {"location": None} | {f"location_{p}": None for p in LOCATION_PARTS[:-1]}
    if isinstance(raw, str):
        return {"location": raw}
    parts = {f"location_{p}": to_text(raw.get(p)) for p in LOCATION_PARTS if p in raw}
    return {"location": to_text(raw.get("value")), **parts}


# --- pages and write results -----------------------------------------------------------------------


@dataclass(slots=True)
class OffsetPage:
    """A page of `GET /v1/activities`."""

    items: list[ActivityRecord]
    start: int
    more_items: bool
    related: RelatedObjects


@dataclass(slots=True)
class CursorPage:
    """A page of `GET /v1/activities/collection`."""

    items: list[ActivityRecord]
    next_cursor: str | None


@dataclass(slots=True)
class ActivityWrite:
    """The answer to `POST`/`PUT /v1/activities`."""

    activity: ActivityRecord
    more_activities_scheduled_in_context: bool | None
    related: RelatedObjects


@dataclass
class ActivityTypeRecord:
    id: int
    name: str
    key_string: str
    icon_key: str | None
    color: str | None
    order_nr: int | None
    active_flag: bool
    is_custom_flag: bool
    add_time: dt.datetime | None
    update_time: dt.datetime | None

    @property
    def pipedrive_id(self) -> int:
        return self.id


def parse_activity_type(data: Json) -> ActivityTypeRecord:
    return ActivityTypeRecord(
        id=int(data["id"]),
        name=str(data.get("name") or ""),
        key_string=str(data.get("key_string") or ""),
        icon_key=to_str(data.get("icon_key")),
        color=to_str(data.get("color")),
        order_nr=to_int(data.get("order_nr")),
        active_flag=bool(to_bool(data.get("active_flag", True))),
        is_custom_flag=bool(to_bool(data.get("is_custom_flag", False))),
        add_time=to_datetime(data.get("add_time")),
        update_time=to_datetime(data.get("update_time")),
    )
