"""The ASGI application: routes, middleware, and the lifespan that owns the upstream HTTP client.

With no upstream URL the embedded sandbox answers: it is built here (and only then imported), reached
in-process through its httpx transport, and its REST API is also served at `/sandbox/api/...`.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from gateway.activities import ApiVersion
from gateway.config import Settings
from gateway.context import Services
from gateway.edge import edge_middleware
from gateway.edge.explorer import STATIC_PATH, Explorer
from gateway.edge.probes import healthz, readiness
from gateway.edge.view import GatewayGraphQL
from gateway.loaders import SharedCaches
from gateway.observability import Observability
from gateway.observability.metrics import metrics_endpoint
from gateway.schema import build_schema
from gateway.upstream import UpstreamTransport
from gateway.upstream.retry import RetryPolicy

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

    from gateway.sandbox import Sandbox

SANDBOX_BASE_URL = "http://sandbox.internal/api"


def create_app(
    settings: Settings,
    upstream_transport: httpx.AsyncBaseTransport | None = None,
    *,
    sandbox: Sandbox | None = None,
    retry_policy: RetryPolicy | None = None,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """The gateway. Tests and production build the same object; tests may pass a transport or sandbox,
    and a tracer provider (tracing is otherwise on only when the settings say so)."""
    owned_sandbox: Sandbox | None = None
    if settings.uses_sandbox and upstream_transport is None:
        from gateway.sandbox import DEMO_TOKEN, Sandbox

        sandbox = sandbox or (owned_sandbox := Sandbox(db_path=settings.sandbox_db))
        upstream_transport = sandbox.transport()
        settings = settings.replace(api_token=settings.api_token or DEMO_TOKEN)
    observability = Observability(settings, tracer_provider)
    services = Services(
        settings=settings,
        shared=SharedCaches(
            activity_types=observability.cache("activity_types", settings.activity_types_ttl_seconds),
            me=observability.cache("users_me", settings.activity_types_ttl_seconds),
        ),
        loader_observer=observability.loader_observer(),
        api_version=ApiVersion(settings.api_version, observability.version_observer(settings.api_version)),
    )
    retry = retry_policy or RetryPolicy(settings.retry)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with _http_client(settings, upstream_transport) as http:
            services.start(UpstreamTransport(http, retry, observability.upstream_observer(http)))
            yield
            services.stop()
        observability.shutdown()
        if owned_sandbox is not None:
            owned_sandbox.close()

    explorer = Explorer()
    schema = build_schema(observability.schema_extensions(), limits=settings.limits)
    routes: list[BaseRoute] = [
        Route("/graphql", GatewayGraphQL(schema, services=services, explorer=explorer), methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readiness(services), methods=["GET"]),
        Route("/metrics", metrics_endpoint(observability.metrics), methods=["GET"]),
        Route(STATIC_PATH + "/{name}", explorer.static, methods=["GET"]),
    ]
    if sandbox is not None:
        routes.append(Mount("/sandbox", app=sandbox.app))
    middleware = edge_middleware(settings, observability.metrics)
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)


def create_app_from_env() -> Starlette:
    """Factory for uvicorn (`gateway.app:create_app_from_env`), used by `gateway serve`."""
    app = create_app(Settings.from_env(os.environ))
    # The schema and modules built so far live as long as the process: out of the collector's sight,
    # full collections stay short (p99 of activity(id:) at 0 ms upstream: 40 -> 9 ms; README, Benchmarks).
    gc.collect()
    gc.freeze()
    return app


def _http_client(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    t = settings.timeouts
    return httpx.AsyncClient(
        base_url=settings.upstream_url or SANDBOX_BASE_URL,
        transport=transport,
        timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool),
        limits=httpx.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_connections,
        ),
        headers={"accept": "application/json", "user-agent": "activities-gateway"},
        follow_redirects=False,
    )
