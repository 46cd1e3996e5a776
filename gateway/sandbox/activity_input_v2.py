"""Checking a v2 POST/PATCH activity body (SPEC-v2 `addActivity`/`updateActivity`): v2 names and
types, and the v1 rules (`activity_input`) wherever v2 applies the same rule.

Writable: `subject`, `type`, `owner_id`, `deal_id`, `lead_id`, `org_id`, `project_id`,
`due_date`, `due_time`, `duration`, `busy`, `done`, `location`, `participants`, `attendees`,
`public_description`, `priority`, `note`. As on v1, PATCH changes only the keys sent, a null
clears (`subject`, `type`, `owner_id` and `done` cannot be cleared), references must be the
caller's company's, and a new activity defaults to subject "Call", type `call`, owner the caller.

v2's own rules: `done` is true/false only (not 0/1, DOC-v2mig); `due_time`/`duration` are
`HH:MM` or `HH:MM:SS` (SPEC-v2 answers `HH:MM:SS`; seconds other than 00 are a 400, as the store
keeps minutes: UNCONFIRMED); `location` is the v2 object `{value, country, admin_area_level_1,
...}` (its parts are stored as sent, the missing ones null; with `value` alone it is parsed as
v1 parses the text); attendees are `{email, name, person_id}` (`status`, `is_organizer` and
`user_id` are accepted and not stored: a new guest is `noreply`, UNCONFIRMED); `priority` is an
integer or null.

`person_id` is read-only: the primary participant sets it. SPEC-v2 lists `person_id` in both
request bodies, but the API answers 400 "'person_id' is a read-only field." (REFERENCE §5.3,
devcommunity report); the sandbox follows the observed API. The other fields v2 answers but
does not take (`id`, `creator_user_id`, `is_deleted`, `add_time`, `update_time`,
`marked_as_done_time`, `conference_meeting_*`) are refused the same way, and any other key is a
400 naming it (UNCONFIRMED: v1 ignores unknown keys; refusing them catches clients still sending
v1 names such as `user_id` or `busy_flag`).
"""

from typing import Any

from gateway.sandbox.activity_input import V1_RULES, ActivityInput, InputRules, Validator, busy, owner
from gateway.sandbox.auth import Caller
from gateway.sandbox.errors import bad_request
from gateway.sandbox.fields import LOCATION_PARTS
from gateway.sandbox.store import Record, Store
from gateway.sandbox.timefmt import is_hhmm

READ_ONLY = (
    "id",
    "person_id",
    "creator_user_id",
    "is_deleted",
    "add_time",
    "update_time",
    "marked_as_done_time",
    "conference_meeting_client",
    "conference_meeting_url",
    "conference_meeting_id",
)
_PERSON_HINT = " Set the activity's person through participants, with primary: true."
_SAME_AS_V1 = (
    "subject",
    "type",
    "deal_id",
    "org_id",
    "lead_id",
    "project_id",
    "due_date",
    "participants",
    "public_description",
    "note",
)
_ATTENDEE_KEYS = frozenset({"email", "name", "status", "is_organizer", "person_id", "user_id"})


def v2_activity_input(store: Store, caller: Caller) -> ActivityInput:
    """The validator of one caller's v2 activity bodies."""
    return ActivityInput(store, caller, V2_RULES)


def _done(_: ActivityInput, value: Any) -> Record:
    if not isinstance(value, bool):
        raise bad_request("done must be true or false")
    return {"done": int(value)}


def _clock(name: str) -> Validator:
    same_as_v1 = V1_RULES.validators[name]

    def validate(checker: ActivityInput, value: Any) -> Record:
        if isinstance(value, str) and len(value) == 8 and value.endswith(":00") and is_hhmm(value[:5]):
            value = value[:5]
        elif isinstance(value, str) and value and not is_hhmm(value):
            raise bad_request(f"{name} must be HH:MM or HH:MM:SS (whole minutes)")
        return same_as_v1(checker, value)

    return validate


def _location(checker: ActivityInput, value: Any) -> Record:
    parse = V1_RULES.validators["location"]
    if value is None:
        return parse(checker, None)
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise bad_request("location must be an object with a value (the address), or null")
    unknown = sorted(set(value) - {"value", *LOCATION_PARTS})
    if unknown:
        raise bad_request(f"location has no field {', '.join(unknown)}")
    parts = {part: value[part] for part in LOCATION_PARTS if part in value}
    if any(part is not None and not isinstance(part, str) for part in parts.values()):
        raise bad_request("location parts must be strings or null")
    columns = parse(checker, value["value"])
    if parts and columns["location"] is not None:
        columns.update({f"location_{part}": parts.get(part) for part in LOCATION_PARTS})
        columns["location_formatted_address"] = parts.get("formatted_address") or value["value"]
    return columns


def _attendees(checker: ActivityInput, value: Any) -> Record:
    same_as_v1 = V1_RULES.validators["attendees"]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return same_as_v1(checker, value)
    for item in value:
        unknown = sorted(set(item) - _ATTENDEE_KEYS)
        if unknown:
            raise bad_request(f"attendees have no field {', '.join(unknown)}")
    as_v1 = [
        {"email_address": item.get("email"), "name": item.get("name"), "person_id": item.get("person_id")}
        for item in value
    ]
    return same_as_v1(checker, as_v1)


def _priority(_: ActivityInput, value: Any) -> Record:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise bad_request("priority must be an integer or null")
    return {"priority": value}


V2_RULES = InputRules(
    {
        **{name: V1_RULES.validators[name] for name in _SAME_AS_V1},
        "owner_id": owner("owner_id"),
        "busy": busy("busy"),
        "done": _done,
        "due_time": _clock("due_time"),
        "duration": _clock("duration"),
        "location": _location,
        "attendees": _attendees,
        "priority": _priority,
    },
    frozenset({"subject", "type", "owner_id", "done"}),
    read_only={
        name: f"'{name}' is a read-only field." + (_PERSON_HINT if name == "person_id" else "") for name in READ_ONLY
    },
    refuse_unknown=True,
)
