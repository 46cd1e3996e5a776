"""OpenTelemetry tracing: off unless configured; when on, spans for the GraphQL operation, its resolvers
and each upstream HTTP request, in one trace."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateway.app import create_app
from gateway.config import Settings
from gateway.observability import Observability
from gateway.sandbox import DEMO_TOKEN, Sandbox
from tests.support import GraphQLClient, running

pytestmark = pytest.mark.anyio


async def test_spans_for_the_operation_its_resolvers_and_upstream_calls(sandbox: Sandbox) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    async with running(create_app(Settings(), sandbox=sandbox, tracer_provider=provider)) as http:
        await GraphQLClient(http).data("query Kinds { activityTypes { name } }", headers={"x-api-token": DEMO_TOKEN})
    spans = exporter.get_finished_spans()
    by_name = {span.name: span for span in spans}
    operation = by_name["GraphQL Query: Kinds"]
    resolver = by_name["GraphQL Resolving: activityTypes"]
    upstream = [span for span in spans if span.kind is SpanKind.CLIENT]
    assert operation.kind is SpanKind.SERVER
    assert len(upstream) == 1
    assert {span.context.trace_id for span in (operation, resolver, *upstream)} == {operation.context.trace_id}
    assert upstream[0].parent is not None and upstream[0].parent.span_id == resolver.context.span_id
    for span in spans:  # the token travels in a header, which the instrumentation does not record
        assert DEMO_TOKEN not in str(dict(span.attributes or {}))


def test_tracing_is_off_unless_configured() -> None:
    ops = Observability(Settings())
    assert ops.tracer_provider is None
    assert [type(factory()).__name__ for factory in ops.schema_extensions()] == ["OperationTelemetry"]


def test_an_otlp_endpoint_turns_tracing_on(monkeypatch: pytest.MonkeyPatch) -> None:
    environ = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}
    settings = Settings.from_env(environ)
    assert settings.tracing
    monkeypatch.setenv("OTEL_SERVICE_NAME", "gateway-under-test")
    ops = Observability(settings)
    try:
        assert ops.tracer_provider is not None
        assert ops.tracer_provider.resource.attributes["service.name"] == "gateway-under-test"
    finally:
        ops.shutdown()
    assert not Settings.from_env({**environ, "GATEWAY_TRACING": "false"}).tracing
