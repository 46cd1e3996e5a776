"""Strawberry's ASGI view, given the gateway's per-request context, GraphQL-over-HTTP media types and
status codes (`gateway.edge.over_http`) and the self-hosted GraphiQL (`gateway.edge.explorer`)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.http import GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from gateway.context import Context, Services
from gateway.edge.explorer import Explorer
from gateway.edge.over_http import GraphQLOverHTTP


class GatewayGraphQL(GraphQLOverHTTP):
    def __init__(self, schema: BaseSchema, *, services: Services, explorer: Explorer) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self._services = services
        self._explorer = explorer

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        finally:
            context.release()

    def encode_json(self, data: object) -> str:
        """orjson: ten times the standard library on a page of 100 (README, Benchmarks). Text, not
        bytes: WebSocket messages must go as text frames."""
        return orjson.dumps(data).decode()

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the gateway's own copy of its scripts, never from a CDN."""
        return self._explorer.page(request)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return self._services.context(request)
