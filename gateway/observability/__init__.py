"""Observability: what an app carries to be looked into (metrics, tracing, the operation log line).

`Observability` decides which parts are on for the given settings and hands each feeder its hook:
the upstream transport an `UpstreamObserver`, the loaders a `LoaderObserver`, the live updates a
`LiveObserver`, the Redis link a `LinkObserver`, the activity-types cache its hit counters, the schema its
operation extension. Every
hook is injected; nothing is looked up from the app or a context variable. The parts live in their own
modules (`metrics`, `tracing`, `telemetry`, `logs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from gateway.config import ApiMode, Settings, SettingsError
from gateway.engine.limits import ExtensionFactory

from .metrics import (
    AdmissionMetrics,
    GatewayMetrics,
    LiveMetrics,
    LoaderMetrics,
    ObservedTTLCache,
    RedisMetrics,
    UpstreamMetrics,
    VersionMetrics,
)
from .telemetry import OperationTelemetry

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

TRACING_MISSING = (
    "GATEWAY_TRACING / OTEL_EXPORTER_OTLP_ENDPOINT: tracing needs the OpenTelemetry packages; "
    "install the gateway with its `tracing` extra (pip install -e '.[tracing]')"
)


@dataclass
class Observability:
    settings: Settings
    tracer_provider: TracerProvider | None = None
    metrics: GatewayMetrics = field(default_factory=GatewayMetrics)
    _owns_provider: bool = False

    def __post_init__(self) -> None:
        if self.tracer_provider is None and self.settings.tracing:
            self.tracer_provider = _provider_from_env()
            self._owns_provider = True

    def schema_extensions(self) -> list[ExtensionFactory]:
        """Listed before the gateway's own extensions, so they see each operation's final errors."""
        metrics = self.metrics
        extensions: list[ExtensionFactory] = [lambda: OperationTelemetry(metrics)]
        if self.tracer_provider is not None:
            from .tracing import graphql_tracing

            extensions.append(graphql_tracing(self.tracer_provider))
        return extensions

    def cache(self, name: str, ttl: float) -> ObservedTTLCache[Any]:
        """An app-scoped TTL cache whose hits and misses count under `name`."""
        return ObservedTTLCache(name, ttl, self.metrics)

    def cache_counter(self, name: str) -> Callable[[bool], None]:
        """Counts a cache's lookups (hit: True) under `name`, for caches that are not `ObservedTTLCache`s."""
        return lambda hit: self.metrics.record_cache_lookup(name, hit)

    def redis_observer(self) -> RedisMetrics:
        return RedisMetrics(self.metrics)

    def version_observer(self, mode: ApiMode) -> VersionMetrics:
        return VersionMetrics(self.metrics, mode)

    def upstream_observer(self, http: httpx.AsyncClient) -> UpstreamMetrics:
        """The transport's observer; with tracing on, `http` also makes a span per request."""
        if self.tracer_provider is not None:
            from .tracing import trace_http_client

            trace_http_client(http, self.tracer_provider)
        return UpstreamMetrics(self.metrics)

    def loader_observer(self) -> LoaderMetrics:
        return LoaderMetrics(self.metrics)

    def live_observer(self) -> LiveMetrics:
        return LiveMetrics(self.metrics)

    def admission_observer(self) -> AdmissionMetrics:
        return AdmissionMetrics(self.metrics)

    def shutdown(self) -> None:
        """Flush and stop the tracer provider this object made (one handed in belongs to its owner)."""
        if self._owns_provider and self.tracer_provider is not None:
            self.tracer_provider.shutdown()


def _provider_from_env() -> TracerProvider:
    try:
        from .tracing import provider_from_env
    except ImportError as exc:
        raise SettingsError(TRACING_MISSING) from exc
    return provider_from_env()


__all__ = ["GatewayMetrics", "Observability"]
