"""Both connections refuse any cursor they did not hand out with BAD_USER_INPUT, never an
INTERNAL_SERVER_ERROR: 5,000 digits, base64 of garbage, non-ASCII text, 100 kB strings."""

from __future__ import annotations

import base64

import pytest

from tests.support import GraphQLClient, error_codes

pytestmark = pytest.mark.anyio

DIGITS = "9" * 5000


def b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


COMMON_JUNK = [
    pytest.param(DIGITS, id="5000-digits"),
    pytest.param(b64(DIGITS), id="base64-of-5000-digits"),
    pytest.param(b64(b"\xff\xfe\x00garbage\x80"), id="base64-of-garbage"),
    pytest.param(b64("no colon here"), id="base64-without-kind"),
    pytest.param("é" * 10, id="non-ascii"),
    pytest.param("💥", id="emoji"),
    pytest.param("x" * 100_000, id="100kB"),
    pytest.param(b64("x" * 75_000), id="base64-of-75kB"),
]
OFFSET_JUNK = [
    pytest.param(b64(f"offset:{DIGITS}"), id="offset-of-5000-digits"),
    pytest.param(b64("offset:-1"), id="negative-offset"),
    pytest.param(b64("offset:１２"), id="full-width-offset"),
    pytest.param(b64("offset:" + "0" * 5000 + "1"), id="offset-with-5000-zeros"),
    pytest.param(b64("collection:0:"), id="collection-cursor"),
    pytest.param("", id="empty"),
]
COLLECTION_JUNK = [
    pytest.param(b64(f"collection:{DIGITS}:"), id="skip-of-5000-digits"),
    pytest.param(b64("collection:" + "0" * 5000 + "1:"), id="skip-with-5000-zeros"),
    pytest.param(b64("collection:１:"), id="full-width-skip"),
    pytest.param(b64("collection:-1:"), id="negative-skip"),
    pytest.param(b64("collection:501:"), id="skip-over-the-page-cap"),
    pytest.param(b64(f"collection:0:{DIGITS}"), id="upstream-cursor-of-5000-digits"),
    pytest.param(b64("collection:0:" + "x" * 75_000), id="upstream-cursor-of-75kB"),
    pytest.param(b64("offset:0"), id="offset-cursor"),
    pytest.param("", id="empty"),
]


async def test_the_cases_are_real_cursors_gone_wrong(gql: GraphQLClient) -> None:
    """The junk is shaped like the real thing: both connections hand out base64 `kind:value` cursors."""
    data = await gql.data(
        "{ a: activities(first: 1, userId: 0) { pageInfo { endCursor } } "
        "c: activitiesCollection(first: 1) { pageInfo { endCursor } } }"
    )
    assert base64.b64decode(data["a"]["pageInfo"]["endCursor"]).startswith(b"offset:")
    assert base64.b64decode(data["c"]["pageInfo"]["endCursor"]).startswith(b"collection:")


@pytest.mark.parametrize("argument", ["after", "before"])
@pytest.mark.parametrize("cursor", COMMON_JUNK + OFFSET_JUNK)
async def test_activities_refuses_junk_cursors(gql: GraphQLClient, cursor: str, argument: str) -> None:
    size = "first" if argument == "after" else "last"
    body = await gql(
        f"query($c: String) {{ activities({size}: 2, {argument}: $c, userId: 0) {{ nodes {{ id }} }} }}", {"c": cursor}
    )
    assert error_codes(body) == ["BAD_USER_INPUT"], body["errors"]
    assert body["data"] is None


@pytest.mark.parametrize("cursor", COMMON_JUNK + COLLECTION_JUNK)
async def test_activities_collection_refuses_junk_cursors(gql: GraphQLClient, cursor: str) -> None:
    body = await gql("query($c: String) { activitiesCollection(first: 2, after: $c) { nodes { id } } }", {"c": cursor})
    assert error_codes(body) == ["BAD_USER_INPUT"], body["errors"]
    assert body["data"] is None
