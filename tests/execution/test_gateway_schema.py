"""The gateway's own schema answers the same through the plan executor as through graphql-core's: the
same JSON (data, errors, cost report), key order included, for reads and a write, each app on its own
fresh sandbox (the seeds are the same, so the two are interchangeable)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type, is_leaf_type, is_object_type
from starlette.applications import Starlette
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.app import create_app
from gateway.config import Settings
from gateway.engine import execution
from gateway.engine.execution import PlanExecutor
from gateway.sandbox import Sandbox
from gateway.schema import build_schema
from tests.support import graphql_view, running

pytestmark = pytest.mark.anyio


def _schema_of(app: Starlette) -> Any:
    return graphql_view(app).schema


def selection(schema: GraphQLSchema, type_name: str, depth: int) -> str:
    """Every field of the type without required arguments: leaves, and objects `depth` levels down."""
    named = schema.type_map[type_name]
    assert isinstance(named, GraphQLObjectType)
    parts = []
    for name, field in named.fields.items():
        if any(
            arg.type.__class__.__name__ == "GraphQLNonNull" and arg.default_value is None for arg in field.args.values()
        ):
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif is_object_type(inner) and depth > 0:
            parts.append(f"{name} {{ {selection(schema, inner.name, depth - 1)} }}")
    return " ".join(parts)


@pytest.fixture
async def clients() -> AsyncIterator[list[httpx.AsyncClient]]:
    """Two gateways, each on a fresh in-memory sandbox: graphql-core's executor, then the plan executor."""
    async with AsyncExitStack() as stack:
        found = []
        for executor in (StrawberryGraphQLCoreExecutionContext, PlanExecutor):
            sandbox = Sandbox(db_path=":memory:")
            stack.callback(sandbox.close)
            app = create_app(Settings(), sandbox=sandbox)
            _schema_of(app).execution_context_class = executor
            found.append(await stack.enter_async_context(running(app)))
        yield found


@pytest.fixture(scope="module")
def graphql_schema() -> GraphQLSchema:
    """The gateway's types, to select every field of them."""
    schema: GraphQLSchema = build_schema()._schema
    return schema


async def _same(
    clients: list[httpx.AsyncClient], query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    texts = []
    for client in clients:
        response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
        body = response.json()
        body.get("extensions", {}).get("upstream", {}).pop("rateLimit", None)  # the sandbox's clock, not the answer
        texts.append((response.status_code, json.dumps(body)))
    assert texts[1] == texts[0]
    decoded: dict[str, Any] = json.loads(texts[0][1])
    return decoded


async def test_every_activity_field_on_a_page(clients: list[httpx.AsyncClient], graphql_schema: GraphQLSchema) -> None:
    fields = selection(graphql_schema, "Activity", 2)
    body = await _same(clients, f"{{ activities(first: 60, userId: 0) {{ nodes {{ {fields} }} }} }}")
    assert len(body["data"]["activities"]["nodes"]) == 60


async def test_slim_collection_items_completed_in_batch(
    clients: list[httpx.AsyncClient], graphql_schema: GraphQLSchema
) -> None:
    fields = selection(graphql_schema, "Activity", 1)
    body = await _same(
        clients,
        f"{{ activitiesCollection(first: 40) {{ edges {{ cursor node {{ {fields} }} }} "
        "pageInfo { hasNextPage endCursor } } }",
    )
    assert body["extensions"]["upstream"]["calls"] >= 2  # the slim page, then the fields it lacks


async def test_linked_objects(clients: list[httpx.AsyncClient], graphql_schema: GraphQLSchema) -> None:
    linked = " ".join(
        f"{name} {{ {selection(graphql_schema, kind, 0)} }}"
        for name, kind in (
            ("owner", "User"),
            ("creator", "User"),
            ("person", "Person"),
            ("organization", "Organization"),
            ("deal", "Deal"),
            ("activityType", "ActivityType"),
        )
    )
    await _same(clients, f"{{ activities(first: 100, userId: 0) {{ nodes {{ pipedriveId subject {linked} }} }} }}")


async def test_aliases_fragments_and_directives(clients: list[httpx.AsyncClient]) -> None:
    query = """
    query($with: Boolean!, $without: Boolean!, $id: ID!) {
      one: activity(id: $id) { ...Basic when: dueDate at: addTime @include(if: $with) note @skip(if: $without) }
      other: activity(id: "999999") { subject }
      page: activities(first: 30, userId: 0) {
        nodes { __typename kind: type ...Basic ... on Activity { done busyFlag } ...Times @include(if: $with) }
      }
      node(id: $id) { __typename id ... on Activity { subject dueTime } ... on ActivityType { name } }
      activityTypes { __typename id pipedriveId name keyString activeFlag addTime }
    }
    fragment Basic on Activity { id pipedriveId subject subjectAgain: subject dueDate }
    fragment Times on Activity { addTime updateTime markedAsDoneTime }
    """
    on, off = {"with": True, "without": False}, {"with": False, "without": True}
    for flags in (on, off, on, off):  # the later two reuse the plans the first two made (templates)
        page = await _same(clients, "{ activities(first: 1, userId: 0) { nodes { id } } }")
        node_id = page["data"]["activities"]["nodes"][0]["id"]
        body = await _same(clients, query, {**flags, "id": node_id})
        assert body["data"]["other"] is None


async def test_a_selection_is_planned_once_for_every_operation_sharing_it(
    clients: list[httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    original = execution.build_template

    def counting(schema: Any, parent_type: Any, grouped_field_set: Any) -> Any:
        built.append(parent_type.name)
        return original(schema, parent_type, grouped_field_set)

    monkeypatch.setattr(execution, "build_template", counting)
    query = "query P($n: Int) { activities(first: $n, userId: 0) { nodes { pipedriveId subject person { name } } } }"
    first = await clients[1].post("/graphql", json={"query": query, "variables": {"n": 5}})
    assert len(first.json()["data"]["activities"]["nodes"]) == 5
    assert {"Query", "ActivityConnection", "Activity"} <= set(built)
    made = len(built)
    for n in (6, 7, 8):
        again = await clients[1].post("/graphql", json={"query": query, "variables": {"n": n}})
        assert len(again.json()["data"]["activities"]["nodes"]) == n
    assert len(built) == made  # the same document: every plan came from its template
    other = "query Q { activities(first: 2, userId: 0) { nodes { pipedriveId subject } } }"
    await clients[1].post("/graphql", json={"query": other})
    assert len(built) > made  # another document has nodes of its own: planned anew


async def test_errors(clients: list[httpx.AsyncClient]) -> None:
    body = await _same(
        clients, '{ activities(first: 5, after: "nonsense") { nodes { subject } } ok: activityTypes { name } }'
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    await _same(clients, "{ activities(first: 501) { nodes { subject } } }")
    await _same(clients, "{ activity(id: 12) { subject nope } }")


async def test_add_activity(clients: list[httpx.AsyncClient]) -> None:
    mutation = """
    mutation($input: AddActivityInput!) {
      addActivity(input: $input) {
        activity { pipedriveId subject type dueDate dueTime duration done busyFlag owner { name } }
        userErrors { field message code }
      }
    }
    """
    await _same(
        clients,
        mutation,
        {
            "input": {
                "subject": "Call back",
                "type": "call",
                "dueDate": "2025-03-14",
                "dueTime": "09:30",
                "duration": "00:30",
            }
        },
    )
    await _same(clients, mutation, {"input": {"subject": "Bad time", "dueTime": "25:99"}})
