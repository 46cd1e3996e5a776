"""The WebSocket side of /graphql: graphql-transport-ws with the gateway's authentication.

The token is the one in `connection_init`'s payload (`{"X-Api-Token": ...}` or `{"Authorization":
"Bearer ..."}`, keys in any case), else the one in the upgrade request's headers, else the configured
default, as over HTTP. It is checked once, at `connection_init`, with `GET /v1/users/me` (cached per
token, which also tells the token's company):

- no token at all: the connection is closed with 4401 (Unauthorized);
- a token the upstream refuses (401, or 403): 4403 (Forbidden);
- the upstream not answering: 1013 (Try Again Later), which graphql-ws clients retry.

Otherwise the connection is acknowledged and subscriptions run with that token. A subscription dropped
by the live updates closes its connection through `close_quietly` (1013 too slow, 1001 shutting down).
"""

from __future__ import annotations

import contextlib
from typing import Any, cast

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from gateway.context import Context, credentials_from_params
from gateway.live import Closure
from gateway.upstream.errors import UpstreamError, UpstreamForbidden, UpstreamUnauthorized

NO_TOKEN = Closure(4401, "Unauthorized: send X-Api-Token or Authorization: Bearer in connection_init")
REFUSED = Closure(4403, "Forbidden: the upstream refused the token")
UPSTREAM_AWAY = Closure(1013, "The upstream could not be reached; try again later")


async def authenticate(context: Context, params: dict[str, Any]) -> Closure | None:
    """Settle the connection's credentials from `params` (else the headers' or the default) and check
    them upstream; the refusal to close with, or None."""
    credentials = credentials_from_params(params) or context.credentials
    if credentials is None:
        return NO_TOKEN
    context.use_credentials(credentials)
    try:
        await context.loaders.me.get()
    except (UpstreamUnauthorized, UpstreamForbidden):
        return REFUSED
    except UpstreamError:
        return UPSTREAM_AWAY
    return None


class AuthenticatingTransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, authenticating at `connection_init`."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload")
        if payload is None:
            payload = {}
            message = cast(ConnectionInitMessage, {**message, "payload": payload})
        if self.connection_init_received or self.connection_timed_out or not isinstance(payload, dict):
            await super().handle_connection_init(message)  # refused there: a second init, a bad payload
            return
        refusal = await authenticate(self.context, payload)
        if refusal is None:
            await super().handle_connection_init(message)
            return
        self.connection_init_received = True
        if self.connection_init_timeout_task is not None:
            self.connection_init_timeout_task.cancel()
        await self.websocket.close(code=refusal.code, reason=refusal.reason)


async def close_quietly(websocket: WebSocket, code: int, reason: str) -> None:
    """Close `websocket` unless it is closed already (the client may have gone first)."""
    if websocket.application_state == WebSocketState.DISCONNECTED:
        return
    with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
        await websocket.close(code=code, reason=reason)
