"""The ASGI application: routes, middleware, and the lifespan that owns the upstream HTTP client.

With no upstream URL the embedded sandbox answers: it is built here (and only then imported), reached
in-process through its httpx transport, and its REST API is also served at `/sandbox/api/...`. Its
webhook deliveries come back in-process too (`EMBEDDED_PUBLIC_URL`, through an ASGI transport into this
app), with credentials made up at start unless configured: the gateway registers its webhook with the
sandbox as it would with Pipedrive, and a change made through either reaches subscribers.
"""

from __future__ import annotations

import contextlib
import gc
import os
import secrets
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from gateway.activities import ApiVersion
from gateway.config import SANDBOX_BASE_URL, WEBHOOK_PATH, Settings, WebhookSettings
from gateway.context import Services
from gateway.edge import edge_middleware
from gateway.edge.admission import Admission, Admitted
from gateway.edge.explorer import STATIC_PATH, Explorer
from gateway.edge.probes import healthz, readiness
from gateway.edge.view import GatewayGraphQL
from gateway.edge.webhooks import WebhookReceiver
from gateway.live import Broker, InMemoryBroker, SeenDeliveries
from gateway.loaders import SharedCaches
from gateway.loaders.cache import TokenCache
from gateway.observability import Observability
from gateway.observability.metrics import metrics_endpoint
from gateway.schema import build_schema
from gateway.shared import SharedState
from gateway.upstream import UpstreamTransport
from gateway.upstream.activities import ActivityTypeRecord
from gateway.upstream.retry import RetryPolicy
from gateway.upstream.transport import NoCookies

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

    from gateway.sandbox import Sandbox

EMBEDDED_PUBLIC_URL = "http://gateway.internal"
"""Where the embedded sandbox delivers webhooks: this app, reached in-process."""
YOUNG_GENERATION_THRESHOLD = 10_000
"""Allocations between two collections of the youngest generation in a served process (Python's default: 700)."""


def create_app(
    settings: Settings,
    upstream_transport: httpx.AsyncBaseTransport | None = None,
    *,
    sandbox: Sandbox | None = None,
    retry_policy: RetryPolicy | None = None,
    tracer_provider: TracerProvider | None = None,
    broker: Broker | None = None,
) -> Starlette:
    """The gateway. Tests and production build the same object; tests may pass a transport or sandbox,
    a tracer provider (tracing is otherwise on only when the settings say so) and a live-updates broker
    (default: in-process, or Redis pub/sub with `GATEWAY_REDIS_URL`)."""
    owned_sandbox: Sandbox | None = None
    embedded: Sandbox | None = None
    if settings.uses_sandbox and upstream_transport is None:
        from gateway.sandbox import DEMO_TOKEN, Sandbox

        sandbox = embedded = sandbox or (owned_sandbox := Sandbox(db_path=settings.sandbox_db))
        upstream_transport = sandbox.transport()
        settings = settings.replace(
            api_token=settings.api_token or DEMO_TOKEN, webhooks=_embedded_webhooks(settings.webhooks)
        )
    observability = Observability(settings, tracer_provider)
    services = _services(settings, observability, broker)
    retry = retry_policy or RetryPolicy(settings.retry)
    redis = services.redis
    admission = None
    if settings.admission.enabled:
        admission = Admission(settings.admission, observability.admission_observer())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with _http_client(settings, upstream_transport) as http:
            windows = redis.windows if redis is not None else None
            services.start(UpstreamTransport(http, retry, observability.upstream_observer(http), windows))
            if redis is not None:
                await redis.start()  # returns at once when Redis is away: it is then reconnected in the background
            async with admission.watching() if admission is not None else contextlib.nullcontext():
                yield
            await services.live.close()  # every subscription ends (1001) before the upstream client goes
            if services.registrations is not None:
                await services.registrations.stop()
            if embedded is not None:
                await embedded.webhooks.aclose()
            if redis is not None:
                await redis.close()
            services.stop()
        observability.shutdown()
        if owned_sandbox is not None:
            owned_sandbox.close()

    routes = _routes(settings, services, observability, sandbox, admission)
    app = Starlette(routes=routes, lifespan=lifespan, middleware=edge_middleware(settings, observability.metrics))
    if embedded is not None:
        embedded.deliver_webhooks_through(httpx.ASGITransport(app=app, raise_app_exceptions=False))
    return app


