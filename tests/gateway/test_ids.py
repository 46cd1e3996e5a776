"""Every id decoder is bounded and total: any string gives an id or BAD_USER_INPUT (a user error in a
mutation), never an exception, whatever its length (Python refuses `int()` of more than 4,300 digits)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.errors import BadUserInput
from gateway.sandbox import Sandbox
from gateway.schema.ids import MAX_PIPEDRIVE_ID, decode_id, encode_id, parse_numeric_id
from tests.support import GraphQLClient, error_codes

pytestmark = pytest.mark.anyio

DIGITS_5000 = "9" * 5000


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


JUNK_IDS = [
    DIGITS_5000,
    "0" * 5000 + "12",
    " " + "1" * 4301 + " ",
    b64(f"Activity:{DIGITS_5000}"),
    b64("Activity:" + "0" * 5000 + "7"),
    b64(f"{DIGITS_5000}:{DIGITS_5000}"),
    b64("Activity:１２"),  # full-width digits
    "é" * 100,
    "\ud800",
    "x" * 100_000,
    b64("x" * 75_000),
]
texts = st.one_of(
    st.text(),
    st.text(alphabet="0123456789", min_size=4290, max_size=5100),
    st.builds(lambda t, n: b64(f"{t}:{n}"), st.sampled_from(["Activity", "User", "Nope", ""]), st.text()),
    st.sampled_from(JUNK_IDS),
)


TOTAL = settings(deadline=None, database=None)


@TOTAL
@given(raw=texts)
def test_decode_id_gives_an_id_or_bad_user_input(raw: str) -> None:
    try:
        value = decode_id(raw, "Activity")
    except BadUserInput as error:
        assert len(error.message) < 300
    else:
        assert 0 < value <= MAX_PIPEDRIVE_ID


@TOTAL
@given(raw=texts)
def test_parse_numeric_id_never_raises(raw: str) -> None:
    value = parse_numeric_id(raw)
    assert value is None or 0 < value <= MAX_PIPEDRIVE_ID


def test_what_decodes() -> None:
    assert decode_id("12", "Activity") == 12
    assert decode_id(" 0012 ", "Activity") == 12
    assert decode_id(encode_id("Activity", MAX_PIPEDRIVE_ID), "Activity") == MAX_PIPEDRIVE_ID
    assert parse_numeric_id("0" * 5000 + "12") == 12
    for refused in ("0", str(MAX_PIPEDRIVE_ID + 1), DIGITS_5000, encode_id("User", 1), b64("Activity:x")):
        with pytest.raises(BadUserInput):
            decode_id(refused, "Activity")


@pytest.mark.parametrize("raw", [DIGITS_5000, b64(f"Activity:{DIGITS_5000}"), "x" * 100_000])
async def test_activity_with_a_junk_id_is_bad_user_input(gql: GraphQLClient, sandbox: Sandbox, raw: str) -> None:
    body = await gql("query($id: ID!) { activity(id: $id) { subject } }", {"id": raw})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] == {"activity": None}
    assert sandbox.control.requests == []


@pytest.mark.parametrize("raw", [DIGITS_5000, b64(f"Activity:{DIGITS_5000}")])
async def test_node_with_a_junk_id_is_null_or_bad_user_input(gql: GraphQLClient, raw: str) -> None:
    body = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": raw})
    assert set(error_codes(body)) <= {"BAD_USER_INPUT"}
    assert body["data"] == {"node": None}


async def test_nodes_with_a_5000_digit_global_id_answers_the_others(gql: GraphQLClient) -> None:
    body = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [b64(f"Activity:{DIGITS_5000}"), encode_id("ActivityType", 1)]},
    )
    assert "INTERNAL_SERVER_ERROR" not in error_codes(body)
    assert body["data"]["nodes"][1] == {"id": encode_id("ActivityType", 1)}


MUTATIONS = {
    "updateActivity": (
        'mutation($id: ID!) { updateActivity(input: {id: $id, subject: "x"}) { activity { id } '
        "userErrors { field code } } }",
        ["input", "id"],
    ),
    "deleteActivity": (
        "mutation($id: ID!) { deleteActivity(input: {id: $id}) { deletedActivityId userErrors { field code } } }",
        ["input", "id"],
    ),
    "deleteActivities": (
        'mutation($id: ID!) { deleteActivities(input: {ids: ["1", $id]}) { deletedActivityIds '
        "userErrors { field code } } }",
        ["input", "ids", "1"],
    ),
}


@pytest.mark.parametrize("field", MUTATIONS)
@pytest.mark.parametrize("raw", [DIGITS_5000, b64(f"Activity:{DIGITS_5000}")])
async def test_mutations_refuse_a_junk_id_as_a_user_error_and_write_nothing(
    gql: GraphQLClient, sandbox: Sandbox, field: str, raw: str
) -> None:
    mutation, path = MUTATIONS[field]
    body = await gql(mutation, {"id": raw})
    assert "errors" not in body, body["errors"]
    assert body["data"][field]["userErrors"] == [{"field": path, "code": "INVALID"}]
    assert [r for r in sandbox.control.requests if r.method != "GET"] == []
