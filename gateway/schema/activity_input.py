"""Checking the writable fields of an activity input, and turning them into the changes to send.

Pure functions over `provided()` mappings (upstream snake_case name -> value, `None` meaning "sent as
null"), so every rule is testable without a server. The rules, all checked before anything is sent:

- `dueTime` is a clock time `HH:MM`, 00:00-23:59. `duration` is `HH:MM` with the same bounds: the
  upstream documents it as `HH:MM` and refuses more than 23:59, so a longer activity is refused here
  rather than by a 400 after the fact.
- ids (`dealId`, `personId`, `orgId`, `projectId`, `userId`, and the persons of participants and
  attendees) are positive 32-bit integers; `leadId` is a UUID in its canonical 8-4-4-4-12 spelling.
- `subject` is not blank; `type` is the key of an active activity type the token can see.
- `subject`, `type`, `userId` and `done` cannot be cleared (the upstream keeps a value for each).
- participants: no person twice, at most one primary; attendees: an `emailAddress` or a `personId`
  each, and an e-mail address looks like one.

The changes (`gateway.upstream.writes.ActivityChanges`) keep the upstream's v1 names and Python values;
the upstream client writes them in the form of the API version it uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from strawberry.utils.str_converters import to_camel_case

from gateway.upstream.activities import Participant
from gateway.upstream.writes import ActivityChanges, AttendeeRef

from .ids import MAX_PIPEDRIVE_ID
from .inputs import UNCLEARABLE_FIELDS, AttendeeInput, ParticipantInput
from .user_errors import UserError, invalid

Problems = Iterator[tuple[tuple[str | int, ...], str]]
"""(path below the field, message) pairs; an empty path means the field itself."""

_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_ID_FIELDS = ("deal_id", "person_id", "project_id", "org_id", "user_id")


def check_fields(fields: Mapping[str, Any], *, active_types: Collection[str]) -> list[UserError]:
    """Every refusal of `fields` (keyed by upstream name), as INVALID user errors under `input`."""
    errors: list[UserError] = []
    for name, value in fields.items():
        graphql_name = to_camel_case(name)
        for below, message in _field_problems(name, value, active_types):
            errors.append(invalid((graphql_name, *below), message))
    return errors


def needs_active_types(fields: Mapping[str, Any]) -> bool:
    """Whether checking `fields` needs the token's activity types (an upstream call)."""
    return fields.get("type") is not None


def _field_problems(name: str, value: Any, active_types: Collection[str]) -> Problems:
    if value is None:
        if name in UNCLEARABLE_FIELDS:
            yield (), f"{to_camel_case(name)} cannot be cleared; leave it out to keep its value."
        return
    if name == "type":
        yield from _type_problems(value, active_types)
    elif name in _CHECKS:
        yield from _CHECKS[name](value)


def _type_problems(value: str, active_types: Collection[str]) -> Problems:
    if value not in active_types:
        known = ", ".join(sorted(active_types)) or "none"
        yield (), f"Unknown activity type {value[:64]!r}; the active types are: {known}."


def _subject_problems(value: str) -> Problems:
    if not value.strip():
        yield (), "subject must not be blank."


def _clock_problems(label: str) -> Callable[[str], Problems]:
    def check(value: str) -> Problems:
        if not _HHMM.fullmatch(value):
            yield (), f"{label} must be HH:MM, from 00:00 to 23:59; got {value[:16]!r}."

    return check


def _id_problems(value: int) -> Problems:
    if not 0 < value <= MAX_PIPEDRIVE_ID:
        yield (), f"Expected a positive Pipedrive id (at most {MAX_PIPEDRIVE_ID}); got {value}."


def _lead_problems(value: str) -> Problems:
    if not _UUID.fullmatch(value):
        yield (), f"leadId must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got {value[:64]!r}."


def _participant_problems(participants: Sequence[ParticipantInput]) -> Problems:
    seen: set[int] = set()
    primary_at: int | None = None
    for index, participant in enumerate(participants):
        for below, message in _id_problems(participant.person_id):
            yield (index, "personId", *below), message
        if participant.person_id in seen:
            yield (index, "personId"), f"Person {participant.person_id} is listed more than once."
        seen.add(participant.person_id)
        if participant.primary_flag and primary_at is not None:
            yield (index, "primaryFlag"), f"Only one participant can be primary; participant {primary_at} already is."
        elif participant.primary_flag:
            primary_at = index


def _attendee_problems(attendees: Sequence[AttendeeInput]) -> Problems:
    for index, attendee in enumerate(attendees):
        if attendee.email_address is None and attendee.person_id is None:
            yield (index,), "An attendee needs an emailAddress or a personId."
        if attendee.email_address is not None and not _EMAIL.fullmatch(attendee.email_address.strip()):
            yield (index, "emailAddress"), f"Not an e-mail address: {attendee.email_address[:64]!r}."
        if attendee.person_id is not None:
            for below, message in _id_problems(attendee.person_id):
                yield (index, "personId", *below), message


_CHECKS: dict[str, Callable[[Any], Problems]] = {
    "subject": _subject_problems,
    "due_time": _clock_problems("dueTime"),
    "duration": _clock_problems("duration"),
    "lead_id": _lead_problems,
    "participants": _participant_problems,
    "attendees": _attendee_problems,
    **{name: _id_problems for name in _ID_FIELDS},
}


# --- the changes to send -----------------------------------------------------------------------------


def activity_changes(fields: Mapping[str, Any]) -> ActivityChanges:
    """Checked `fields` as the upstream client takes them, whichever API version it then writes."""
    return {name: None if value is None else _NEUTRAL.get(name, _same)(value) for name, value in fields.items()}


def _same(value: Any) -> Any:
    return value


def _participants(participants: Sequence[ParticipantInput]) -> list[Participant]:
    return [Participant(p.person_id, p.primary_flag) for p in participants]


def _attendees(attendees: Sequence[AttendeeInput]) -> list[AttendeeRef]:
    return [
        AttendeeRef(a.email_address.strip() if a.email_address is not None else None, a.person_id) for a in attendees
    ]


_NEUTRAL: dict[str, Callable[[Any], Any]] = {"participants": _participants, "attendees": _attendees}
