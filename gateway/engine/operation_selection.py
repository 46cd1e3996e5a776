"""Which operation of a document runs: the one the request names, or the document's only one (the
GraphQL spec's GetOperation).

Strawberry fills in the first operation's name when a request names none, so a document with several
operations ran its first one (a mutation included), and it refuses a name that matches no operation
with an HTTP 400 before GraphQL runs. `SpecExecutionContext` leaves the choice to graphql-core's
`execute`, which follows the spec: several operations and no name, or a name that matches none, is a
request error ("Must provide operation name if query contains multiple operations.", "Unknown
operation named 'C'.") reported before any field is resolved, so nothing runs and nothing is sent
upstream. Until then such a request counts as a query, so that GET does not refuse it as a mutation
(405): the request error says what is wrong instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import OperationDefinitionNode
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType


class SpecExecutionContext(ExecutionContext):
    """Strawberry's execution context, with the operation chosen as the spec does."""

    def __post_init__(self, provided_operation_name: str | None) -> None:
        super().__post_init__(provided_operation_name)
        self.requested_operation_name = provided_operation_name
        """What the request sent as `operationName` (None when it sent none)."""

    @property
    def operation_name(self) -> str | None:
        if self.requested_operation_name is not None:
            return self.requested_operation_name
        selected = self.selected_operation()
        return selected.name.value if selected is not None and selected.name else None

    @property
    def operation_type(self) -> OperationType:
        if self.graphql_document is None:
            raise RuntimeError("No GraphQL document available")
        selected = self.selected_operation()
        return OperationType(selected.operation.value) if selected is not None else OperationType.QUERY

    def selected_operation(self) -> OperationDefinitionNode | None:
        """The operation that runs, or None when the request does not determine one (or is not parsed)."""
        definitions = self.graphql_document.definitions if self.graphql_document is not None else ()
        operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
        name = self.requested_operation_name
        if name is None:
            return operations[0] if len(operations) == 1 else None
        return next((o for o in operations if o.name is not None and o.name.value == name), None)


class SpecSchema(strawberry.Schema):
    """A Strawberry schema whose operations run in a `SpecExecutionContext`."""

    def _create_execution_context(
        self,
        query: str | None,
        allowed_operation_types: Iterable[OperationType],
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionContext:
        return SpecExecutionContext(
            query=query,
            schema=self,
            allowed_operations=allowed_operation_types,
            context=context_value,
            root_value=root_value,
            variables=variable_values,
            provided_operation_name=operation_name,
            operation_extensions=operation_extensions,
        )