def _routes(
    settings: Settings,
    services: Services,
    observability: Observability,
    sandbox: Sandbox | None,
    admission: Admission | None,
) -> list[BaseRoute]:
    """GraphQL over HTTP (through admission, when on) and WebSocket, the probes, metrics, GraphiQL's files,
    the webhook receiver when configured, and the sandbox's own API when one runs in the process."""
    explorer = Explorer()
    schema = build_schema(observability.schema_extensions(), limits=settings.limits)
    view = GatewayGraphQL(schema, services=services, explorer=explorer)
    routes: list[BaseRoute] = [
        Route("/graphql", view if admission is None else Admitted(view, admission), methods=["GET", "POST"]),
        WebSocketRoute("/graphql", view),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readiness(services), methods=["GET"]),
        Route("/metrics", metrics_endpoint(observability.metrics), methods=["GET"]),
        Route(STATIC_PATH + "/{name}", explorer.static, methods=["GET"]),
    ]
    if settings.webhooks.configured:
        receiver = WebhookReceiver(settings.webhooks, services.live, services.live_observer)
        routes.append(Route(WEBHOOK_PATH, receiver.receive, methods=["POST"]))
    if sandbox is not None:
        routes.append(Mount("/sandbox", app=sandbox.app))
    return routes


def _services(settings: Settings, observability: Observability, broker: Broker | None) -> Services:
    """The app's services: each instance's own state, or, with `GATEWAY_REDIS_URL`, the state several
    instances share through Redis in front of it (`gateway.shared`)."""
    ttl = settings.activity_types_ttl_seconds
    version_observer = observability.version_observer(settings.api_version)
    local_types = observability.cache("activity_types", ttl)
    activity_types: TokenCache[list[ActivityTypeRecord]] = local_types
    live_observer = observability.live_observer()
    local_broker = InMemoryBroker(on_overflow=lambda _event: live_observer.on_dropped("broker_backlog", 1))
    redis = None
    if settings.redis.configured:
        redis = SharedState.for_settings(settings, observability.redis_observer(), version_observer, local_broker)
        activity_types = redis.activity_types(local_types, observability.cache_counter("activity_types_redis"))
    api_version = ApiVersion(settings.api_version, redis.version if redis is not None else version_observer)
    if redis is not None:
        redis.version.bind(api_version)
    return Services(
        settings=settings,
        shared=SharedCaches(activity_types=activity_types, me=observability.cache("users_me", ttl)),
        loader_observer=observability.loader_observer(),
        api_version=api_version,
        broker=broker or (redis.broker if redis is not None else local_broker),
        deliveries=redis.deliveries if redis is not None else SeenDeliveries(),
        live_observer=live_observer,
        redis=redis,
    )


def _embedded_webhooks(configured: WebhookSettings) -> WebhookSettings:
    """On the embedded sandbox: the configured credentials, or credentials made up for this process,
    and this app as the address the sandbox delivers to."""
    user, password = configured.user, configured.password
    if not (user and password):
        user, password = "embedded-sandbox", secrets.token_urlsafe(24)
    return WebhookSettings(user=user, password=password, public_url=EMBEDDED_PUBLIC_URL)


def create_app_from_env() -> Starlette:
    """Factory for uvicorn (`gateway.app:create_app_from_env`), used by `gateway serve`."""
    app = create_app(Settings.from_env(os.environ))
    # The schema and modules built so far live as long as the process: out of the collector's sight,
    # full collections stay short (p99 of activity(id:) at 0 ms upstream: 40 -> 9 ms; README, Benchmarks).
    gc.collect()
    gc.freeze()
    # A young-generation collection every 10,000 allocations rather than 700: a page request allocates
    # thousands of objects that live as long as the request, and each collection traversed the pages in flight
    # (collector time per page request 0.7 -> 0.2 ms, no full collections under load; README, Benchmarks).
    # It no longer holds memory: no upstream answer waits for the collector (gateway.upstream.transport).
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
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
        cookies=NoCookies(),  # nothing an answer sets reaches another token's request
        follow_redirects=False,
    )
