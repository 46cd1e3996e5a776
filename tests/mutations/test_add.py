"""addActivity through GraphQL against the sandbox: what the answer says and what the sandbox holds."""

from __future__ import annotations

import httpx
import pytest

from gateway.config import ApiMode
from gateway.sandbox import Sandbox
from gateway.schema.ids import encode_id
from tests.support import ActivityPaths, GraphQLClient

from .support import ADD, linked, live_ids, stored

pytestmark = pytest.mark.anyio

LEAD = "6F1B3A2E-3C4D-4E5F-8A9B-0C1D2E3F4A5B"


async def test_add_sends_every_writable_field_and_answers_what_was_stored(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    ids = await linked(rest)
    before = await live_ids(rest)
    sandbox.control.clear()
    given = {
        "subject": "Site tour",
        "type": "meeting",
        "dueDate": "2025-03-04",
        "dueTime": "09:30",
        "duration": "01:15",
        "dealId": ids["deal"],
        "leadId": LEAD,
        "orgId": ids["org"],
        "projectId": 7,
        "location": "Main Street 5, 10115 Berlin, Germany",
        "publicDescription": "Agenda",
        "note": "<b>bring</b>",
        "userId": 3,
        "busyFlag": True,
        "done": True,
        "participants": [{"personId": ids["person"]}, {"personId": ids["person2"], "primaryFlag": True}],
        "attendees": [{"emailAddress": "guest@example.test"}, {"personId": ids["person"]}],
    }
    payload = (await gql.data(ADD, {"input": given}))["addActivity"]

    assert payload["userErrors"] == []
    activity = payload["activity"]
    new_id = activity["pipedriveId"]
    assert (await live_ids(rest)) == before | {new_id}
    assert activity["id"] == encode_id("Activity", new_id)
    held = await stored(rest, new_id)
    assert sandbox.control.count(method="POST", path=paths.add) == sandbox.control.count(method="POST") == 1
    assert (held["subject"], held["type"], held["due_date"], held["due_time"], held["duration"]) == (
        "Site tour",
        "meeting",
        "2025-03-04",
        "09:30",
        "01:15",
    )
    assert (held["deal_id"], held["org_id"], held["project_id"], held["user_id"]) == (ids["deal"], ids["org"], 7, 3)
    assert held["lead_id"] == LEAD.lower() and held["busy_flag"] is True and held["done"] is True
    assert (held["location"], held["public_description"], held["note"]) == (given["location"], "Agenda", "<b>bring</b>")
    assert held["participants"] == [
        {"person_id": ids["person"], "primary_flag": False},
        {"person_id": ids["person2"], "primary_flag": True},
    ]
    assert held["person_id"] == ids["person2"]  # the upstream follows the primary participant
    assert [(a["email_address"], a["person_id"]) for a in held["attendees"]][0] == ("guest@example.test", None)
    assert held["attendees"][1]["person_id"] == ids["person"]
    # The answer is the upstream's answer, in GraphQL form.
    assert (activity["subject"], activity["type"], activity["done"], activity["busyFlag"]) == (
        "Site tour",
        "meeting",
        True,
        True,
    )
    assert (activity["dueDate"], activity["dueTime"], activity["leadId"], activity["personId"]) == (
        "2025-03-04",
        "09:30",
        LEAD.lower(),
        ids["person2"],
    )
    assert activity["participants"] == [
        {"personId": ids["person"], "primaryFlag": False},
        {"personId": ids["person2"], "primaryFlag": True},
    ]


# REFERENCE §5.3: v2 renames `busy_flag` and the attendee's address, and takes booleans.
SENT: dict[ApiMode, dict[str, object]] = {
    "v1": {"done": 0, "busy_flag": False, "attendees": [{"email_address": "a@b.test"}]},
    "v2": {"done": False, "busy": False, "attendees": [{"email": "a@b.test"}]},
}


async def test_the_body_carries_snake_case_keys_and_upstream_values(
    gql: GraphQLClient, sandbox: Sandbox, api_version: ApiMode, paths: ActivityPaths
) -> None:
    sandbox.control.clear()
    given = {
        "subject": "Ping",
        "done": False,
        "busyFlag": False,
        "dueDate": "2025-01-31",
        "attendees": [{"emailAddress": "a@b.test"}],
    }
    await gql.data(ADD, {"input": given})
    (request,) = [r for r in sandbox.control.requests if r.method == "POST"]
    assert request.path == paths.add
    assert request.body == {"subject": "Ping", "due_date": "2025-01-31", **SENT[api_version]}


async def test_an_empty_add_takes_the_upstream_defaults(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.control.clear()
    payload = (await gql.data(ADD, {"input": {"note": None, "subject": None}}))["addActivity"]
    (request,) = [r for r in sandbox.control.requests if r.method == "POST"]
    assert request.body == {}  # null on add means "not sent"
    held = await stored(rest, payload["activity"]["pipedriveId"])
    assert (held["subject"], held["type"], held["done"], held["user_id"]) == ("Call", "call", False, 1)
    assert payload["activity"]["dueTime"] is None
    assert payload["activity"]["note"] in (None, "")  # an empty note reads as "" today (see the report)


# v1's answer says whether more activities are scheduled in the deal's context; v2's does not: null.
MORE_SCHEDULED: dict[ApiMode, tuple[bool | None, bool | None]] = {"v1": (False, True), "v2": (None, None)}


async def test_more_activities_scheduled_in_context_is_the_upstreams_flag(
    gql: GraphQLClient, rest: httpx.AsyncClient, api_version: ApiMode
) -> None:
    ids = await linked(rest)
    alone = (await gql.data(ADD, {"input": {"subject": "Alone"}}))["addActivity"]
    first = {"subject": "First", "dealId": ids["deal"], "done": False}
    await gql.data(ADD, {"input": first})
    second = (await gql.data(ADD, {"input": first | {"subject": "Second"}}))["addActivity"]
    flags = (alone["moreActivitiesScheduledInContext"], second["moreActivitiesScheduledInContext"])
    assert flags == MORE_SCHEDULED[api_version]
    assert (alone["activity"]["subject"], second["activity"]["subject"]) == ("Alone", "Second")


async def test_a_reference_the_upstream_does_not_know_is_a_user_error(
    gql: GraphQLClient, rest: httpx.AsyncClient
) -> None:
    before = await live_ids(rest)
    body = await gql(ADD, {"input": {"subject": "Ghost", "personId": 999_999}})
    assert "errors" not in body
    payload = body["data"]["addActivity"]
    assert payload["activity"] is None and payload["moreActivitiesScheduledInContext"] is None
    (error,) = payload["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID", ["input", "personId"])  # the field the upstream named
    assert "999999" in error["message"]
    assert "/v1/" not in error["message"] and "POST" not in error["message"]  # the gateway's internals stay inside
    assert await live_ids(rest) == before


async def test_the_upstream_refusing_a_participant_or_an_attendee_names_its_place(
    gql: GraphQLClient, rest: httpx.AsyncClient
) -> None:
    ids = await linked(rest)
    participants = [{"personId": ids["person"], "primaryFlag": True}, {"personId": 999_998}]
    body = await gql.data(ADD, {"input": {"subject": "Ghosts", "participants": participants}})
    assert [e["field"] for e in body["addActivity"]["userErrors"]] == [["input", "participants", "1", "personId"]]
    attendees = [{"emailAddress": "a@b.test"}, {"personId": 999_997}]
    body = await gql.data(ADD, {"input": {"subject": "Ghosts", "attendees": attendees}})
    assert [e["field"] for e in body["addActivity"]["userErrors"]] == [["input", "attendees", "1", "personId"]]
