"""The GraphQL schema: `build_schema()` assembles types, queries, mutations and extensions."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry
from strawberry.schema.config import StrawberryConfig

from gateway.config import QueryLimits
from gateway.engine.cost_report import UpstreamCostReport
from gateway.engine.document_cache import DocumentStore
from gateway.engine.execution import PlanExecutor
from gateway.engine.limits import ExtensionFactory, limit_extensions
from gateway.engine.operation_selection import SpecSchema
from gateway.errors import ErrorMapping

from .entities import ENTITY_TYPES
from .mutations import Mutation
from .queries import build_query_type
from .subscriptions import Subscription
from .types import Activity, ActivityType


def build_schema(
    extensions: Sequence[ExtensionFactory] = (),
    *,
    limits: QueryLimits | None = None,
) -> strawberry.Schema:
    """The schema; the query caps of `limits` (default `QueryLimits()`) are checked before any resolver
    runs, each distinct query text is parsed and validated once (`gateway.engine.document_cache`), and
    the operation that runs is chosen as the GraphQL spec says (`gateway.engine.operation_selection`)."""
    caps = limit_extensions(limits or QueryLimits(), before_node_cost=[DocumentStore().extension()])
    return SpecSchema(
        query=build_query_type(),
        mutation=Mutation,
        subscription=Subscription,
        types=[Activity, ActivityType, *ENTITY_TYPES],
        extensions=[*caps, *extensions, UpstreamCostReport, ErrorMapping],
        config=StrawberryConfig(),
        execution_context_class=PlanExecutor,  # plain leaves from a plan per selection (gateway/engine/execution.py)
    )


def export_sdl() -> str:
    """The SDL that `schema.graphql` holds."""
    return build_schema().as_str() + "\n"


__all__ = ["build_schema", "export_sdl"]
