"""The plan executor answers exactly what graphql-core's own executor answers: the same data and the
same errors (message, path, locations, order), query by query, on a schema built to reach every case."""

from __future__ import annotations

import json
from typing import Any

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionResult

from gateway.engine import execution
from gateway.engine.execution import PlanExecutor
from gateway.engine.fill import Fill, compile_fill

from .schemas import DIRTY, SCALARS, Query, QuietSchema, Tag, Uppercase, dict_schemas, schemas, upper

pytestmark = pytest.mark.anyio

ALL_FIELDS = "__typename name count ratio flag day at color note price tags"

QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "clean scalars": (f"{{ items {{ {ALL_FIELDS} }} }}", {}),
    "aliases": ("{ items { a: name b: name count c: count n: note kind: __typename } }", {}),
    "same field twice": ("{ items { name name count ...on Item { name count } } }", {}),
    "named and inline fragments": (
        "query { items { ...Basic ... on Item { ratio } ... on Named { name } children { ...Basic } } } "
        "fragment Basic on Item { name count at }",
        {},
    ),
    "skip and include, true": (
        "query($s: Boolean!) { items { name @skip(if: $s) count @include(if: $s) day ... @include(if: $s) { flag } } }",
        {"s": True},
    ),
    "skip and include, false": (
        "query($s: Boolean!) { items { name @skip(if: $s) count @include(if: $s) day ... @include(if: $s) { flag } } }",
        {"s": False},
    ),
    "custom scalars and enums": ("{ items { day at price color } }", {}),
    "nested lists": (
        "{ items { name tags children { name count children { name } } maybeChildren { name count } } }",
        {},
    ),
    "resolvers, arguments and async beside plain fields": (
        "{ items { name shout times(n: 3) later count best { name weight } } }",
        {},
    ),
    "permissions and field extensions": ("{ items { name secret loud } }", {}),
    "abstract list": ("{ named { __typename name ... on Item { count } ... on Tag { weight } } }", {}),
    "dirty rows in a nullable list": (f'{{ maybeItems(kind: "dirty") {{ {ALL_FIELDS} }} }}', {}),
    "dirty rows in a non-null list": ('{ items(kind: "dirty") { name count } }', {}),
    "dirty rows with resolvers and children": (
        '{ maybeItems(kind: "dirty") { name shout times count children { name } maybeChildren { name } '
        "best { name weight } } }",
        {},
    ),
    "aliases of a dirty field": ('{ maybeItems(kind: "dirty") { a: count b: count c: name } }', {}),
    "objects in hand, and loaded": ("{ items { name nick partner { name nick partner { name } } } }", {}),
    "objects in hand among dirty rows": (
        '{ maybeItems(kind: "dirty") { name nick partner { name count nick } children { name } } }',
        {},
    ),
    "a non-null object, null": ('{ maybeItems(kind: "dirty") { name surePartner { name } } }', {}),
    "a list of objects that is no list": ("{ items { name generated { name count } } }", {}),
    "lists of objects in hand": ("{ items { name children { name children { name } } best { name } } }", {}),
}


def ordered(result: ExecutionResult) -> tuple[str, str]:
    """Data and errors as JSON text: equal only with the same keys in the same order."""
    errors = [error.formatted for error in result.errors or ()]
    return json.dumps(result.data), json.dumps(errors)


async def _results(query: str, variables: dict[str, Any], **options: Any) -> list[tuple[str, str]]:
    return [ordered(await schema.execute(query, variable_values=variables)) for schema in schemas(**options)]


@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_same_data_and_errors(name: str) -> None:
    query, variables = QUERIES[name]
    plain, planned = await _results(query, variables)
    assert planned == plain


@pytest.mark.parametrize("index", range(len(DIRTY)))
async def test_each_dirty_row_alone(index: int) -> None:
    query = f"{{ each(index: {index}) {{ {ALL_FIELDS} shout times later children {{ name }} }} }}"
    plain, planned = await _results(query, {})
    assert planned == plain


async def test_dirty_rows_do_fail() -> None:
    """The dirty rows are dirty: the comparison above is not between two empty error lists."""
    (_, errors), _ = await _results(f'{{ maybeItems(kind: "dirty") {{ {ALL_FIELDS} }} }}', {})
    messages = " | ".join(error["message"] for error in json.loads(errors))
    assert "Cannot return null for non-nullable field Item.name" in messages
    assert "Int cannot represent" in messages and "count is not available" in messages


async def test_middleware_turns_the_plan_off() -> None:
    plain, planned = await _results(f"{{ items {{ {ALL_FIELDS} }} }}", {}, extensions=[Uppercase])
    assert planned == plain
    assert json.loads(plain[0])["items"][0]["name"] == "ALPHA"


async def test_schema_directives() -> None:
    query = "{ items { name @upper note count children { name @upper } } }"
    plain, planned = await _results(query, {}, directives=[upper])
    assert planned == plain
    assert json.loads(plain[0])["items"][0]["name"] == "ALPHA"


async def test_custom_default_resolver() -> None:
    results = [ordered(await schema.execute("{ points { x y label } }")) for schema in dict_schemas()]
    assert results[1] == results[0]
    assert json.loads(results[0][1]), "the null label must fail in both"


async def test_plain_leaves_take_the_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is really taken: once per object whose selection has plain leaves."""
    filled = 0

    def counting_compile_fill(*args: Any) -> Fill:
        fill = compile_fill(*args)

        def counted(source: Any, executor: Any) -> Any:
            nonlocal filled
            filled += 1
            return fill(source, executor)

        return counted

    monkeypatch.setattr(execution, "compile_fill", counting_compile_fill)
    schema: strawberry.Schema = QuietSchema(
        query=Query, types=[Tag], execution_context_class=PlanExecutor, config=StrawberryConfig(scalar_map=SCALARS)
    )
    result = await schema.execute("{ items { name count children { name } } }")
    assert result.errors is None
    assert filled == 3 + 2  # three items, two children of the first


class FieldCountingExecutor(PlanExecutor):
    """Counts the fields graphql-core executes itself (the general path), by field name."""

    executed: dict[str, int] = {}

    def execute_field(self, parent_type: Any, source: Any, field_details_list: Any, *args: Any, **kwargs: Any) -> Any:
        name = field_details_list[0].node.name.value
        FieldCountingExecutor.executed[name] = FieldCountingExecutor.executed.get(name, 0) + 1
        return super().execute_field(parent_type, source, field_details_list, *args, **kwargs)


async def test_objects_in_hand_take_the_plan_and_the_others_the_general_path() -> None:
    """alpha holds its partner and nick, beta a null partner, gamma a nick but no partner: only gamma's
    partner and beta's nick are executed by graphql-core; the nested objects in hand are filled too."""
    schema: strawberry.Schema = QuietSchema(
        query=Query,
        types=[Tag],
        execution_context_class=FieldCountingExecutor,
        config=StrawberryConfig(scalar_map=SCALARS),
    )
    FieldCountingExecutor.executed = {}
    result = await schema.execute("{ items { name nick partner { name } children { name } } }")
    assert result.errors is None and result.data is not None
    assert [row["partner"] for row in result.data["items"]] == [{"name": "p"}, None, {"name": "loaded partner"}]
    assert [row["nick"] for row in result.data["items"]] == ["al", "loaded nick", None]
    assert FieldCountingExecutor.executed == {"items": 1, "partner": 1, "nick": 1}
