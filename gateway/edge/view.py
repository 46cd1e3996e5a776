"""Strawberry's ASGI view, given the gateway's per-request context, GraphQL-over-HTTP media types and
status codes (`gateway.edge.over_http`), the self-hosted GraphiQL (`gateway.edge.explorer`), and
subscriptions over WebSocket (graphql-transport-ws only, authenticated by `gateway.edge.live_socket`)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.http import GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from gateway.context import Context, Services
from gateway.edge.explorer import Explorer
from gateway.edge.live_socket import AuthenticatingTransportWS, close_quietly
from gateway.edge.over_http import GraphQLOverHTTP

CONNECTION_INIT_WAIT = dt.timedelta(seconds=10)
"""How long a WebSocket may stay open without `connection_init` (then 4408)."""


class GatewayGraphQL(GraphQLOverHTTP):
    graphql_transport_ws_handler_class = AuthenticatingTransportWS

    def __init__(self, schema: BaseSchema, *, services: Services, explorer: Explorer) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=CONNECTION_INIT_WAIT,
            allowed_origins=services.settings.cors_origins,
        )
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
        context = self._services.context(request)
        if isinstance(request, WebSocket):
            context.live = self._services.live_connection(functools.partial(close_quietly, request))
        return context
