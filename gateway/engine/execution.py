"""The executor: graphql-core's, with what is already in hand completed from a plan made once per selection.

graphql-core completes every field on its own (a path, a resolve info, the resolver call, then
`complete_value` through the type's wrappers): about 5 µs a field, most of a gateway's time on a
page of activities. Most of a page is in hand when the page arrives: plain leaves (Strawberry's
basic-result resolver, an attribute lookup, no arguments, a scalar or enum type), plain object
fields and lists of objects (a connection's `nodes`, `edges`, `pageInfo`), and the fields the schema
marks `IN_HAND`: a field a record may lack, when its payload had it, and a linked object the request
already holds (primed from `related_objects` or loaded in the page's batch). For each (object type,
collected selection) this executor works out once which response keys it can answer so, with the
getter and serializer of each (and the plan of each object's own selection), and fills them for every
object in one pass, nested objects included.

What stays with graphql-core, so results and errors are exactly its own: collecting the selection
(fragments, `@skip`/`@include`, aliases, `@defer`), abstract types, every field with arguments or a
resolver of its own that is not in hand, and any value that is not clean: a null in a non-null
field, a value its serializer refuses or that is awaitable, a getter that raises (`NotInHand`
included), an object its type does not accept. Such a field is executed by `execute_field` as if the
plan did not exist, in its place among the object's other fields; for an object or a list of objects,
the whole field. With schema middleware (an extension with a `resolve` hook) the plan is off: the
middleware must see every field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from math import isfinite
from operator import attrgetter
from typing import Any, cast

from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

STRAWBERRY_DEFINITION = "strawberry-definition"
"""Where Strawberry keeps a GraphQL field's StrawberryField (`GraphQLField.extensions`)."""
SKIP_INCLUDE = frozenset({"skip", "include"})
"""Directives that `collect_fields` has already applied by the time a field reaches the plan."""
NO_INFO: Any = None
PREPARE = "prepare"
"""A source whose class has `prepare(names)` (the upstream records) is told which attributes a plan is
about to read, so it converts them in one pass."""
CLEAN_CLASSES = frozenset({str, int, bool, float, Decimal, dt.date, dt.datetime, dt.time})
"""Values of these classes are never awaitable: a plain leaf holding one needs no further check."""


IN_HAND = "gateway.in_hand"
"""The key, in a Strawberry field's `metadata`, of its `InHand` getter."""


class NotInHand(Exception):  # a signal, not an error: the general path takes the field
    """Raised by an `InHand` getter when the value must be loaded: graphql-core resolves the field."""


InHand = Callable[[Any, Any], Any]
"""(source, context) -> the field's value when the request already holds it, else raise NotInHand."""


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """How to answer one response key from the source object without graphql-core."""

    key: str
    get: Callable[[Any], Any]
    serialize: Callable[[Any], Any]
    non_null: bool
    attribute: str | None = None
    """The source attribute the getter reads, when it reads one."""


@dataclass(frozen=True, slots=True)
class PlainObject:
    """An object field, or a list of objects, whose value is in hand: each object is filled by the plan
    of the field's own selection."""

    key: str
    get: Callable[[Any], Any]
    object_type: GraphQLObjectType
    field_details_list: FieldDetailsList
    non_null: bool
    is_list: bool
    item_non_null: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """One collected selection on one object type: what a plan answers, and the rest for graphql-core."""

    order: tuple[str, ...]
    leaves: tuple[PlainLeaf, ...]
    objects: tuple[PlainObject, ...]
    attributes: tuple[str, ...]
    """The attributes the leaves read, for a source that converts its values on demand (`PREPARE`)."""
    general: GroupedFieldSet
    """The fields neither kind answers, in selection order: what graphql-core executes."""
    grouped_field_set: GroupedFieldSet


def build_plan(
    schema: GraphQLSchema, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet, context: Any
) -> Plan | None:
    """The plan for a collected selection, or None when nothing in it can be planned."""
    leaves: list[PlainLeaf] = []
    objects: list[PlainObject] = []
    general: GroupedFieldSet = {}
    for key, field_details_list in grouped_field_set.items():
        planned = plain_field(schema, parent_type, key, field_details_list, context)
        if isinstance(planned, PlainLeaf):
            leaves.append(planned)
        elif isinstance(planned, PlainObject):
            objects.append(planned)
        else:
            general[key] = field_details_list
    if not leaves and not objects:
        return None
    attributes = tuple(dict.fromkeys(leaf.attribute for leaf in leaves if leaf.attribute))
    return Plan(tuple(grouped_field_set), tuple(leaves), tuple(objects), attributes, general, grouped_field_set)


