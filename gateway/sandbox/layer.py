"""The outermost ASGI layer of the sandbox: records every `/api` request, adds the configured
latency and applies injected faults.

It sits outside Starlette's error middleware, so a dropped or refused connection is never
turned into a 500. Both are signalled by raising after the response start has been sent: the
in-process transport maps the exceptions to httpx's connection errors, and a real server
aborts the connection mid-response (over a socket, "refuse" therefore looks like "drop": an
accepted TCP connection cannot be refused afterwards).
"""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.sandbox.auth import API_TOKEN_QUERY as TOKEN_QUERY_PARAMETER
from gateway.sandbox.control import Control, Fault, RecordedRequest
from gateway.sandbox.errors import status_envelope

API_PREFIX = "/api/"
RECORD_SCOPE_KEY = "sandbox.record"
"""Where handlers find the RecordedRequest to fill in the caller's company and user."""
MALFORMED_BODY = b'{"success": true, "data": [{"id": 1, "subject": "Trunc'
Sleep = Callable[[float], Awaitable[None]]


class ConnectionDropped(Exception):
    """The connection breaks after the response start (fault "drop")."""


class ConnectionRefused(Exception):
    """The connection is refused before the request is handled (fault "refuse")."""


class ControlLayer:
    """Recording, latency and faults around the API (other paths pass straight through)."""

    def __init__(self, app: ASGIApp, control: Control, sleep: Sleep = asyncio.sleep) -> None:
        self._app = app
        self._control = control
        self._sleep = sleep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not route_path(scope).startswith(API_PREFIX):
            await self._app(scope, receive, send)
            return
        body = await _read_body(receive)
        record = _record(scope, route_path(scope), body)
        scope = {**scope, RECORD_SCOPE_KEY: record}
        try:
            await self._serve(scope, _replaying(body, receive), send, record)
        finally:
            # Also when the client gave up (cancelled): it still reached the server.
            self._control.requests.append(record)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, record: RecordedRequest) -> None:
        if self._control.latency_ms > 0:
            await self._sleep(self._control.latency_ms / 1000)
        fault = self._control.take_fault(record.method, record.path)
        captured = await self._capture(scope, receive) if fault and fault.when == "after" else None
        if fault is not None and fault.kind != "delay":
            await _answer_fault(fault, send, record)
            return
        if fault is not None:
            await self._sleep(fault.delay_s)
        if captured is None:
            await self._app(scope, receive, _recording_status(send, record))
        else:
            await _replay(captured, _recording_status(send, record))

    async def _capture(self, scope: Scope, receive: Receive) -> list[Message]:
        """Handle the request fully (committing any write) and keep its response unsent."""
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self._app(scope, receive, keep)
        return messages


def route_path(scope: Scope) -> str:
    """The path below the app's mount point (e.g. "/api/v1/activities")."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) :].startswith("/"):
        return path[len(root) :]
    return path


async def _answer_fault(fault: Fault, send: Send, record: RecordedRequest) -> None:
    if fault.kind == "status":
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        record.status = fault.status
        await _send_json(send, fault.status, status_envelope(fault.status), headers)
    elif fault.kind == "malformed":
        record.status = 200
        await _send_raw(send, 200, MALFORMED_BODY)
    else:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        raise ConnectionDropped() if fault.kind == "drop" else ConnectionRefused()


def _record(scope: Scope, path: str, body: bytes) -> RecordedRequest:
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    query = {key: value for key, value in pairs if key != TOKEN_QUERY_PARAMETER}
    return RecordedRequest(method=scope["method"], path=path, query=query, body=_parsed(body))


def _parsed(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", errors="replace")


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that yields the already-read body once, then defers to the server's receive."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


def _recording_status(send: Send, record: RecordedRequest) -> Send:
    async def send_and_record(message: Message) -> None:
        if message["type"] == "http.response.start":
            record.status = message["status"]
        await send(message)

    return send_and_record


async def _replay(messages: list[Message], send: Send) -> None:
    for message in messages:
        await send(message)


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
    await _send_raw(send, status, json.dumps(body).encode(), headers)


async def _send_raw(send: Send, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw_headers += [(key.lower().encode(), value.encode()) for key, value in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
