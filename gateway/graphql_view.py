"""Strawberry's ASGI view, given the gateway's per-request context and its cost report, GraphQL-over-HTTP
media types and status codes (`gateway.graphql_http`) and the self-hosted GraphiQL (`gateway.explorer`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.schema import BaseSchema

from gateway.config import Settings
from gateway.context import Context, credentials_from_headers
from gateway.explorer import Explorer
from gateway.graphql_http import GraphQLOverHTTP
from gateway.loaders import SharedCaches
from gateway.middleware import new_request_id, request_id_of


class GatewayGraphQL(GraphQLOverHTTP, GraphQL[Context, None]):
    def __init__(
        self, schema: BaseSchema, *, settings: Settings, shared: SharedCaches, explorer: Explorer | None = None
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self._settings = settings
        self._shared = shared
        self._explorer = explorer or Explorer(settings.graphiql_assets)

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the gateway's own copy of its scripts, never from a CDN."""
        return self._explorer.page(request)

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        return Context(
            request=request,
            settings=self._settings,
            credentials=credentials_from_headers(request, self._settings.api_token),
            transport=request.app.state.upstream,
            shared=self._shared,
            request_id=request_id_of(request) or new_request_id(),
        )