def plain_field(
    schema: GraphQLSchema,
    parent_type: GraphQLObjectType,
    key: str,
    field_details_list: FieldDetailsList,
    context: Any,
) -> PlainLeaf | PlainObject | None:
    """How the plan answers `key`, or None when the field needs the general path."""
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
    if definition is None:
        return None
    get = _getter(field.resolve, definition, context)
    if get is None:
        return None
    non_null = is_non_null_type(field.type)
    named = get_nullable_type(field.type)
    if is_leaf_type(named):
        attribute = definition.python_name if isinstance(get, attrgetter) else None
        return PlainLeaf(key, get, _serializer(named), non_null, attribute)
    item = get_nullable_type(named.of_type) if isinstance(named, GraphQLList) else named
    if not isinstance(item, GraphQLObjectType):
        return None  # abstract types, lists of lists or of leaves: the general path
    item_non_null = isinstance(named, GraphQLList) and is_non_null_type(named.of_type)
    return PlainObject(key, get, item, field_details_list, non_null, isinstance(named, GraphQLList), item_non_null)


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


def _getter(resolve: Any, definition: Any, context: Any) -> Callable[[Any], Any] | None:
    """The field's value from its source: an attribute for a basic field, the schema's `InHand` getter
    bound to this operation's context for a field that has one; None for any other field."""
    in_hand: InHand | None = (getattr(definition, "metadata", None) or {}).get(IN_HAND)
    if in_hand is not None:
        return lambda source: in_hand(source, context)
    if not _is_basic_resolver(resolve, definition):
        return None
    name: str = definition.python_name
    resolver = definition.default_resolver
    if resolver is getattr:
        return attrgetter(name)
    return lambda source: resolver(source, name)


def _identity(value: Any) -> Any:
    return value


_INT_RANGE = range(-(2**31), 2**31)


def _serializer(named: Any) -> Callable[[Any], Any]:
    """The type's serializer, with the common clean case of the built-in scalars answered at once."""
    coerce: Callable[[Any], Any] = named.coerce_output_value
    exact = _EXACT.get(named.name) if named in (GraphQLString, GraphQLInt, GraphQLBoolean, GraphQLFloat) else None
    if exact is None:
        return coerce
    if exact is int:
        return lambda value: value if value.__class__ is int and value in _INT_RANGE else coerce(value)
    if exact is float:
        return lambda value: value if value.__class__ is float and isfinite(value) else coerce(value)
    return lambda value: value if value.__class__ is exact else coerce(value)


_EXACT: dict[str, type] = {"String": str, "Int": int, "Boolean": bool, "Float": float}


class PlanExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's graphql-core executor, with what is in hand answered by a plan per selection."""

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
            plan = build_plan(self.schema, parent_type, grouped_field_set, self.context_value)
            cached = self._plans[key] = (grouped_field_set, plan)
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
            return _merge(plan.order, values, {}) if plan.objects else values
        rest = super().execute_fields(parent_type, source_value, path, general, position_context)
        if self.is_awaitable(rest):
            return _merge_later(plan.order, values, rest)
        return _merge(plan.order, values, cast(dict[str, Any], rest))

    def _fill(self, plan: Plan, source: Any) -> tuple[dict[str, Any], set[str]]:
        """The clean values the plan answers for `source`, and the keys that need the general path."""
        values: dict[str, Any] = {}
        unclean: set[str] = set()
        if plan.attributes:
            prepare = getattr(source.__class__, PREPARE, None)
            if prepare is not None:
                prepare(source, plan.attributes)
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
        for plain in plan.objects:
            try:
                values[plain.key] = self._fill_object_field(plain, plain.get(source))
            except Exception:  # NotInHand, a getter's own failure, or a value that is not clean
                unclean.add(plain.key)
        return values, unclean

    def _fill_object_field(self, plain: PlainObject, value: Any) -> Any:
        """The completed value of an object field or list of objects; raises `NotInHand` when any part
        of it is not clean, so that graphql-core completes the whole field."""
        if value is None:
            if plain.non_null:
                raise NotInHand
            return None
        if not plain.is_list:
            return self._fill_object(plain, value)
        if value.__class__ is not list and value.__class__ is not tuple:
            raise NotInHand  # another iterable (a generator, say): graphql-core's own handling
        items: list[Any] = []
        for item in value:
            if item is None:
                if plain.item_non_null:
                    raise NotInHand
                items.append(None)
            else:
                items.append(self._fill_object(plain, item))
        return items

    def _fill_object(self, plain: PlainObject, source: Any) -> dict[str, Any]:
        object_type = plain.object_type
        # Strawberry's and the gateway's `is_type_of` read the object only: no resolve info to make here.
        if object_type.is_type_of is not None and object_type.is_type_of(source, NO_INFO) is not True:
            raise NotInHand  # the general path reports a wrong type, or awaits an awaitable answer
        grouped_field_set, defer_usages, *_ = self.collect_subfields(object_type, plain.field_details_list)
        if defer_usages:
            raise NotInHand
        plan = self.plan(object_type, grouped_field_set)
        if plan is None or plan.general:
            raise NotInHand
        values, unclean = self._fill(plan, source)
        if unclean:
            raise NotInHand
        return _merge(plan.order, values, {}) if plan.objects else values


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
