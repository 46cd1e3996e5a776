"""What a GraphQL operation runs with: the app's services, and one request's `Context`.

`Services` is app-scoped: the settings, the caches shared across requests, the loaders' observer, the
live updates (broker, delivery memory, subscribers, webhook registrations), the state shared with other
instances through Redis when there is one (`redis`), and the upstream transport, which exists only while
the app's lifespan runs. `Context` is made per request from them: the caller's
credentials, the request id the edge gave the request, the loaders and the cost ledger; on a WebSocket
connection also its way to the live updates (`live`). `Info` is Strawberry's resolver info typed with
this context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import strawberry
from starlette.requests import HTTPConnection

from gateway.activities import Activities, ApiVersion
from gateway.config import Settings
from gateway.errors import Unauthenticated
from gateway.live import (
    Broker,
    CloseConnection,
    DeliveryMemory,
    InMemoryBroker,
    LiveConnection,
    LiveObserver,
    LiveUpdates,
    NullLiveObserver,
    ReadWindows,
    Registrations,
    SeenDeliveries,
)
from gateway.loaders import LoaderObserver, Loaders, SharedCaches
from gateway.shared import SharedState
from gateway.upstream import CallLedger, Credentials, PipedriveClient, UpstreamTransport
from gateway.upstream.webhooks import WebhookRegistration

NO_TOKEN_MESSAGE = "No API token: send X-Api-Token or Authorization: Bearer, or configure PIPEDRIVE_API_TOKEN."
REQUEST_ID_SCOPE_KEY = "request_id"
"""Where the edge keeps a request's id, in the ASGI scope's `state`."""


def request_id_of(connection: HTTPConnection) -> str:
    """The id the edge gave this request ("" when the request did not pass the edge)."""
    request_id = connection.scope.get("state", {}).get(REQUEST_ID_SCOPE_KEY)
    return request_id if isinstance(request_id, str) else ""


def credentials_from_headers(connection: HTTPConnection, default_token: str | None) -> Credentials | None:
    """The caller's token, in the kind of header it came in; else the configured default."""
    sent = _credentials_in(connection.headers)  # Starlette's headers ignore case
    return sent or (Credentials(default_token, "api_token") if default_token else None)


def credentials_from_params(params: Mapping[str, object]) -> Credentials | None:
    """A token in a WebSocket's `connection_init` payload: `{"X-Api-Token": ...}` or `{"Authorization":
    "Bearer ..."}`, keys in any case (GraphiQL sends its headers editor's entries there)."""
    return _credentials_in({key.lower(): value for key, value in params.items() if isinstance(value, str)})


def _credentials_in(values: Mapping[str, str]) -> Credentials | None:
    """`Authorization: Bearer ...` as a bearer token, else `X-Api-Token` (lower-case keys)."""
    scheme, _, value = values.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return Credentials(value.strip(), "bearer")
    api_token = values.get("x-api-token", "").strip()
    return Credentials(api_token, "api_token") if api_token else None


@dataclass
class Services:
    """The app-scoped services every request's context is made from."""

    settings: Settings
    shared: SharedCaches
    loader_observer: LoaderObserver
    api_version: ApiVersion
    broker: Broker = field(default_factory=InMemoryBroker)
    deliveries: DeliveryMemory = field(default_factory=SeenDeliveries)
    live_observer: LiveObserver = field(default_factory=NullLiveObserver)
    redis: SharedState | None = None
    """What this instance shares with others through Redis (`GATEWAY_REDIS_URL`); None without it."""
    live: LiveUpdates = field(init=False)
    registrations: Registrations | None = field(init=False, default=None)
    """The gateway's own webhook upstream, when `GATEWAY_PUBLIC_URL` says where it is reached."""
    _transport: UpstreamTransport | None = None

    def __post_init__(self) -> None:
        live = self.settings.live
        windows = ReadWindows(self.context_for, live.read_window_seconds)
        self.live = LiveUpdates(self.broker, self.deliveries, windows, live.max_queue, self.live_observer)
        webhooks = self.settings.webhooks
        if webhooks.subscription_url and webhooks.user and webhooks.password:
            registration = WebhookRegistration(webhooks.subscription_url, webhooks.user, webhooks.password)
            self.registrations = Registrations(registration, self.client_for)
            self.live.on_first_subscriber = self.registrations.ensure

    @property
    def transport(self) -> UpstreamTransport:
        if self._transport is None:
            raise RuntimeError("the upstream transport exists only while the app's lifespan runs")
        return self._transport

    def start(self, transport: UpstreamTransport) -> None:
        self._transport = transport

    def stop(self) -> None:
        self._transport = None

    def context(self, connection: HTTPConnection) -> Context:
        return self.context_for(
            credentials_from_headers(connection, self.settings.api_token), request_id_of(connection)
        )

    def context_for(self, credentials: Credentials | None, request_id: str = "") -> Context:
        """A context for `credentials` outside any request (a live update's read window)."""
        return Context(
            settings=self.settings,
            credentials=credentials,
            transport=self.transport,
            request_id=request_id,
            shared=self.shared,
            loader_observer=self.loader_observer,
            api_version=self.api_version,
        )

    def client_for(self, credentials: Credentials) -> PipedriveClient:
        """An upstream client for `credentials` outside any request (webhook registration)."""
        return PipedriveClient(self.transport, credentials, CallLedger())

    def live_connection(self, close: CloseConnection) -> LiveConnection:
        return LiveConnection(self.live, close)


@dataclass
class Context:
    settings: Settings
    credentials: Credentials | None
    transport: UpstreamTransport
    request_id: str
    shared: SharedCaches
    loader_observer: LoaderObserver
    api_version: ApiVersion
    ledger: CallLedger = field(default_factory=CallLedger)
    live: LiveConnection | None = None
    """On a WebSocket connection: its way to the live updates (subscriptions); None over HTTP."""
    loaders: Loaders = field(init=False)
    _client: PipedriveClient | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(
            lambda: self.client,
            self.shared,
            self.loader_observer,
            self.api_version,
            self.settings.limits.max_scan_pages,
        )

    def release(self) -> None:
        """Once the operation is answered, drop what its loaders hold. The context, its loaders and
        their batch functions refer to one another, so the page's records would otherwise wait for the
        cycle collector; freed now, they cost it nothing (README, Benchmarks). No call is sent for it
        from now on: a batch a cancelled resolver scheduled would spend budget nobody counts."""
        self.ledger.close()
        self.loaders.release()

    @property
    def activities(self) -> Activities:
        """The activity operations, over the API version the app uses now."""
        return self.loaders.api

    def use_credentials(self, credentials: Credentials) -> None:
        """Authenticate as `credentials` from now on (a WebSocket's `connection_init`), before any call."""
        self.credentials = credentials
        self._client = None

    @property
    def client(self) -> PipedriveClient:
        """The upstream client for this request's token; UNAUTHENTICATED when there is none."""
        if self._client is None:
            if self.credentials is None:
                raise Unauthenticated(NO_TOKEN_MESSAGE)
            self._client = PipedriveClient(self.transport, self.credentials, self.ledger)
        return self._client


Info = strawberry.Info[Context, None]
"""The resolver info of this gateway's schema: `info.context` is a `Context`."""
