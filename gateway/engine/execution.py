"""The executor: graphql-core's, with what is already in hand completed from a plan made once per selection.

graphql-core completes every field on its own (a path, a resolve info, the resolver call, then
`complete_value` through the type's wrappers): about 5 µs a field, most of a gateway's time on a
page of activities. Most of a page is in hand when the page arrives: plain leaves (Strawberry's
basic-result resolver, an attribute lookup, no arguments, a scalar or enum type), plain object
fields and lists of objects (a connection's `nodes`, `edges`, `pageInfo`), and the fields the schema
marks `IN_HAND`: a field a record may lack, when its payload had it, and a linked object the request
already holds (primed from `related_objects` or loaded in the page's batch). For each (object type,
collected selection) this executor works out which response keys it can answer so, with the getter
and serializer of each (and the plan of each object's own selection), and fills them for every object
in one pass, nested objects included. That work is done once per selection for the process, not per
operation: a `Template` is kept per schema under the identity of the selection's field nodes, which
the document cache makes the same for every request with the same query text.

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

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from .fill import Fill, Getter, PlainLeaf, PlainObject, compile_fill

STRAWBERRY_DEFINITION = "strawberry-definition"
"""Where Strawberry keeps a GraphQL field's StrawberryField (`GraphQLField.extensions`)."""
SKIP_INCLUDE = frozenset({"skip", "include"})
"""Directives that `collect_fields` has already applied by the time a field reaches the plan."""
NO_INFO: Any = None
IN_HAND = "gateway.in_hand"
"""The key, in a Strawberry field's `metadata`, of its `InHand` getter."""


class NotInHand(Exception):  # a signal, not an error: the general path takes the field
    """Raised by an `InHand` getter when the value must be loaded: graphql-core resolves the field."""


InHand = Callable[[Any, Any], Any]
"""(source, context) -> the field's value when the request already holds it, else raise NotInHand."""
MAX_TEMPLATES = 2000
"""Plans kept per schema across operations (least recently used dropped first)."""


@dataclass(frozen=True, slots=True)
class Template:
    """What a plan answers for one collected selection on one object type, independent of the operation:
    kept across operations whose documents share the selection's field nodes (the document cache hands
    every request with the same text the same document)."""

    order: tuple[str, ...]
    fill: Fill
    """The plain steps' values for one source object (`gateway.engine.fill`)."""
    general: frozenset[str]
    """The response keys the plan does not answer: graphql-core executes them."""


@dataclass(frozen=True, slots=True)
class Plan:
    """A template bound to one operation's grouped field set."""

    order: tuple[str, ...]
    fill: Fill
    general: GroupedFieldSet
    """The fields the plan does not answer, in selection order: what graphql-core executes."""
    grouped_field_set: GroupedFieldSet


Signature = tuple[tuple[str, tuple[int, ...]], ...]


def signature(grouped_field_set: GroupedFieldSet) -> Signature:
    """A collected selection by response key and the identity of its field nodes: equal for two operations
    only when they run the same document with the same `@skip`/`@include` outcome."""
    return tuple((key, tuple(id(d.node) for d in details)) for key, details in grouped_field_set.items())


def build_template(
    schema: GraphQLSchema, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
) -> Template | None:
    """The template for a collected selection, or None when nothing in it can be planned."""
    steps: list[PlainLeaf | PlainObject] = []
    general: set[str] = set()
    for key, field_details_list in grouped_field_set.items():
        planned = plain_field(schema, parent_type, key, field_details_list)
        if planned is None:
            general.add(key)
        else:
            steps.append(planned)
    if not steps:
        return None
    attributes = tuple(dict.fromkeys(s.attribute for s in steps if isinstance(s, PlainLeaf) and s.attribute))
    fill = compile_fill(tuple(steps), attributes)
    return Template(tuple(grouped_field_set), fill, frozenset(general))


class Templates:
    """The templates of one schema, the least recently used dropped past `MAX_TEMPLATES`. Each entry keeps
    the grouped field set it was made from, and so the field nodes its key names by id: no other node can
    take one of those ids while the entry lives."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[GraphQLObjectType, Signature], tuple[Template | None, GroupedFieldSet]]
        self._entries = OrderedDict()

    def get(
        self, schema: GraphQLSchema, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> Template | None:
        key = (parent_type, signature(grouped_field_set))
        entries = self._entries
        entry = entries.get(key)
        if entry is not None:
            entries.move_to_end(key)
            return entry[0]
        template = build_template(schema, parent_type, grouped_field_set)
        entries[key] = (template, grouped_field_set)
        if len(entries) > MAX_TEMPLATES:
            entries.popitem(last=False)
        return template


_TEMPLATES: WeakKeyDictionary[GraphQLSchema, Templates] = WeakKeyDictionary()


def templates_of(schema: GraphQLSchema) -> Templates:
    templates = _TEMPLATES.get(schema)
    if templates is None:
        templates = _TEMPLATES[schema] = Templates()
    return templates


def plain_field(
    schema: GraphQLSchema, parent_type: GraphQLObjectType, key: str, field_details_list: FieldDetailsList
) -> PlainLeaf | PlainObject | None:
    """How the plan answers `key`, or None when the field needs the general path."""
    if any(_needs_general_path(details.node, details.fragment_variable_values) for details in field_details_list):
        return None
    name = field_details_list[0].node.name.value
    if name == "__typename":
        type_name = parent_type.name
        return PlainLeaf(key, lambda _source, _context: type_name, _identity, non_null=True, exact="String")
    field = parent_type.fields.get(name)
    if field is None or field.args:
        return None
    definition = (field.extensions or {}).get(STRAWBERRY_DEFINITION)
    if definition is None:
        return None
    getter = _getter(field.resolve, definition)
    if getter is None:
        return None
    get, attribute = getter
    non_null = is_non_null_type(field.type)
    named = get_nullable_type(field.type)
    if is_leaf_type(named):
        exact = named.name if named in BUILT_IN_SCALARS else None
        return PlainLeaf(key, get, named.coerce_output_value, non_null, attribute, exact)
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


def _getter(resolve: Any, definition: Any) -> tuple[Getter, str | None] | None:
    """How the field's value is read from its source (with the operation's context), and the attribute it
    reads when it reads one: the schema's `InHand` getter for a field that has one, the default resolver
    for a basic field; None for any other field."""
    in_hand: InHand | None = (getattr(definition, "metadata", None) or {}).get(IN_HAND)
    if in_hand is not None:
        return in_hand, None
    if not _is_basic_resolver(resolve, definition):
        return None
    name: str = definition.python_name
    resolver = definition.default_resolver
    if resolver is getattr:
        return (lambda source, _context: getattr(source, name)), name
    return (lambda source, _context: resolver(source, name)), None


def _identity(value: Any) -> Any:
    return value


BUILT_IN_SCALARS = (GraphQLString, GraphQLInt, GraphQLBoolean, GraphQLFloat)


class PlanExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's graphql-core executor, with what is in hand answered by a plan per selection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._plans_on = manager is None or not manager.middlewares
        self._templates = templates_of(self.schema)
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[GroupedFieldSet, Plan | None]] = {}
        self._object_fills: dict[int, tuple[PlainObject, Fill | None]] = {}

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
        """The plan, memoized for the operation by identity, like graphql-core's own subfield memo (the
        field set is kept alive with its plan, so its id cannot be reused during the operation), and made
        from the schema's template for the selection (made once for every operation sharing it)."""
        key = (parent_type, id(grouped_field_set))
        cached = self._plans.get(key)
        if cached is None:
            template = self._templates.get(self.schema, parent_type, grouped_field_set)
            plan = None
            if template is not None:
                general = {k: details for k, details in grouped_field_set.items() if k in template.general}
                plan = Plan(template.order, template.fill, general, grouped_field_set)
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
        values, unclean = plan.fill(source_value, self)
        general = plan.general
        if unclean:
            general = {
                key: details for key, details in plan.grouped_field_set.items() if key in general or key in unclean
            }
        if not general:
            return values  # in selection order already
        rest = super().execute_fields(parent_type, source_value, path, general, position_context)
        if self.is_awaitable(rest):
            return _merge_later(plan.order, values, rest)
        return _merge(plan.order, values, cast(dict[str, Any], rest))

    def fill_object_field(self, plain: PlainObject, value: Any) -> Any:
        """The completed value of an object field or list of objects; raises `NotInHand` when any part
        of it is not clean, so that graphql-core completes the whole field."""
        if value is None:
            if plain.non_null:
                raise NotInHand
            return None
        fill = self._object_fill(plain)
        if not plain.is_list:
            return self._fill_object(plain, fill, value)
        if value.__class__ is not list and value.__class__ is not tuple:
            raise NotInHand  # another iterable (a generator, say): graphql-core's own handling
        items: list[Any] = []
        for item in value:
            if item is None:
                if plain.item_non_null:
                    raise NotInHand
                items.append(None)
            else:
                items.append(self._fill_object(plain, fill, item))
        return items

    def _object_fill(self, plain: PlainObject) -> Fill:
        """The fill of the object's own selection, worked out once per field of the plan; `NotInHand`
        when that selection is not all plain (graphql-core completes the field)."""
        cached = self._object_fills.get(id(plain))
        if cached is None:
            grouped_field_set, defer_usages, *_ = self.collect_subfields(plain.object_type, plain.field_details_list)
            plan = None if defer_usages else self.plan(plain.object_type, grouped_field_set)
            fill = plan.fill if plan is not None and not plan.general else None
            cached = self._object_fills[id(plain)] = (plain, fill)  # the plain kept alive: its id stays unique
        if cached[1] is None:
            raise NotInHand
        return cached[1]

    def _fill_object(self, plain: PlainObject, fill: Fill, source: Any) -> dict[str, Any]:
        is_type_of = plain.object_type.is_type_of
        # Strawberry's and the gateway's `is_type_of` read the object only: no resolve info to make here.
        if is_type_of is not None and is_type_of(source, NO_INFO) is not True:
            raise NotInHand  # the general path reports a wrong type, or awaits an awaitable answer
        values, unclean = fill(source, self)
        if unclean:
            raise NotInHand
        return values


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
