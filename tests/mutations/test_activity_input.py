"""The pure rules of `gateway.schema.activity_input`: which values are refused, and the body sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import strawberry
from strawberry import Some

from gateway.schema.activity_input import activity_changes, check_fields, needs_active_types
from gateway.schema.inputs import AddActivityInput, AttendeeInput, ParticipantInput, UpdateActivityInput
from gateway.schema.user_errors import UserErrorCode
from gateway.upstream.activities import Participant
from gateway.upstream.writes import ActivityChanges, v1_body, v2_body

TYPES = frozenset({"call", "meeting"})


def refusals(fields: dict[str, Any]) -> list[list[str] | None]:
    errors = check_fields(fields, active_types=TYPES)
    assert all(error.code is UserErrorCode.INVALID for error in errors)
    return [error.field for error in errors]


@pytest.mark.parametrize("value", ["00:00", "09:05", "23:59"])
def test_clock_times_in_range_pass(value: str) -> None:
    assert refusals({"due_time": value, "duration": value}) == []


@pytest.mark.parametrize("value", ["24:00", "9:30", "09:60", "0930", "09:30:00", "", " 09:30", "ab:cd", "99:99"])
def test_clock_times_out_of_range_or_malformed_are_refused(value: str) -> None:
    assert refusals({"due_time": value, "duration": value}) == [["input", "dueTime"], ["input", "duration"]]


@pytest.mark.parametrize("name", ["deal_id", "person_id", "project_id", "org_id", "user_id"])
@pytest.mark.parametrize("value", [0, -1, 2**31])
def test_ids_must_be_positive_32_bit(name: str, value: int) -> None:
    camel = {
        "deal_id": "dealId",
        "person_id": "personId",
        "project_id": "projectId",
        "org_id": "orgId",
        "user_id": "userId",
    }[name]
    assert refusals({name: value}) == [["input", camel]]
    assert refusals({name: 2**31 - 1}) == []


def test_lead_id_must_be_a_canonical_uuid() -> None:
    assert refusals({"lead_id": "6f1b3a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b"}) == []
    for bad in ("6f1b3a2e3c4d4e5f8a9b0c1d2e3f4a5b", "{6f1b3a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b}", "lead-1", ""):
        assert refusals({"lead_id": bad}) == [["input", "leadId"]], bad


def test_subject_must_not_be_blank_and_type_must_be_active() -> None:
    assert refusals({"subject": "  ", "type": "fax"}) == [["input", "subject"], ["input", "type"]]
    assert refusals({"subject": "Call Ana", "type": "meeting"}) == []


def test_only_clearable_fields_may_be_null() -> None:
    nulls = dict.fromkeys(
        (
            "subject",
            "type",
            "user_id",
            "done",
            "note",
            "due_time",
            "deal_id",
            "busy_flag",
            "participants",
            "attendees",
            "lead_id",
            "due_date",
        )
    )
    assert refusals(nulls) == [["input", "subject"], ["input", "type"], ["input", "userId"], ["input", "done"]]


def test_participants_need_distinct_valid_persons_and_one_primary_at_most() -> None:
    participants = [
        ParticipantInput(person_id=1, primary_flag=True),
        ParticipantInput(person_id=0),
        ParticipantInput(person_id=1),
        ParticipantInput(person_id=3, primary_flag=True),
    ]
    assert refusals({"participants": participants}) == [
        ["input", "participants", "1", "personId"],
        ["input", "participants", "2", "personId"],
        ["input", "participants", "3", "primaryFlag"],
    ]


def test_attendees_need_an_address_or_a_person() -> None:
    attendees = [
        AttendeeInput(email_address="a@b.test"),
        AttendeeInput(person_id=4),
        AttendeeInput(),
        AttendeeInput(email_address="not an address"),
        AttendeeInput(person_id=-2),
    ]
    assert refusals({"attendees": attendees}) == [
        ["input", "attendees", "2"],
        ["input", "attendees", "3", "emailAddress"],
        ["input", "attendees", "4", "personId"],
    ]


def test_activity_types_are_needed_only_when_a_type_is_given() -> None:
    assert needs_active_types({"type": "call"})
    assert not needs_active_types({"type": None}) and not needs_active_types({"subject": "x"})


FIELDS: dict[str, Any] = {
    "done": True,
    "due_date": dt.date(2025, 2, 3),
    "due_time": "09:30",
    "lead_id": "6F1B3A2E-3C4D-4E5F-8A9B-0C1D2E3F4A5B",
    "busy_flag": False,
    "note": None,
    "deal_id": None,
    "location": "Main Street 1",
    "user_id": 7,
    "person_id": 9,
    "participants": [ParticipantInput(person_id=5, primary_flag=True)],
    "attendees": [AttendeeInput(email_address=" x@y.test "), AttendeeInput(person_id=6)],
}
V1_BODY = {
    "done": 1,
    "due_date": "2025-02-03",
    "due_time": "09:30",
    "lead_id": "6f1b3a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
    "busy_flag": False,
    "note": None,
    "deal_id": None,
    "location": "Main Street 1",
    "user_id": 7,
    "person_id": 9,
    "participants": [{"person_id": 5, "primary_flag": True}],
    "attendees": [{"email_address": "x@y.test"}, {"person_id": 6}],
}
V2_BODY = {  # REFERENCE §5.3: renamed, booleans, HH:MM:SS, a location object, no read-only person_id
    "done": True,
    "due_date": "2025-02-03",
    "due_time": "09:30:00",
    "lead_id": "6f1b3a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
    "busy": False,
    "note": None,
    "deal_id": None,
    "location": {"value": "Main Street 1"},
    "owner_id": 7,
    "participants": [{"person_id": 5, "primary": True}],
    "attendees": [{"email": "x@y.test"}, {"person_id": 6}],
}


@pytest.mark.parametrize(("body", "expected"), [(v1_body, V1_BODY), (v2_body, V2_BODY)], ids=["v1", "v2"])
def test_the_body_has_the_upstream_keys_and_values(
    body: Callable[[ActivityChanges], dict[str, Any]], expected: dict[str, Any]
) -> None:
    assert body(activity_changes(FIELDS)) == expected
    assert body(activity_changes({"done": False, "duration": "01:15"}))["done"] in (0, False)


def test_in_v2_the_person_becomes_the_primary_participant_and_the_others_stay() -> None:
    current = [Participant(5, True), Participant(6, False), Participant(9, False)]
    body = v2_body(activity_changes({"person_id": 9, "subject": "x"}), current_participants=current)
    assert "person_id" not in body
    assert body["participants"] == [{"person_id": 9, "primary": True}, {"person_id": 6, "primary": False}]
    assert v2_body(activity_changes({"person_id": None}), current_participants=current)["participants"] == []
    assert v2_body(activity_changes({"duration": "01:15"})) == {"duration": "01:15:00"}


def test_provided_fields_of_add_and_update_inputs() -> None:
    assert AddActivityInput(subject="Hi", note=None).provided() == {"subject": "Hi"}
    update = UpdateActivityInput(id=strawberry.ID("1"), subject=Some("Hi"), note=Some(None))
    assert update.provided() == {"subject": "Hi", "note": None}
