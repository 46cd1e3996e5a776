"""The mutations' input types, and `provided()`: which writable fields an input actually carries.

Python attribute names are the upstream's snake_case body keys (Strawberry serves them in camelCase),
so `provided()` hands `activity_input` a mapping keyed by upstream name. On `AddActivityInput` a field
left out and a field sent as `null` both mean "not sent" (the upstream applies its defaults). On
`UpdateActivityInput` every field is a `strawberry.Maybe`: left out is `None` (not sent, unchanged),
an explicit `null` is `Some(None)` (sent as JSON null, cleared), a value is `Some(value)`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

WRITABLE_FIELDS: tuple[str, ...] = (
    "subject",
    "type",
    "due_date",
    "due_time",
    "duration",
    "deal_id",
    "lead_id",
    "person_id",
    "project_id",
    "org_id",
    "location",
    "public_description",
    "note",
    "user_id",
    "participants",
    "busy_flag",
    "attendees",
    "done",
)

_D: dict[str, str] = {
    "subject": 'Title of the activity; not blank. The upstream titles an activity added without one "Call".',
    "type": (
        "Key string of an active activity type the token can see (`ActivityType.keyString`, e.g. `call`); "
        "the upstream uses `call` when an added activity has none."
    ),
    "due_date": "Day the activity is due (`YYYY-MM-DD`).",
    "due_time": "Time of day the activity is due, `HH:MM` in UTC (00:00 to 23:59).",
    "duration": "How long the activity lasts, `HH:MM` (00:00 to 23:59).",
    "deal_id": "Pipedrive id of the deal to link.",
    "lead_id": "Id of the lead to link, a UUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).",
    "person_id": "Pipedrive id of the primary person to link (ignored by the upstream when `participants` is given).",
    "project_id": "Pipedrive id of the project to link.",
    "org_id": "Pipedrive id of the organization to link.",
    "location": "Address of the activity, as free text.",
    "public_description": "Description synced to external calendars and shown to guests.",
    "note": "Private note, HTML.",
    "user_id": "Pipedrive id of the user to assign the activity to (its owner); the token's user when left out on add.",
    "participants": "Persons to link; at most one of them primary (the primary one becomes `personId`).",
    "busy_flag": "Whether the activity marks its owner busy (true) or free (false) in calendars.",
    "attendees": "Calendar guests to invite; each needs an `emailAddress` or a `personId`.",
    "done": "Whether the activity is done.",
}
UNCLEARABLE_FIELDS = frozenset({"subject", "type", "user_id", "done"})
"""Fields the upstream always holds a value for: an update may change them, never clear them."""


def _add(name: str) -> Any:
    return strawberry.field(default=None, description=_D[name])


def _update(name: str) -> Any:
    effect = "null is refused (it cannot be cleared)" if name in UNCLEARABLE_FIELDS else "null clears it"
    return strawberry.field(description=f"{_D[name]} Left out: unchanged; {effect}.")


@strawberry.input(description="A person to link to an activity.")
class ParticipantInput:
    person_id: int = strawberry.field(description="Pipedrive id of the person.")
    primary_flag: bool = strawberry.field(
        default=False, description="Whether this is the activity's primary person (at most one per activity)."
    )


@strawberry.input(description="A calendar guest to invite to an activity: an e-mail address, a person, or both.")
class AttendeeInput:
    email_address: str | None = strawberry.field(
        default=None, description="The guest's e-mail address; when left out, the person's first address is used."
    )
    person_id: int | None = strawberry.field(default=None, description="Pipedrive id of the guest's person.")


@strawberry.input(description="A new activity. Every field is optional; left out or null means not sent.")
class AddActivityInput:
    subject: str | None = _add("subject")
    type: str | None = _add("type")
    due_date: dt.date | None = _add("due_date")
    due_time: str | None = _add("due_time")
    duration: str | None = _add("duration")
    deal_id: int | None = _add("deal_id")
    lead_id: str | None = _add("lead_id")
    person_id: int | None = _add("person_id")
    project_id: int | None = _add("project_id")
    org_id: int | None = _add("org_id")
    location: str | None = _add("location")
    public_description: str | None = _add("public_description")
    note: str | None = _add("note")
    user_id: int | None = _add("user_id")
    participants: list[ParticipantInput] | None = _add("participants")
    busy_flag: bool | None = _add("busy_flag")
    attendees: list[AttendeeInput] | None = _add("attendees")
    done: bool | None = _add("done")

    def provided(self) -> dict[str, Any]:
        """The fields to send, by upstream name: those given a value."""
        return {name: value for name in WRITABLE_FIELDS if (value := getattr(self, name)) is not None}


@strawberry.input(
    description="Changes to one activity: a field left out is unchanged, a field sent as null is cleared."
)
class UpdateActivityInput:
    id: strawberry.ID = strawberry.field(description="The activity: its global id or its numeric Pipedrive id.")
    subject: strawberry.Maybe[str | None] = _update("subject")
    type: strawberry.Maybe[str | None] = _update("type")
    due_date: strawberry.Maybe[dt.date | None] = _update("due_date")
    due_time: strawberry.Maybe[str | None] = _update("due_time")
    duration: strawberry.Maybe[str | None] = _update("duration")
    deal_id: strawberry.Maybe[int | None] = _update("deal_id")
    lead_id: strawberry.Maybe[str | None] = _update("lead_id")
    person_id: strawberry.Maybe[int | None] = _update("person_id")
    project_id: strawberry.Maybe[int | None] = _update("project_id")
    org_id: strawberry.Maybe[int | None] = _update("org_id")
    location: strawberry.Maybe[str | None] = _update("location")
    public_description: strawberry.Maybe[str | None] = _update("public_description")
    note: strawberry.Maybe[str | None] = _update("note")
    user_id: strawberry.Maybe[int | None] = _update("user_id")
    participants: strawberry.Maybe[list[ParticipantInput] | None] = _update("participants")
    busy_flag: strawberry.Maybe[bool | None] = _update("busy_flag")
    attendees: strawberry.Maybe[list[AttendeeInput] | None] = _update("attendees")
    done: strawberry.Maybe[bool | None] = _update("done")

    def provided(self) -> dict[str, Any]:
        """The fields to send, by upstream name: those present in the input, null included."""
        return {name: some.value for name in WRITABLE_FIELDS if (some := getattr(self, name)) is not None}


@strawberry.input(description="The activity to delete.")
class DeleteActivityInput:
    id: strawberry.ID = strawberry.field(description="The activity: its global id or its numeric Pipedrive id.")


@strawberry.input(description="The activities to delete, in one go.")
class DeleteActivitiesInput:
    ids: list[strawberry.ID] = strawberry.field(
        description="The activities: global ids or numeric Pipedrive ids (duplicates count once)."
    )
