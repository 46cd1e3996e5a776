"""v2 JSON shapes (REFERENCE §5.2/§5.3 and the v2 OpenAPI item schemas): renamed fields
(`owner_id`, `creator_user_id`, `busy`, `is_deleted`), RFC 3339 timestamps, `HH:MM:SS`
times, one `location`/`address` object, participants as `{person_id, primary}`.

`attendees` is present only when the caller asks for it (`include_fields=attendees` on reads;
write answers always carry it, UNCONFIRMED). `priority` is stored but not shown by v1 (whose spec
lacks it). The `location` object also carries `formatted_address` (the migration guide's example
has it; SPEC-v2's schema does not). Unset times are null (not ""), and empty parsed location
parts are null. `busy` is null where v1's `busy_flag`
is (unset), so both versions read an activity alike: SPEC-v2 types `busy` as a boolean without
`nullable`, but its activity schema marks no field nullable, not even `deal_id` or
`marked_as_done_time`, which are null when unset; a null `busy` is therefore UNCONFIRMED, not
contradicted.
"""

from typing import Any

from gateway.sandbox.fields import LOCATION_PARTS
from gateway.sandbox.store import Record
from gateway.sandbox.timefmt import to_hhmmss, to_rfc3339

JSONObject = dict[str, Any]


def activity(row: Record, *, attendees: bool) -> JSONObject:
    """The v2 activity; `attendees` says whether to include that optional field."""
    shaped: JSONObject = {
        "id": row["id"],
        "subject": row["subject"],
        "type": row["type"],
        "owner_id": row["user_id"],
        "creator_user_id": row["created_by_user_id"],
        "is_deleted": not row["active_flag"],
        "add_time": to_rfc3339(row["add_time"]),
        "update_time": to_rfc3339(row["update_time"]),
        "deal_id": row["deal_id"],
        "lead_id": row["lead_id"],
        "person_id": row["person_id"],
        "org_id": row["org_id"],
        "project_id": row["project_id"],
        "due_date": row["due_date"],
        "due_time": to_hhmmss(row["due_time"]),
        "duration": to_hhmmss(row["duration"]),
        "busy": None if row["busy_flag"] is None else bool(row["busy_flag"]),
        "done": bool(row["done"]),
        "marked_as_done_time": to_rfc3339(row["marked_as_done_time"]),
        "location": _location(row),
        "participants": _participants(row["participants"]),
        "attendees": _attendees(row["attendees"]),
        "conference_meeting_client": row["conference_meeting_client"],
        "conference_meeting_url": row["conference_meeting_url"],
        "conference_meeting_id": row["conference_meeting_id"],
        "public_description": row["public_description"],
        "priority": row["priority"],
        "note": row["note"],
    }
    if not attendees:
        del shaped["attendees"]
    return shaped


def _location(row: Record) -> JSONObject | None:
    if not row["location"]:
        return None
    parts = {part: row[f"location_{part}"] or None for part in LOCATION_PARTS}
    return {"value": row["location"], **parts}


def _participants(participants: list[Record] | None) -> list[JSONObject]:
    return [{"person_id": item["person_id"], "primary": item["primary_flag"]} for item in participants or []]


def _attendees(attendees: list[Record] | None) -> list[JSONObject]:
    return [
        {
            "email": item["email_address"],
            "name": item["name"],
            "status": item["status"],
            "is_organizer": bool(item["is_organizer"]),
            "person_id": item["person_id"],
            "user_id": item["user_id"],
        }
        for item in attendees or []
    ]


def person(row: Record) -> JSONObject:
    return {
        "id": row["id"],
        "name": row["name"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "owner_id": row["owner_id"],
        "org_id": row["org_id"],
        "add_time": to_rfc3339(row["add_time"]),
        "update_time": to_rfc3339(row["update_time"]),
        "emails": row["emails"],
        "phones": row["phones"],
        "is_deleted": not row["active_flag"],
        "visible_to": int(row["visible_to"]),
        "label_ids": [],
        "picture_id": None,
    }


def organization(row: Record) -> JSONObject:
    address = None
    if row["address"]:
        parts = {part: row[f"address_{part}"] or None for part in LOCATION_PARTS}
        address = {"value": row["address"], **parts}
    return {
        "id": row["id"],
        "name": row["name"],
        "owner_id": row["owner_id"],
        "add_time": to_rfc3339(row["add_time"]),
        "update_time": to_rfc3339(row["update_time"]),
        "is_deleted": not row["active_flag"],
        "visible_to": int(row["visible_to"]),
        "address": address,
        "label_ids": [],
    }


def deal(row: Record) -> JSONObject:
    return {
        "id": row["id"],
        "title": row["title"],
        "owner_id": row["user_id"],
        "person_id": row["person_id"],
        "org_id": row["org_id"],
        "pipeline_id": row["pipeline_id"],
        "stage_id": row["stage_id"],
        "value": row["value"],
        "currency": row["currency"],
        "add_time": to_rfc3339(row["add_time"]),
        "update_time": to_rfc3339(row["update_time"]),
        "stage_change_time": to_rfc3339(row["stage_change_time"]),
        "is_deleted": not row["active_flag"],
        "is_archived": False,
        "status": row["status"],
        "probability": row["probability"],
        "lost_reason": row["lost_reason"],
        "visible_to": int(row["visible_to"]),
        "close_time": to_rfc3339(row["close_time"]),
        "won_time": to_rfc3339(row["won_time"]),
        "lost_time": to_rfc3339(row["lost_time"]),
        "expected_close_date": row["expected_close_date"],
        "label_ids": [],
    }
