"""Every failure leaves with an `extensions.code`; one failing field leaves the others' data in place;
anything unexpected is masked for the client and logged in full with the request id."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.errors import MAX_UPSTREAM_TEXT, upstream_text
from gateway.sandbox import DEMO_NONADMIN_TOKEN, Fault, Sandbox
from gateway.upstream.client import PipedriveClient
from gateway.upstream.errors import UpstreamRejected
from tests.support import ActivityPaths, GraphQLClient, error_codes, running, v1_only

pytestmark = pytest.mark.anyio


async def test_an_unknown_token_is_unauthenticated(gql: GraphQLClient) -> None:
    body = await gql("{ activities(first: 1) { nodes { subject } } }", headers={"x-api-token": "not-a-token"})
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_no_token_at_all_is_unauthenticated_without_an_upstream_call(sandbox: Sandbox) -> None:
    settings = Settings(upstream_url="http://sandbox.internal/api")  # a real upstream: no demo token
    async with running(create_app(settings, sandbox.transport())) as http:
        body = await GraphQLClient(http)("{ activityTypes { name } }")
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["extensions"]["upstream"] == {"calls": 0, "cost": 0}
    assert sandbox.control.requests == []


async def test_a_403_is_forbidden(gql: GraphQLClient) -> None:
    body = await gql(
        "{ activitiesCollection(first: 1) { nodes { subject } } }", headers={"x-api-token": DEMO_NONADMIN_TOKEN}
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_page_size_out_of_range_is_bad_user_input(gql: GraphQLClient, sandbox: Sandbox) -> None:
    body = await gql("{ activities(first: 501) { nodes { subject } } }")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert sandbox.control.requests == []


async def test_one_failing_field_leaves_the_others_data_in_place(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="status", status=503, times=50, method="GET", path=paths.one))
    body = await gql('{ lost: activity(id: "5") { subject } types: activityTypes { keyString } }')
    assert error_codes(body) == ["UPSTREAM_ERROR"]
    assert body["errors"][0]["path"] == ["lost"]
    assert body["data"]["lost"] is None
    assert "call" in {t["keyString"] for t in body["data"]["types"]}


async def test_a_failing_nested_field_is_null_and_its_siblings_are_not(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.control.inject(Fault(kind="status", status=503, times=50, method="GET", path="/api/v1/activityTypes"))
    body = await gql("{ activities(first: 3) { nodes { subject activityType { name } } } }")
    nodes = body["data"]["activities"]["nodes"]
    assert len(nodes) == 3 and all(node["subject"] for node in nodes)
    assert all(node["activityType"] is None for node in nodes)
    assert error_codes(body) == ["UPSTREAM_ERROR"] * 3
    assert [error["path"][-1] for error in body["errors"]] == ["activityType"] * 3
    assert sandbox.control.count("GET", "/api/v1/activityTypes") == 4  # one lookup for all three, retried


async def test_an_unexpected_failure_is_masked_and_logged_with_the_request_id(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(self: PipedriveClient) -> Any:
        raise RuntimeError("an internal detail the client must not see")

    monkeypatch.setattr(PipedriveClient, "activity_types", broken)
    with caplog.at_level(logging.ERROR, logger="gateway.errors"):
        body = await gql("{ activityTypes { name } }")
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    error = body["errors"][0]
    assert error["message"] == "Internal server error."
    assert "internal detail" not in str(body)
    request_id = error["extensions"]["requestId"]
    logged = [r for r in caplog.records if r.name == "gateway.errors" and r.levelno == logging.ERROR]
    assert len(logged) == 1
    assert getattr(logged[0], "request_id", None) == request_id
    assert logged[0].exc_info is not None and "internal detail" in caplog.text


def test_upstream_text_reaching_a_client_is_bounded_and_names_no_endpoint() -> None:
    error = UpstreamRejected(
        "POST /v1/activities: upstream answered 400: " + "x" * 5000,
        endpoint="/v1/activities",
        upstream_message="Person\n 999999 " + "x" * 5000,
    )
    text = upstream_text(error)
    assert len(text) == MAX_UPSTREAM_TEXT and text.startswith("Person 999999 x")
    assert "/v1/" not in text and "POST" not in text
    assert upstream_text(UpstreamRejected("GET /v1/users: upstream answered 400")) == "no reason given"


@v1_only("v2 sends no `types` upstream (the gateway filters by them): no URL for them to overflow")
@pytest.mark.parametrize("field", ["activities", "activitiesCollection"])
async def test_a_value_too_long_for_an_upstream_url_is_bad_user_input(
    gql: GraphQLClient, sandbox: Sandbox, field: str
) -> None:
    query = f"query($t: [String!]) {{ {field}(first: 1, types: $t) {{ nodes {{ id }} }} }}"
    body = await gql(query, {"t": ["x" * 70_000]})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "too long" in body["errors"][0]["message"]
    assert body["extensions"]["upstream"] == {"calls": 0, "cost": 0}
    assert sandbox.control.requests == []
