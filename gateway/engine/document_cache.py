"""Parse and validate each distinct query text once per app (bounded LRU), as frontends send the same
few operations over and over.

Only successful parses are kept: a document that fails to parse goes through Strawberry's own parse
step every time, so its error keeps its code. Validation results are keyed by the query text too: the
schema and the rules are fixed for the app, and the one variable-dependent check (the node cost in
`gateway.engine.limits`) runs after validation, outside the cache.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from graphql import DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

DEFAULT_MAX_DOCUMENTS = 256

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(self, max_entries: int) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)


class DocumentStore:
    """What one app has parsed and validated, by query text."""

    def __init__(self, max_entries: int = DEFAULT_MAX_DOCUMENTS) -> None:
        self.documents: LRU[str, DocumentNode] = LRU(max_entries)
        self.validation: LRU[str, list[GraphQLError]] = LRU(max_entries)

    def extension(self) -> Callable[[], SchemaExtension]:
        return lambda: DocumentCache(self)


class DocumentCache(SchemaExtension):
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        cached = self._store.documents.get(query) if query else None
        if cached is not None:
            context.graphql_document = cached
        yield
        if cached is None and query and context.graphql_document is not None:
            self._store.documents.put(query, context.graphql_document)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query and context.graphql_document is not None and context.pre_execution_errors is None:
            errors = self._store.validation.get(query)
            if errors is None:
                errors = validate_document(context.schema._schema, context.graphql_document, context.validation_rules)
                self._store.validation.put(query, errors)
            context.pre_execution_errors = list(errors)
        yield
