"""Strawberry's ASGI view, given the gateway's per-request context, GraphQL-over-HTTP media types and
status codes (`gateway.edge.over_http`) and the self-hosted GraphiQL (`gateway.edge.explorer`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.schema import BaseSchema

from gateway.context import Context, Services
from gateway.edge.explorer import Explorer
from gateway.edge.over_http import GraphQLOverHTTP


class GatewayGraphQL(GraphQLOverHTTP):
    def __init__(self, schema: BaseSchema, *, services: Services, explorer: Explorer) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self._services = services
        self._explorer = explorer

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the gateway's own copy of its scripts, never from a CDN."""
        return self._explorer.page(request)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return self._services.context(request)
