"""The outermost ASGI middleware: every HTTP request gets its id, its access line and its HTTP metrics;
every WebSocket connection an id too (echoed in the handshake's answer, stamped on the log lines written
while it is open) and an access line when it ends.

The id is made here and nowhere else: the client's `X-Request-Id` when that is sane (short, a plain
character set, not one of the request's own tokens), else a fresh one. It is echoed in the response's
`X-Request-Id`, kept in the request's scope (`gateway.context.request_id_of`, which the GraphQL context
reads) and stamped on every log line written while the request is handled. A pure ASGI middleware
(not `BaseHTTPMiddleware`), so context variables reach the handler's task and responses are not
buffered.
"""

from __future__ import annotations

import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.context import REQUEST_ID_SCOPE_KEY
from gateway.observability.logs import bind_request_id, log_access
from gateway.observability.metrics import GatewayMetrics

REQUEST_ID_HEADER = "x-request-id"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_HANDLERS = {"/graphql": "graphql", "/healthz": "healthz", "/readyz": "readyz", "/metrics": "metrics"}
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def incoming_request_id(headers: Headers) -> str | None:
    """The client's request id when it is safe to log and echo; tokens are never taken as one."""
    value = headers.get(REQUEST_ID_HEADER, "").strip()
    if not _SANE_REQUEST_ID.fullmatch(value):
        return None
    authorization = headers.get("authorization", "")
    if value in (headers.get("x-api-token", "").strip(), authorization.partition(" ")[2].strip()):
        return None
    return value


def handler_label(path: str) -> str:
    """A bounded metrics label for a request path."""
    if path.startswith("/graphql/static/"):
        return "graphiql_static"
    if path.startswith("/sandbox/"):
        return "sandbox"
    return _HANDLERS.get(path, "other")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: GatewayMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http" and kind != "websocket":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(Headers(scope=scope)) or uuid.uuid4().hex
        scope.setdefault("state", {})[REQUEST_ID_SCOPE_KEY] = request_id
        # What the access line says if the app fails before answering, or does not accept the handshake.
        status = 500 if kind == "http" else 403

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            elif message["type"] == "websocket.accept":
                status = 101
                headers = [*message.get("headers", []), (REQUEST_ID_HEADER.encode(), request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        started = time.perf_counter()
        with bind_request_id(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                self._finish(scope, status, time.perf_counter() - started)

    def _finish(self, scope: Scope, status: int, seconds: float) -> None:
        path: str = scope["path"]
        if scope["type"] == "websocket":
            log_access("WEBSOCKET", path, status, seconds)
            return
        method = scope["method"] if scope["method"] in _METHODS else "other"
        self.metrics.record_http(method, handler_label(path), status, seconds)
        log_access(scope["method"], path, status, seconds)
