"""The HTTP edge: the GraphQL view and GraphQL over HTTP (`view`, `over_http`), refusals before GraphQL
runs (`refusals`, `body_limit`), the request id, access line and HTTP metrics of every request
(`request_context`), the self-hosted GraphiQL (`explorer`), and the probes (`probes`).

`edge_middleware` is the stack `create_app` wraps the routes in, outermost first.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from gateway.config import Settings
from gateway.observability.metrics import GatewayMetrics

from .body_limit import BodySizeLimit
from .request_context import REQUEST_ID_HEADER, RequestContextMiddleware

CORS_HEADERS = ["authorization", "content-type", "x-api-token", REQUEST_ID_HEADER]


def edge_middleware(settings: Settings, metrics: GatewayMetrics) -> list[Middleware]:
    """Outermost first: the request id wraps everything, CORS preflights included; the body cap last."""
    stack = [Middleware(RequestContextMiddleware, metrics=metrics)]
    if settings.cors_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=CORS_HEADERS,
                expose_headers=[REQUEST_ID_HEADER],
                max_age=600,
            )
        )
    stack.append(Middleware(BodySizeLimit, max_bytes=settings.limits.max_body_bytes))
    return stack
