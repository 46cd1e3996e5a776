"""Turning a POST/PUT activity body into column values, checking every value and reference.

Only the writable fields (REFERENCE §2.4) are read; other keys are ignored, as upstream. On PUT
only keys present change, and a key sent as null clears its field (to null, or to "" for
`due_time`, `duration`, `note`, `public_description`); `subject`, `type`, `user_id` and `done`
cannot be cleared. `done` takes 0/1 or true/false. Any malformed value, unknown or inactive
type, non-UUID `lead_id`, or person/organization/deal/user that is not the caller's company's is
a 400 and nothing is written. A new activity defaults to subject "Call", type `call` (the
spec says "Call"; the lowercase key string is UNCONFIRMED), owner and creator the caller.

Participants: when `participants` is sent, `person_id` follows its primary participant (the
first flagged primary, else the first); when only `person_id` is sent, it becomes the primary
participant (other participants are kept on PUT; a null `person_id` clears them all).
Attendees are stored as `{email_address, is_organizer, name, person_id, status, user_id}`.
`location` is split into `location_*` parts when it reads "<route> <number>, <postal code>
<locality>, <country>"; otherwise only `location_formatted_address` is set (no geocoding).

The rules are per API version (`InputRules`: the writable names, a check per name, the names
that cannot be cleared); V1_RULES are the ones above, and `activity_input_v2` builds v2's from
them wherever v2 applies the same rule under the same or another name.
"""

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.sandbox.auth import Caller
from gateway.sandbox.errors import bad_request
from gateway.sandbox.fields import LOCATION_PARTS, STORED_FIELDS
from gateway.sandbox.store import Entity, Record, Store
from gateway.sandbox.timefmt import is_date, is_hhmm

_ADDRESS_RE = re.compile(
    r"^(?P<route>[^,]+?) (?P<street_number>\d+\w*), (?P<postal_code>[\w -]+?) "
    r"(?P<locality>[^,\d][^,]*), (?P<country>[^,]+)$"
)
_CLEARED_TO_EMPTY = frozenset({"due_time", "duration", "note", "public_description"})
_COLUMNS_BUT_ID = frozenset(STORED_FIELDS) - {"id"}

Validator = Callable[["ActivityInput", Any], Record]
"""Checks one body value; returns the columns it sets, or raises a 400."""


@dataclass(frozen=True)
class InputRules:
    """How one API version names the writable activity fields and checks each of them."""

    validators: Mapping[str, Validator]
    unclearable: frozenset[str]
    """Names that a null may not clear."""
    read_only: Mapping[str, str] = field(default_factory=dict)
    """Names refused with a 400, and the message of each."""
    refuse_unknown: bool = False
    """Whether any other name is a 400 too (v1 ignores them)."""


