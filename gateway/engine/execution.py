"""The executor: graphql-core's, with plain leaf fields completed from a plan made once per selection.

graphql-core completes every field on its own (a path, a resolve info, the resolver call, then
`complete_value` through the type's wrappers): about 5 µs a field, most of a gateway's time on a
page of activities. Most fields of a page are plain leaves: Strawberry's basic-result resolver
(an attribute lookup), no arguments, a scalar or enum type. For each (object type, collected
selection) this executor works out once which response keys are plain leaves, with the attribute
getter and the serializer of each, and fills them for every object in one pass.

What stays with graphql-core, so results and errors are exactly its own: collecting the selection
(fragments, `@skip`/`@include`, aliases), type checks of objects and abstract types, lists, every
field with a resolver or arguments, and any plain value that is not clean: a null in a non-null
field, a value its serializer refuses or that is awaitable, a getter that raises. Such a field is
executed by `execute_field` as if the plan did not exist, in its place among the object's other
general fields. With schema middleware (an extension with a `resolve` hook) the plan is off: the
middleware must see every field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any, cast

from graphql import GraphQLObjectType, GraphQLSchema, Undefined, get_nullable_type, is_leaf_type, is_non_null_type
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

STRAWBERRY_DEFINITION = "strawberry-definition"
"""Where Strawberry keeps a GraphQL field's StrawberryField (`GraphQLField.extensions`)."""
SKIP_INCLUDE = frozenset({"skip", "include"})
"""Directives that `collect_fields` has already applied by the time a field reaches the plan."""
CLEAN_CLASSES = frozenset({str, int, bool, float, Decimal, dt.date, dt.datetime, dt.time})
"""Values of these classes are never awaitable: a plain leaf holding one needs no further check."""


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """How to answer one response key from the source object without graphql-core."""

    key: str
    get: Callable[[Any], Any]
    serialize: Callable[[Any], Any]
    non_null: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """One collected selection on one object type: its plain leaves, and the rest for graphql-core."""

    order: tuple[str, ...]
    leaves: tuple[PlainLeaf, ...]
    general: GroupedFieldSet
    """The fields that are not plain leaves, in selection order: what graphql-core executes."""
    grouped_field_set: GroupedFieldSet


def build_plan(
    schema: GraphQLSchema, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
) -> Plan | None:
    """The plan for a collected selection, or None when it has no plain leaf."""
    leaves: list[PlainLeaf] = []
    general: GroupedFieldSet = {}
    for key, field_details_list in grouped_field_set.items():
        leaf = plain_leaf(schema, parent_type, key, field_details_list)
        if leaf is None:
            general[key] = field_details_list
        else:
            leaves.append(leaf)
    if not leaves:
        return None
    return Plan(tuple(grouped_field_set), tuple(leaves), general, grouped_field_set)


def plain_leaf(
    schema: GraphQLSchema, parent_type: GraphQLObjectType, key: str, field_details_list: FieldDetailsList
) -> PlainLeaf | None:
    """The plain leaf answering `key`, or None when the field needs the general path."""
    if any(_needs_general_path(details.node, details.fragment_variable_values) for details in field_details_list):
        return None
    name = field_details_list[0].node.name.value
    if name == "__typename":
        type_name = parent_type.name
        return PlainLeaf(key, lambda _source: type_name, _identity, non_null=True)
    field = parent_type.fields.get(name)
    if field is None or field.args:
        return None
    definition = (field.extensions or {}).get(STRAWBERRY_DEFINITION)
    if definition is None or not _is_basic_resolver(field.resolve, definition):
        return None
    non_null = is_non_null_type(field.type)
    named = get_nullable_type(field.type)
    if not is_leaf_type(named):
        return None
    return PlainLeaf(key, _getter(definition), named.coerce_output_value, non_null)


def _needs_general_path(node: Any, fragment_variable_values: Any) -> bool:
    if node.arguments or fragment_variable_values is not None:
        return True
    return any(directive.name.value not in SKIP_INCLUDE for directive in node.directives or ())


def _is_basic_resolver(resolve: Any, definition: Any) -> bool:
    """Strawberry's resolver for a field with no resolver, permission or extension of its own."""
    return (
        getattr(resolve, "_is_default", False)
        and getattr(resolve, "__name__", "") == "_get_basic_result"
        and definition.is_basic_field
    )


def _getter(definition: Any) -> Callable[[Any], Any]:
    name: str = definition.python_name
    resolver = definition.default_resolver
    if resolver is getattr:
        return attrgetter(name)
    return lambda source: resolver(source, name)


def _identity(value: Any) -> Any:
    return value


class PlanExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's graphql-core executor, with plain leaves answered by a plan per selection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._plans_on = manager is None or not manager.middlewares
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[GroupedFieldSet, Plan | None]] = {}

    def build_per_event_executor(self, payload: Any) -> Any:
        """A subscription event that brings its own context (`event_context`: a live update's read window,
        `gateway.live.reads`) executes with it, so its loaders are fresh and shared with the deliveries
        of the same burst rather than the connection's, which live as long as the WebSocket."""
        executor = super().build_per_event_executor(payload)
        event_context = getattr(payload, "event_context", None)
        if event_context is not None:
            executor.context_value = event_context
        return executor

    def plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan | None:
        """The memoized plan. Keyed by identity, like graphql-core's own subfield memo: the field set
        is kept alive with its plan, so its id cannot be reused during the operation."""
        key = (parent_type, id(grouped_field_set))
        cached = self._plans.get(key)
        if cached is None:
            cached = self._plans[key] = (grouped_field_set, build_plan(self.schema, parent_type, grouped_field_set))
        return cached[1]

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = self.plan(parent_type, grouped_field_set) if self._plans_on else None
        if plan is None:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        values, unclean = self._fill(plan, source_value)
        general = plan.general
        if unclean:
            general = {
                key: details for key, details in plan.grouped_field_set.items() if key in general or key in unclean
            }
        if not general:
            return values
        rest = super().execute_fields(parent_type, source_value, path, general, position_context)
        if self.is_awaitable(rest):
            return _merge_later(plan.order, values, rest)
        return _merge(plan.order, values, cast(dict[str, Any], rest))

    def _fill(self, plan: Plan, source: Any) -> tuple[dict[str, Any], set[str]]:
        """The clean plain values of `source`, and the keys whose value needs the general path."""
        values: dict[str, Any] = {}
        unclean: set[str] = set()
        for leaf in plan.leaves:
            try:
                raw = leaf.get(source)
                if raw is None:
                    if leaf.non_null:
                        unclean.add(leaf.key)
                    else:
                        values[leaf.key] = None
                    continue
                if raw.__class__ not in CLEAN_CLASSES and self.is_awaitable(raw):
                    unclean.add(leaf.key)
                    continue
                value = leaf.serialize(raw)
            except Exception:  # the general path raises it again, located and handled as graphql-core does
                unclean.add(leaf.key)
                continue
            if value is None or value is Undefined:
                unclean.add(leaf.key)
            else:
                values[leaf.key] = value
        return values, unclean


def _merge(order: tuple[str, ...], plain: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
    """Both parts in selection order; a key graphql-core left out (an unknown field) stays out."""
    if not plain:
        return rest
    merged: dict[str, Any] = {}
    for key in order:
        if key in plain:
            merged[key] = plain[key]
        elif key in rest:
            merged[key] = rest[key]
    return merged


async def _merge_later(
    order: tuple[str, ...], plain: dict[str, Any], rest: Awaitable[dict[str, Any]]
) -> dict[str, Any]:
    return _merge(order, plain, await rest)
