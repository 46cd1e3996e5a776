"""What an app carries to be run and looked into: metrics, tracing, request ids and logs, CORS, and
the self-hosted GraphiQL's files; `create_app` builds one `Operability` and plugs its parts in.

Each part lives in its own module (`metrics`, `tracing`, `middleware`, `operation_telemetry`,
`explorer`); this one only decides which are on for the given settings and hands them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route
from strawberry.extensions import SchemaExtension

from gateway.config import Settings, SettingsError
from gateway.explorer import STATIC_PATH, Explorer
from gateway.metrics import GatewayMetrics, ObservedTTLCache, UpstreamMetrics, metrics_endpoint
from gateway.middleware import REQUEST_ID_HEADER, RequestContextMiddleware
from gateway.operation_telemetry import OperationTelemetry

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

CORS_HEADERS = ["authorization", "content-type", "x-api-token", REQUEST_ID_HEADER]
TRACING_MISSING = (
    "GATEWAY_TRACING / OTEL_EXPORTER_OTLP_ENDPOINT: tracing needs the OpenTelemetry packages; "
    "install the gateway with its `tracing` extra (pip install -e '.[tracing]')"
)


@dataclass
class Operability:
    settings: Settings
    tracer_provider: TracerProvider | None = None
    metrics: GatewayMetrics = field(default_factory=GatewayMetrics)
    explorer: Explorer = field(init=False)
    _owns_provider: bool = False

    def __post_init__(self) -> None:
        self.explorer = Explorer(self.settings.graphiql_assets)
        if self.tracer_provider is None and self.settings.tracing:
            self.tracer_provider = _provider_from_env()
            self._owns_provider = True

    def schema_extensions(self) -> list[SchemaExtension | type[SchemaExtension]]:
        """Listed before the gateway's own extensions, so they see each operation's final errors."""
        extensions: list[SchemaExtension | type[SchemaExtension]] = [OperationTelemetry]
        if self.tracer_provider is not None:
            from gateway.tracing import graphql_tracing

            extensions.append(graphql_tracing(self.tracer_provider))
        return extensions

    def routes(self) -> list[Route]:
        return [
            Route("/metrics", metrics_endpoint, methods=["GET"]),
            Route(STATIC_PATH + "/{name}", self.explorer.static, methods=["GET"]),
        ]

    def middleware(self) -> list[Middleware]:
        """Outermost first: the request id wraps everything, CORS preflights included."""
        stack = [Middleware(RequestContextMiddleware, metrics=self.metrics)]
        if self.settings.cors_origins:
            stack.append(
                Middleware(
                    CORSMiddleware,
                    allow_origins=list(self.settings.cors_origins),
                    allow_methods=["GET", "POST"],
                    allow_headers=CORS_HEADERS,
                    expose_headers=[REQUEST_ID_HEADER],
                    max_age=600,
                )
            )
        return stack

    def activity_types_cache(self, ttl: float) -> ObservedTTLCache[Any]:
        return ObservedTTLCache("activity_types", ttl, self.metrics)

    def observe_upstream(self, http: httpx.AsyncClient) -> UpstreamMetrics:
        """The transport's observer; with tracing on, `http` also makes a span per request."""
        if self.tracer_provider is not None:
            from gateway.tracing import trace_http_client

            trace_http_client(http, self.tracer_provider)
        return UpstreamMetrics(self.metrics)

    def shutdown(self) -> None:
        """Flush and stop the tracer provider this object made (one handed in belongs to its owner)."""
        if self._owns_provider and self.tracer_provider is not None:
            self.tracer_provider.shutdown()


def _provider_from_env() -> TracerProvider:
    try:
        from gateway.tracing import provider_from_env
    except ImportError as exc:
        raise SettingsError(TRACING_MISSING) from exc
    return provider_from_env()