class ActivityInput:
    """Validation of one caller's activity bodies against their company's data (v1 rules by default)."""

    def __init__(self, store: Store, caller: Caller, rules: InputRules | None = None) -> None:
        self._store = store
        self._caller = caller
        self._rules = rules or V1_RULES

    def for_create(self, body: Record, *, now: str) -> Record:
        """Every stored column of a new activity (defaults for what the body leaves out)."""
        changes = self._changes(body)
        _link_participants(changes, current=None)
        defaults: Record = {
            **dict.fromkeys(_COLUMNS_BUT_ID),
            "subject": "Call",
            "type": "call",
            "user_id": self._caller.user_id,
            "done": 0,
            "due_time": "",
            "duration": "",
            "note": "",
            "public_description": "",
        }
        values = {**defaults, **changes}
        values.update(
            company_id=self._caller.company_id,
            created_by_user_id=self._caller.user_id,
            add_time=now,
            update_time=now,
            update_user_id=self._caller.user_id,
            active_flag=1,
            marked_as_done_time=now if values["done"] else "",
        )
        return values

    def for_update(self, body: Record, current: Record, *, now: str) -> Record:
        """The columns to change on `current` (update time and user are added by the store)."""
        changes = self._changes(body)
        _link_participants(changes, current=current)
        if "done" in changes and changes["done"] != current["done"]:
            changes["marked_as_done_time"] = now if changes["done"] else ""
        return changes

    def _changes(self, body: Record) -> Record:
        changes: Record = {}
        for name, value in body.items():
            validator = self._rules.validators.get(name)
            if validator is None:
                self._unwritable(name)
                continue
            if value is None and name in self._rules.unclearable:
                raise bad_request(f"{name} cannot be null")
            changes.update(validator(self, value))
        return changes

    def _unwritable(self, name: str) -> None:
        if name in self._rules.read_only:
            raise bad_request(self._rules.read_only[name])
        if self._rules.refuse_unknown:
            raise bad_request(f"'{name}' is not a field of an activity.")

    def _type(self, value: Any) -> Record:
        active = {
            row["key_string"]
            for row in self._store.entities.activity_types(self._caller.company_id)
            if row["active_flag"]
        }
        if not isinstance(value, str) or value not in active:
            raise bad_request(f"Unknown activity type: {value}")
        return {"type": value}

    def _user(self, name: str, value: Any) -> Record:
        user_id = _integer(name, value)
        found = self._store.entities.user(self._caller.company_id, user_id)
        if found is None or not found["active_flag"]:
            raise bad_request(f"User {user_id} not found")
        return {"user_id": user_id}

    def _reference(self, entity: Entity, column: str, value: Any) -> Record:
        if value is None:
            return {column: None}
        return {column: self._existing(entity, column, value)["id"]}

    def _existing(self, entity: Entity, column: str, value: Any) -> Record:
        entity_id = _integer(column, value)
        found = self._store.entities.entity(entity, self._caller.company_id, entity_id)
        if found is None:
            raise bad_request(f"{entity.capitalize()} {entity_id} not found")
        return found

    def _participants(self, value: Any) -> Record:
        if value is None:
            return {"participants": None}
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise bad_request("participants must be a list of objects with a person_id")
        people: dict[int, bool] = {}
        for item in value:
            person_id = self._existing("person", "participants.person_id", item.get("person_id"))["id"]
            people.setdefault(person_id, bool(item.get("primary_flag", item.get("primary", False))))
        return {"participants": _one_primary(people)}

    def _attendees(self, value: Any) -> Record:
        if value is None:
            return {"attendees": None}
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise bad_request("attendees must be a list of objects with an email address or a person_id")
        return {"attendees": [self._attendee(item) for item in value] or None}

    def _attendee(self, item: Record) -> Record:
        person = None
        if item.get("person_id") is not None:
            person = self._existing("person", "attendees.person_id", item["person_id"])
        email = item.get("email_address")
        if email is None and person is not None and person["emails"]:
            email = person["emails"][0]["value"]
        if not isinstance(email, str) or "@" not in email:
            raise bad_request("each attendee needs an email address (or a person who has one)")
        name = item.get("name") if isinstance(item.get("name"), str) else (person["name"] if person else None)
        return {
            "email_address": email,
            "is_organizer": 0,
            "name": name,
            "person_id": person["id"] if person else None,
            "status": "noreply",
            "user_id": None,
        }


def _integer(name: str, value: Any) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise bad_request(f"{name} must be a positive integer")
    return value


def _text(name: str) -> Validator:
    def validate(_: ActivityInput, value: Any) -> Record:
        if value is None:
            return {name: "" if name in _CLEARED_TO_EMPTY else None}
        if not isinstance(value, str):
            raise bad_request(f"{name} must be a string")
        return {name: value}

    return validate


def _clock(name: str) -> Validator:
    def validate(_: ActivityInput, value: Any) -> Record:
        if value is None or value == "":
            return {name: ""}
        if not isinstance(value, str) or not is_hhmm(value):
            raise bad_request(f"{name} must be HH:MM")
        return {name: value}

    return validate


