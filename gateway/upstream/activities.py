"""Activity records: one activity under v1 field names whatever payload it came from, and the
activity types.

Two payload shapes are parsed here, each by its `Shape`: v1 activities (the full list/get item and
the slim `/collection` item) and v2 activities (REFERENCE §5.3: `owner_id`, `creator_user_id`, `busy`,
`is_deleted`, one `location` object, `{person_id, primary}` participants). Fields a payload lacks
stay outside `present` (never a wrong null); fields v2 dropped altogether stay absent on a v2 record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .converters import (
    PLACE_PARTS,
    Converter,
    Expander,
    negated,
    place,
    to_bool,
    to_date,
    to_datetime,
    to_hhmm,
    to_int,
    to_str,
    to_text,
)
from .entities import RelatedObjects
from .record import Record, Shape


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


class ActivityRecord(Record):
    """One activity under v1 field names; a field outside `present` was not in the payload."""

    company_id: int | None
    user_id: int | None
    done: bool | None
    type: str | None
    reference_type: str | None
    reference_id: int | None
    conference_meeting_client: str | None
    conference_meeting_url: str | None
    conference_meeting_id: str | None
    due_date: dt.date | None
    due_time: str | None
    duration: str | None
    busy_flag: bool | None
    add_time: dt.datetime | None
    marked_as_done_time: dt.datetime | None
    last_notification_time: dt.datetime | None
    last_notification_user_id: int | None
    notification_language_id: int | None
    subject: str | None
    public_description: str | None
    calendar_sync_include_context: str | None
    location: str | None
    org_id: int | None
    person_id: int | None
    deal_id: int | None
    lead_id: str | None
    project_id: int | None
    active_flag: bool | None
    update_time: dt.datetime | None
    update_user_id: int | None
    gcal_event_id: str | None
    google_calendar_id: str | None
    google_calendar_etag: str | None
    source_timezone: str | None
    rec_rule: str | None
    rec_rule_extension: str | None
    rec_master_activity_id: int | None
    series: list[SeriesItem] | None
    note: str | None
    created_by_user_id: int | None
    location_subpremise: str | None
    location_street_number: str | None
    location_route: str | None
    location_sublocality: str | None
    location_locality: str | None
    location_admin_area_level_1: str | None
    location_admin_area_level_2: str | None
    location_country: str | None
    location_postal_code: str | None
    location_formatted_address: str | None
    attendees: list[Attendee] | None
    participants: list[Participant] | None
    org_name: str | None
    person_name: str | None
    deal_title: str | None
    owner_name: str | None
    person_dropbox_bcc: str | None
    deal_dropbox_bcc: str | None
    assigned_to_user_id: int | None
    file: ActivityFile | None


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
).split() + [f"location_{part}" for part in PLACE_PARTS]
_DATETIME_FIELDS = ("add_time", "marked_as_done_time", "last_notification_time", "update_time")

ACTIVITY_CONVERTERS: dict[str, Converter] = {
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


def _owner_fields(raw: Any) -> dict[str, Any]:
    """v2 `owner_id` is v1's `user_id`, and `assigned_to_user_id`, which v1 documents as always equal."""
    owner = to_int(raw)
    return {"user_id": owner, "assigned_to_user_id": owner}


_owner = Expander(frozenset({"user_id", "assigned_to_user_id"}), _owner_fields)


V1_ACTIVITY = Shape(ActivityRecord, ACTIVITY_CONVERTERS)
V2_ACTIVITY = Shape(
    ActivityRecord,
    ACTIVITY_CONVERTERS,
    renames={"creator_user_id": "created_by_user_id", "busy": "busy_flag"},
    expanders={"owner_id": _owner, "is_deleted": negated("active_flag"), "location": place("location")},
)

V2_ACTIVITY_KEYS = (
    "id owner_id creator_user_id busy is_deleted subject type done due_date due_time duration add_time "
    "update_time marked_as_done_time deal_id lead_id person_id org_id project_id participants attendees "
    "conference_meeting_client conference_meeting_url conference_meeting_id public_description note"
).split()
"""The keys of a v2 activity (SPEC-v2; `attendees` with `include_fields=attendees`), `location` aside."""
V2_LOCATION_KEYS = ("value", *(part for part in PLACE_PARTS if part != "formatted_address"))
"""The keys of v2's `location` object: v1's parts but the formatted address."""

parse_v1_activity = V1_ACTIVITY.parse
"""A v1 activity (full list/get item, or the slim /collection item)."""
parse_v2_activity = V2_ACTIVITY.parse
"""A v2 activity, mapped back to v1 names; fields v2 dropped stay absent (not null)."""

V2_FIELDS = parse_v2_activity(
    {**dict.fromkeys(V2_ACTIVITY_KEYS), "id": 0, "location": dict.fromkeys(V2_LOCATION_KEYS)}
).present
"""The v1 fields a v2 activity carries; the others are not in API v2 at all."""


# --- pages and write results -----------------------------------------------------------------------


@dataclass(slots=True)
class OffsetPage:
    """A page of `GET /v1/activities`."""

    items: list[ActivityRecord]
    start: int
    more_items: bool
    related: RelatedObjects = field(default_factory=lambda: RelatedObjects())


@dataclass(slots=True)
class CursorPage:
    """A page of `GET /v1/activities/collection`."""

    items: list[ActivityRecord]
    next_cursor: str | None


@dataclass(slots=True)
class ActivityAnswer:
    """One activity as an upstream answer carried it (a single GET, an add, an update), with the
    linked objects it carried (v1's `related_objects`; v2 carries none)."""

    activity: ActivityRecord
    related: RelatedObjects = field(default_factory=lambda: RelatedObjects())
    more_activities_scheduled_in_context: bool | None = None


# --- activity types --------------------------------------------------------------------------------


class ActivityTypeRecord(Record):
    name: str | None
    key_string: str | None
    icon_key: str | None
    color: str | None
    order_nr: int | None
    active_flag: bool | None
    is_custom_flag: bool | None
    add_time: dt.datetime | None
    update_time: dt.datetime | None


ACTIVITY_TYPE = Shape(
    ActivityTypeRecord,
    {
        "id": to_int,
        "name": to_str,
        "key_string": to_str,
        "icon_key": to_str,
        "color": to_str,
        "order_nr": to_int,
        "active_flag": to_bool,
        "is_custom_flag": to_bool,
        "add_time": to_datetime,
        "update_time": to_datetime,
    },
)
parse_activity_type = ACTIVITY_TYPE.parse
