"""The sandbox: a Starlette app emulating Pipedrive's Activities REST API over a SQLite store,
with its control surface (faults, latency, request and delivery records, v1 retirement; also over HTTP
at `/_control/...`, see `control_routes`), its webhook deliveries (`webhook_delivery`) and an in-process
httpx transport.
"""

import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from datetime import date

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from gateway.sandbox.control import Control
from gateway.sandbox.control_routes import ControlRoutes
from gateway.sandbox.endpoint import Api
from gateway.sandbox.errors import status_envelope
from gateway.sandbox.layer import ControlLayer
from gateway.sandbox.ratelimit import DEFAULT_BURST_LIMIT, DEFAULT_DAILY_TOKEN_BUDGET, Clock, RateLimiter
from gateway.sandbox.routes_activities import activity_routes
from gateway.sandbox.routes_activities_v2 import activity_routes_v2
from gateway.sandbox.routes_lookups import lookup_routes
from gateway.sandbox.routes_v2 import v2_routes
from gateway.sandbox.routes_webhooks import webhook_routes
from gateway.sandbox.seed import DemoSeed
from gateway.sandbox.seed_day import default_seed_day, stored_seed_day
from gateway.sandbox.store import Store
from gateway.sandbox.transport import SandboxTransport
from gateway.sandbox.webhook_delivery import DEFAULT_RETRY_DELAYS, WebhookDispatcher

DEFAULT_DB_PATH = ".gateway/sandbox.sqlite3"


class ControlledStarlette(Starlette):
    """A Starlette app whose outermost layer is the sandbox's ControlLayer.

    Outside Starlette's own error middleware, so that a dropped connection is not answered 500.
    """

    def __init__(self, routes: Sequence[BaseRoute], control: Control, api: Api, webhooks: WebhookDispatcher) -> None:
        self._control = control
        handlers = {HTTPException: api.http_error, Exception: _server_error}

        @contextlib.asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            yield  # served on its own (`gateway sandbox`): stop delivering when the server stops
            await webhooks.aclose()

        super().__init__(routes=routes, exception_handlers=handlers, lifespan=lifespan)

    def build_middleware_stack(self) -> ASGIApp:
        return ControlLayer(super().build_middleware_stack(), self._control)


class Sandbox:
    """One emulated upstream: its store, app, rate limits and control.

    `clock` (monotonic seconds) drives the rate limits only; stored timestamps use UTC wall time.
    `seed_day` anchors the demo data of a new database (default: see `seed_day.default_seed_day`);
    an existing file keeps the day it was seeded for, which `self.seed_day` reports.
    `v1_retired` starts it with the v1 activity endpoints answering 410 (see `retire_v1`).
    Webhooks are delivered through `webhook_transport` (default: real HTTP, or what `deliver_webhooks_through`
    says), retried after `webhook_retry_delays` seconds.
    """

    def __init__(
        self,
        db_path: str = DEFAULT_DB_PATH,
        *,
        latency_ms: float = 0.0,
        burst_limit: int = DEFAULT_BURST_LIMIT,
        daily_token_budget: int = DEFAULT_DAILY_TOKEN_BUDGET,
        clock: Clock = time.monotonic,
        seed_day: date | None = None,
        v1_retired: bool = False,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        webhook_retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
    ) -> None:
        self.store = Store.open(db_path, DemoSeed(seed_day or default_seed_day()))
        self.seed_day = stored_seed_day(self.store)
        self.limiter = RateLimiter(burst_limit, daily_token_budget, clock)
        self.control = Control(self.limiter, latency_ms, v1_retired=v1_retired)
        self.webhooks = WebhookDispatcher(
            self.store, self.control, transport=webhook_transport, retry_delays=webhook_retry_delays
        )
        self.api = Api(self.store, self.limiter, self.control, self.webhooks)
        self.routes: list[BaseRoute] = [*api_routes(self.api), *ControlRoutes(self.control).routes()]
        self.app = ControlledStarlette(self.routes, self.control, self.api, self.webhooks)

    def retire_v1(self) -> None:
        """From now on the seven v1 activity endpoints answer 410 Gone (others are unaffected)."""
        self.control.v1_retired = True

    def restore_v1(self) -> None:
        """The v1 activity endpoints answer again."""
        self.control.v1_retired = False

    def deliver_webhooks_through(self, transport: httpx.AsyncBaseTransport) -> None:
        """Deliver webhooks through `transport` (the gateway's app, in-process) from now on."""
        self.webhooks.deliver_through(transport)

    def transport(self) -> SandboxTransport:
        """An httpx transport serving `app` in-process (see SandboxTransport)."""
        return SandboxTransport(self.app)

    def close(self) -> None:
        self.webhooks.cancel()
        self.store.close()


def api_routes(api: Api) -> list[BaseRoute]:
    """Every `/api/v1/...` and `/api/v2/...` route."""
    return [
        *activity_routes(api),
        *lookup_routes(api),
        *activity_routes_v2(api),
        *v2_routes(api),
        *webhook_routes(api),
    ]


async def _server_error(request: Request, exc: Exception) -> Response:
    # A bug answers 500 with the standard envelope (the upstream's 500 body is UNCONFIRMED);
    # Starlette re-raises it afterwards, so in-process clients see the exception itself.
    return JSONResponse(status_envelope(500), 500)