def _due_date(_: ActivityInput, value: Any) -> Record:
    if value is not None and (not isinstance(value, str) or not is_date(value)):
        raise bad_request("due_date must be a date YYYY-MM-DD")
    return {"due_date": value}


def _done(_: ActivityInput, value: Any) -> Record:
    if value in (0, 1, "0", "1") and not isinstance(value, float):
        return {"done": int(value)}
    raise bad_request("done must be 0 or 1")


def owner(name: str) -> Validator:
    """The owner (`user_id`), named `name`: an active user of the caller's company."""
    return lambda self, value: self._user(name, value)


def busy(name: str) -> Validator:
    """`busy_flag`, named `name`: a boolean, or null for unset."""

    def validate(_: ActivityInput, value: Any) -> Record:
        if value is not None and not isinstance(value, bool):
            raise bad_request(f"{name} must be a boolean or null")
        return {"busy_flag": None if value is None else int(value)}

    return validate


def _lead_id(_: ActivityInput, value: Any) -> Record:
    if value is None:
        return {"lead_id": None}
    try:
        return {"lead_id": str(uuid.UUID(value))}
    except (TypeError, ValueError, AttributeError) as exc:
        raise bad_request("lead_id must be a UUID") from exc


def _project_id(_: ActivityInput, value: Any) -> Record:
    return {"project_id": None if value is None else _integer("project_id", value)}


def _location(_: ActivityInput, value: Any) -> Record:
    if value is not None and not isinstance(value, str):
        raise bad_request("location must be a string")
    parts = dict.fromkeys((f"location_{part}" for part in LOCATION_PARTS), None)
    if not value:
        return {"location": None, **parts}
    match = _ADDRESS_RE.match(value)
    if match:
        parts.update({f"location_{part}": "" for part in LOCATION_PARTS})
        parts.update({f"location_{key}": found for key, found in match.groupdict().items()})
    parts["location_formatted_address"] = value
    return {"location": value, **parts}


def _one_primary(people: dict[int, bool]) -> list[Record] | None:
    if not people:
        return None
    primary = next((person for person, flagged in people.items() if flagged), next(iter(people)))
    return [{"person_id": person, "primary_flag": person == primary} for person in people]


def _link_participants(changes: Record, *, current: Record | None) -> None:
    if "participants" in changes:
        participants = changes["participants"] or []
        changes["person_id"] = next((p["person_id"] for p in participants if p["primary_flag"]), None)
    elif "person_id" in changes:
        person_id = changes["person_id"]
        others = [p for p in (current or {}).get("participants") or [] if not p["primary_flag"]]
        kept = [p for p in others if p["person_id"] != person_id]
        primary = [{"person_id": person_id, "primary_flag": True}]
        changes["participants"] = (primary + kept) if person_id is not None else None


def _subject(_: ActivityInput, value: Any) -> Record:
    if not isinstance(value, str):
        raise bad_request("subject must be a string")
    return {"subject": value}


def _reference_to(entity: Entity, column: str) -> Validator:
    return lambda self, value: self._reference(entity, column, value)


_V1_VALIDATORS: dict[str, Validator] = {
    "subject": _subject,
    "type": ActivityInput._type,
    "done": _done,
    "due_date": _due_date,
    "due_time": _clock("due_time"),
    "duration": _clock("duration"),
    "user_id": owner("user_id"),
    "deal_id": _reference_to("deal", "deal_id"),
    "person_id": _reference_to("person", "person_id"),
    "org_id": _reference_to("organization", "org_id"),
    "lead_id": _lead_id,
    "project_id": _project_id,
    "participants": ActivityInput._participants,
    "attendees": ActivityInput._attendees,
    "busy_flag": busy("busy_flag"),
    "location": _location,
    "public_description": _text("public_description"),
    "note": _text("note"),
}

V1_RULES = InputRules(_V1_VALIDATORS, frozenset({"subject", "type", "user_id", "done"}))
