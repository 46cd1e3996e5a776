"""The ASGI application: routes, middleware, and the lifespan that owns the upstream HTTP client.

With no upstream URL the embedded sandbox answers: it is built here, reached in-process through its
httpx transport, and its REST API is also served at `/sandbox/api/...`.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from gateway.body_limit import BodySizeLimit
from gateway.config import Settings
from gateway.graphql_view import GatewayGraphQL
from gateway.loaders import SharedCaches
from gateway.operability import Operability
from gateway.sandbox import DEMO_TOKEN, Sandbox
from gateway.schema import build_schema
from gateway.upstream import UpstreamTransport
from gateway.upstream.retry import RetryPolicy

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

SANDBOX_BASE_URL = "http://sandbox.internal/api"
READINESS_PATH = "v1/users/me"


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
        sandbox = sandbox or (owned_sandbox := Sandbox(db_path=settings.sandbox_db))
        upstream_transport = sandbox.transport()
        settings = settings.replace(api_token=settings.api_token or DEMO_TOKEN)
    base_url = settings.upstream_url or SANDBOX_BASE_URL
    retry = retry_policy or RetryPolicy(settings.retry)
    ops = Operability(settings, tracer_provider)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with _http_client(settings, base_url, upstream_transport) as http:
            app.state.upstream = UpstreamTransport(http, retry, ops.observe_upstream(http))
            yield
        ops.shutdown()
        if owned_sandbox is not None:
            owned_sandbox.close()

    shared = SharedCaches(activity_types=ops.activity_types_cache(settings.activity_types_ttl_seconds))
    schema = build_schema(ops.schema_extensions(), limits=settings.limits)
    view = GatewayGraphQL(schema, settings=settings, shared=shared, explorer=ops.explorer)
    routes: list[Any] = [
        Route("/graphql", view, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        *ops.routes(),
    ]
    if sandbox is not None:
        routes.append(Mount("/sandbox", app=sandbox.app))
    middleware = [*ops.middleware(), Middleware(BodySizeLimit, max_bytes=settings.limits.max_body_bytes)]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.settings = settings
    app.state.metrics = ops.metrics
    app.state.sandbox = sandbox
    return app


def create_app_from_env() -> Starlette:
    """Factory for uvicorn (`gateway.app:create_app_from_env`), used by `gateway serve`."""
    app = create_app(Settings.from_env(os.environ))
    # The schema and modules built so far live as long as the process: out of the collector's sight,
    # full collections stay short (p99 of activity(id:) at 0 ms upstream: 40 -> 9 ms; README, Benchmarks).
    gc.collect()
    gc.freeze()
    return app


def _http_client(settings: Settings, base_url: str, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    t = settings.timeouts
    return httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool),
        limits=httpx.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_connections,
        ),
        headers={"accept": "application/json", "user-agent": "activities-gateway"},
        follow_redirects=False,
    )


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready when the upstream answers HTTP at all (any status below 500)."""
    upstream: UpstreamTransport = request.app.state.upstream
    token = request.app.state.settings.api_token
    headers = {"x-api-token": token} if token else {}
    try:
        response = await upstream.http.get(READINESS_PATH, headers=headers)
    except httpx.HTTPError as exc:
        return JSONResponse({"status": "unavailable", "reason": f"upstream unreachable ({type(exc).__name__})"}, 503)
    if response.status_code >= 500:
        return JSONResponse({"status": "unavailable", "reason": f"upstream answered {response.status_code}"}, 503)
    return JSONResponse({"status": "ready"})
