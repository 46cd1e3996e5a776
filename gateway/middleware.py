"""The outermost ASGI middleware: a request id for every HTTP request, its access line and HTTP metrics.

The id is the client's `X-Request-Id` when that is sane (short, a plain character set, not one of the
request's own tokens), else a fresh one. It is echoed in the response's `X-Request-Id`, kept in the
request's scope state (`request_id_of`, which the GraphQL context reads), stamped on every log line
written while the request is handled, and the app's metrics are made current for the loaders' hooks.
A pure ASGI middleware (not `BaseHTTPMiddleware`), so context variables reach the handler's task and
responses are not buffered.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.logs import bind_request_id
from gateway.metrics import GatewayMetrics, serving

REQUEST_ID_HEADER = "x-request-id"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# Probes, scrapes and static files are logged at DEBUG so they do not drown the GraphQL traffic.
_QUIET_PATHS = ("/healthz", "/readyz", "/metrics", "/graphql/static/")
_HANDLERS = {"/graphql": "graphql", "/healthz": "healthz", "/readyz": "readyz", "/metrics": "metrics"}
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

access_logger = logging.getLogger("gateway.access")


def new_request_id() -> str:
    return uuid.uuid4().hex


def incoming_request_id(headers: Headers) -> str | None:
    """The client's request id when it is safe to log and echo; tokens are never taken as one."""
    value = headers.get(REQUEST_ID_HEADER, "").strip()
    if not _SANE_REQUEST_ID.fullmatch(value):
        return None
    authorization = headers.get("authorization", "")
    if value in (headers.get("x-api-token", "").strip(), authorization.partition(" ")[2].strip()):
        return None
    return value


def request_id_of(connection: HTTPConnection) -> str | None:
    """The id the middleware gave this request (None when it did not run)."""
    request_id = connection.scope.get("state", {}).get("request_id")
    return request_id if isinstance(request_id, str) else None


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
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(Headers(scope=scope)) or new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500  # what the client gets if the app fails before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        started = time.perf_counter()
        with bind_request_id(request_id), serving(self.metrics):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                self._finish(scope, status, time.perf_counter() - started)

    def _finish(self, scope: Scope, status: int, seconds: float) -> None:
        path: str = scope["path"]
        handler = handler_label(path)
        method = scope["method"] if scope["method"] in _METHODS else "other"
        self.metrics.http_requests.labels(method, handler, str(status)).inc()
        self.metrics.http_seconds.labels(handler).observe(seconds)
        level = logging.DEBUG if path.startswith(_QUIET_PATHS) else logging.INFO
        access_logger.log(
            level,
            "%s %s %d",
            scope["method"],
            path,
            status,
            extra={"method": scope["method"], "path": path, "status": status, "duration_ms": round(seconds * 1000, 2)},
        )
