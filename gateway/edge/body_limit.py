"""The request body cap (`QueryLimits.max_body_bytes`, GATEWAY_MAX_BODY_BYTES): a pure ASGI middleware.

A declared `Content-Length` over the cap is refused before anything is read. A body without one
(chunked) is read only up to the cap and refused as soon as it passes it, so a client cannot make the
gateway hold more than the cap. A body within the cap is handed on unchanged. A refusal is a 413
with a GraphQL-shaped JSON body (`gateway.edge.refusals`), `extensions.limit` "bodySize".
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.edge.refusals import request_error_response
from gateway.errors import LIMIT

PAYLOAD_TOO_LARGE = 413


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(Headers(scope=scope))
        body = None if declared is not None and declared > self.max_bytes else await self._read(receive)
        if body is None:
            response = request_error_response(
                PAYLOAD_TOO_LARGE,
                f"The request body is larger than {self.max_bytes} bytes.",
                extensions={LIMIT: "bodySize"},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, _replaying(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it passes the cap."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)  # the client went away; the app sees the disconnect next
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _content_length(headers: Headers) -> int | None:
    try:
        return int(headers["content-length"])
    except (KeyError, ValueError):
        return None


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that yields the body once, then defers to the server (for the disconnect)."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay
