"""The caps on what one GraphQL operation may ask for, all checked before any upstream call.

`limit_extensions(limits)` is what `build_schema` installs: Strawberry's own `MaxTokensLimiter`
(at parse), `QueryDepthLimiter` and `MaxAliasesLimiter` (at validation), and the node-cost estimate
this module owns (at validation): how many objects an operation may return, GitHub-style. Each
connection counts its page size (`first`/`last`, else the default page size) times the page
sizes of the connections and lists above it; `nodes(ids:)` counts its ids; any other list of
objects counts `UNSIZED_LIST_ITEMS` per parent. Variables are read with their defaults.

Every rejection carries `extensions.limit` (`tokens`, `depth`, `aliases`, `nodeCost`; the body
size is capped earlier, by `gateway.edge.body_limit`); `gateway.errors` gives it its code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    value_from_ast_untyped,
)
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document

from gateway.config import QueryLimits
from gateway.errors import LIMIT

UNSIZED_LIST_ITEMS = 10
"""What a list of objects without a size argument (participants, attendees, …) counts per parent."""
PAGE_ARGUMENTS = ("first", "last")
SIZED_LIST_ARGUMENT = "ids"
CONNECTION_PAGE_FIELDS = frozenset({"edges", "nodes"})
# graphql-core's text for a document over `max_tokens` (graphql/language/parser.py).
_TOKEN_LIMIT_MESSAGE = re.compile(r"Document contains more than \d+ tokens")

ExtensionFactory = type[SchemaExtension] | Callable[[], SchemaExtension]
"""What Strawberry takes in `extensions=`: a class or a factory, one extension per request."""


def limit_extensions(
    limits: QueryLimits, *, before_node_cost: Sequence[ExtensionFactory] = ()
) -> list[ExtensionFactory]:
    """Factories (one extension per request, as Strawberry wants) for every query cap;
    `before_node_cost` (the document cache) runs its validation step before the node-cost check."""
    depth = _tagged(QueryDepthLimiter(max_depth=limits.max_depth).validation_rules[0], "depth")
    aliases = _tagged(MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules[0], "aliases")
    return [
        lambda: TokenLimit(max_token_count=limits.max_tokens),
        lambda: AddValidationRules([depth, aliases]),
        *before_node_cost,
        lambda: NodeCostLimit(limits),
    ]


def tag(error: GraphQLError, limit: str) -> GraphQLError:
    """Mark `error` as the rejection by the cap named `limit`."""
    error.extensions = {**(error.extensions or {}), LIMIT: limit}
    return error


class TokenLimit(MaxTokensLimiter):
    """Strawberry's token cap, its syntax error marked as a limit (it is not a malformed query)."""

    def on_parse(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            if _TOKEN_LIMIT_MESSAGE.search(error.message):
                tag(error, "tokens")


class _TaggingContext:
    """A validation context whose reported errors name the cap that reported them."""

    def __init__(self, context: ValidationContext, limit: str) -> None:
        self._context = context
        self._limit = limit

    def report_error(self, error: GraphQLError) -> None:
        self._context.report_error(tag(error, self._limit))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _tagged(rule: type[ASTValidationRule], limit: str) -> type[ASTValidationRule]:
    """`rule` (one of Strawberry's, which check the whole document when built) with tagged errors."""

    class Tagged(rule):  # type: ignore[valid-type, misc]  # a base class chosen at run time
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(_TaggingContext(context, limit))

    Tagged.__name__ = f"Tagged{rule.__name__}"
    return Tagged


class NodeCostLimit(SchemaExtension):
    """Rejects, per operation, a node cost over the cap: after validation (its result may come from
    `gateway.engine.document_cache`), since the cost depends on the operation's variables."""

    def __init__(self, limits: QueryLimits) -> None:
        self._limits = limits

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            if context.pre_execution_errors is None:
                context.pre_execution_errors = validate_document(
                    context.schema._schema, context.graphql_document, context.validation_rules
                )
            if not context.pre_execution_errors:
                context.pre_execution_errors = self._over_cost(context.schema._schema, context.graphql_document)
        yield

    def _over_cost(self, schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
        """The node-cost refusal of the operation to run, if any: estimated straight from its selection
        (a validation pass over the whole document for it cost more than executing a lookup)."""
        operation = get_operation_ast(document, self.execution_context.operation_name)
        if operation is None:
            return []  # no such operation: running it fails with its own error
        variables = self.execution_context.variables or {}
        cost = estimate_node_cost(schema, document.definitions, operation, variables, self._limits)
        if cost <= self._limits.max_node_cost:
            return []
        message = (
            f"The operation may return up to {cost} objects, more than the {self._limits.max_node_cost} "
            "allowed: ask for smaller pages (`first`/`last`) or fewer nested lists."
        )
        return [tag(GraphQLError(message, operation), "nodeCost")]


def estimate_node_cost(
    schema: GraphQLSchema,
    definitions: Any,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
    limits: QueryLimits,
) -> int:
    """How many objects `operation` may return at most (see the module docstring)."""
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    estimator = _Estimator(schema, fragments, _with_defaults(operation, variables), limits)
    return estimator.selections(operation.selection_set, root, multiplier=1, depth=0, seen=frozenset())


def _with_defaults(operation: OperationDefinitionNode, variables: Mapping[str, Any]) -> dict[str, Any]:
    values = {
        definition.variable.name.value: value_from_ast_untyped(definition.default_value)
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }
    return {**values, **variables}


@dataclass(frozen=True)
class _Estimator:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    limits: QueryLimits

    def selections(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        *,
        multiplier: int,
        depth: int,
        seen: frozenset[str],
    ) -> int:
        if selection_set is None or parent is None or depth > self.limits.max_depth:
            return 0  # past the depth cap, the depth rule rejects the operation anyway
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, multiplier=multiplier, depth=depth, seen=seen)
            elif isinstance(selection, InlineFragmentNode):
                target = self._type(selection.type_condition.name.value) if selection.type_condition else parent
                total += self.selections(selection.selection_set, target, multiplier=multiplier, depth=depth, seen=seen)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread(selection.name.value, multiplier=multiplier, depth=depth, seen=seen)
        return total

    def spread(self, name: str, *, multiplier: int, depth: int, seen: frozenset[str]) -> int:
        fragment = self.fragments.get(name)
        if fragment is None or name in seen:
            return 0  # unknown or cyclic: other validation rules report it
        target = self._type(fragment.type_condition.name.value)
        return self.selections(fragment.selection_set, target, multiplier=multiplier, depth=depth, seen=seen | {name})

    def field(
        self, node: FieldNode, parent: GraphQLNamedType, *, multiplier: int, depth: int, seen: frozenset[str]
    ) -> int:
        definition = _field_definition(parent, node.name.value)
        if definition is None:
            return 0  # introspection, or an unknown field that validation reports
        items = self._items(node, definition, parent)
        inner = multiplier * (items if items is not None else 1)
        own = inner if items is not None else 0
        child = get_named_type(definition.type)
        return own + self.selections(node.selection_set, child, multiplier=inner, depth=depth + 1, seen=seen)

    def _items(self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType) -> int | None:
        """How many objects the field yields per parent; None for a single object or a scalar."""
        if any(name in definition.args for name in PAGE_ARGUMENTS):
            return self._page_size(node)
        if _is_connection(parent) and node.name.value in CONNECTION_PAGE_FIELDS:
            return None  # the connection's page, already counted on the connection field
        if not isinstance(get_nullable_type(definition.type), GraphQLList):
            return None
        if not is_composite_type(get_named_type(definition.type)):
            return None
        if SIZED_LIST_ARGUMENT in definition.args:
            size = self._argument(node, SIZED_LIST_ARGUMENT)
            return len(size) if isinstance(size, list) else UNSIZED_LIST_ITEMS
        return UNSIZED_LIST_ITEMS

    def _page_size(self, node: FieldNode) -> int:
        sizes = [self._argument(node, name) for name in PAGE_ARGUMENTS]
        given = [s for s in sizes if isinstance(s, int) and not isinstance(s, bool)]
        size = max(given) if given else self.limits.default_page_size
        return min(max(size, 0), self.limits.max_page_size)  # a size out of range is refused by its field

    def _argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return value_from_ast_untyped(argument.value, dict(self.variables))
        return None

    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.schema.get_type(name)


def _field_definition(parent: GraphQLNamedType, name: str) -> GraphQLField | None:
    if name.startswith("__") or not isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
        return None
    field: GraphQLField | None = parent.fields.get(name)
    return field


def _is_connection(named: GraphQLNamedType) -> bool:
    return isinstance(named, GraphQLObjectType) and {"edges", "pageInfo"} <= named.fields.keys()
