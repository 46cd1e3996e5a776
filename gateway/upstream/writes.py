"""The bodies of activity writes, one builder per API version, from one version-neutral description.

`ActivityChanges` maps v1 field names to Python values (a `dt.date` due date, a `bool` done flag,
`HH:MM` times, `Participant`s, `AttendeeRef`s; `None` meaning "clear it"), exactly the fields to
send. `v1_body` writes them as `POST`/`PUT /v1/activities` take them; `v2_body` as
`POST`/`PATCH /api/v2/activities` take them (REFERENCE §5.3): `owner_id`, `busy`, `HH:MM:SS` times,
one `location` object, `{person_id, primary}` participants, `{email, person_id}` attendees, and no
`person_id`, which v2 refuses as read-only: the person becomes the primary participant instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .activities import Participant
from .endpoints import Json


@dataclass(frozen=True, slots=True)
class AttendeeRef:
    """A guest to invite: an e-mail address, a person, or both."""

    email_address: str | None
    person_id: int | None


ActivityChanges = Mapping[str, Any]


def _same(value: Any) -> Any:
    return value


def _lower(value: str) -> str:
    return value.lower()


def _iso_date(value: dt.date) -> str:
    return value.isoformat()


def _hhmmss(value: str) -> str:
    return f"{value}:00" if len(value) == 5 else value


_V1: dict[str, Callable[[Any], Any]] = {
    "done": lambda done: 1 if done else 0,
    "due_date": _iso_date,
    "lead_id": _lower,
    "participants": lambda items: [{"person_id": p.person_id, "primary_flag": p.primary_flag} for p in items],
    "attendees": lambda items: [_attendee(a, email_key="email_address") for a in items],
}


def _attendee(attendee: AttendeeRef, *, email_key: str) -> Json:
    """Only the keys given (v1 names the address `email_address`, v2 `email`): the upstream takes an
    address, a person, or both, and fills a missing address from the person."""
    body: Json = {}
    if attendee.email_address is not None:
        body[email_key] = attendee.email_address
    if attendee.person_id is not None:
        body["person_id"] = attendee.person_id
    return body


def v1_body(changes: ActivityChanges) -> Json:
    """The v1 body: exactly the keys of `changes`, values in v1 form."""
    return {name: None if value is None else _V1.get(name, _same)(value) for name, value in changes.items()}


_V2_NAMES = {"user_id": "owner_id", "busy_flag": "busy"}
_V2: dict[str, Callable[[Any], Any]] = {
    "due_date": _iso_date,
    "due_time": _hhmmss,
    "duration": _hhmmss,
    "lead_id": _lower,
    "location": lambda text: {"value": text},
    "participants": lambda items: _v2_participants(items),
    "attendees": lambda items: [_attendee(a, email_key="email") for a in items],
}


def _v2_participants(items: Sequence[Participant]) -> list[Json]:
    return [{"person_id": p.person_id, "primary": p.primary_flag} for p in items]


def v2_body(changes: ActivityChanges, *, current_participants: Sequence[Participant] = ()) -> Json:
    """The v2 body. A `person_id` without `participants` becomes the primary participant, the other
    `current_participants` kept (v1's meaning of `person_id` on an update; `None` clears them all);
    with `participants` given, `person_id` is left out as v1 ignores it then."""
    body: Json = {}
    for name, value in changes.items():
        if name == "person_id":
            continue
        body[_V2_NAMES.get(name, name)] = None if value is None else _V2.get(name, _same)(value)
    if "person_id" in changes and "participants" not in changes:
        body["participants"] = _v2_participants(primary_person(changes["person_id"], current_participants))
    return body


def primary_person(person_id: int | None, current: Sequence[Participant]) -> list[Participant]:
    """The participants once `person_id` is the primary one: the others kept, none when it is None."""
    if person_id is None:
        return []
    others = [p for p in current if not p.primary_flag and p.person_id != person_id]
    return [Participant(person_id, True), *others]
