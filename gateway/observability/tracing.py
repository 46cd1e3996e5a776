"""OpenTelemetry tracing, off unless configured (`GATEWAY_TRACING`, or an OTLP endpoint in the environment).

When on, each app has its own `TracerProvider` (never the process-global one): Strawberry's
OpenTelemetry extension makes spans for operations, parsing, validation and resolvers, and the httpx
instrumentation makes a client span for every upstream request, nested under the resolver that caused
it. Spans go to the OTLP/HTTP exporter, which reads the standard `OTEL_EXPORTER_OTLP_*` variables.
The OpenTelemetry packages are the optional `tracing` extra; this module is imported only when tracing
is on (or a test hands `create_app` a provider).
"""

from __future__ import annotations

import httpx
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from strawberry.extensions import SchemaExtension
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.types.execution import ExecutionContext

DEFAULT_SERVICE_NAME = "activities-gateway"


def provider_from_env() -> TracerProvider:
    """A provider exporting over OTLP/HTTP as the `OTEL_*` environment says."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def graphql_tracing(provider: TracerProvider) -> type[SchemaExtension]:
    """Strawberry's OpenTelemetry extension, bound to `provider`."""

    class GatewayTracing(OpenTelemetryExtension):
        def __init__(self, *, execution_context: ExecutionContext | None = None) -> None:
            super().__init__(execution_context=execution_context, tracer_provider=provider)

    return GatewayTracing


def trace_http_client(client: httpx.AsyncClient, provider: TracerProvider) -> None:
    """Client spans for every request `client` sends (the URL carries no token, by contract)."""
    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=provider)
