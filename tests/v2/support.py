"""Helpers of the API v2 tests: walking a connection to its end, and what the sandbox was asked."""

from __future__ import annotations

from typing import Any

from gateway.sandbox import Sandbox
from tests.support import GraphQLClient

PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String, $userId: Int, $filterId: Int,
           $types: [String!], $startDate: Date, $endDate: Date, $done: Boolean) {
  activities(first: $first, after: $after, last: $last, before: $before, userId: $userId, filterId: $filterId,
             types: $types, startDate: $startDate, endDate: $endDate, done: $done) {
    edges { cursor node { pipedriveId type dueDate userId done } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def walk(
    gql: GraphQLClient, variables: dict[str, Any], *, backward: bool = False, size: int = 7
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every node of `activities` walking forward with `first` (or backward with `last`), following the
    end (start) cursor; the nodes in list order, and each response."""
    nodes: list[dict[str, Any]] = []
    bodies: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(2000):
        page_args = {"last": size, "before": cursor} if backward else {"first": size, "after": cursor}
        body = await gql(PAGE, variables | page_args)
        assert "errors" not in body, body["errors"]
        bodies.append(body)
        connection = body["data"]["activities"]
        page = [edge["node"] for edge in connection["edges"]]
        nodes = page + nodes if backward else nodes + page
        info = connection["pageInfo"]
        if not (info["hasPreviousPage"] if backward else info["hasNextPage"]):
            return nodes, bodies
        cursor = info["startCursor"] if backward else info["endCursor"]
        assert cursor is not None
    raise AssertionError("the walk did not end")


def bodies_sent(sandbox: Sandbox, method: str, path: str) -> list[Any]:
    """The JSON bodies the sandbox received for `method path` (a path ending in '*' is a prefix)."""
    prefix = path.removesuffix("*")
    return [
        r.body
        for r in sandbox.control.requests
        if r.method == method and (r.path == path or (path.endswith("*") and r.path.startswith(prefix)))
    ]
