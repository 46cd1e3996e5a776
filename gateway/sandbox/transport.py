"""An httpx transport that serves the sandbox app in-process, with real-network failure modes.

It wraps httpx.ASGITransport and adds what a socket would do: the request's read timeout
(`request.extensions["timeout"]["read"]`) bounds the whole exchange and raises
httpx.ReadTimeout (a write already committed stays committed, as on a real server; a request
still waiting on latency or a "delay" fault is abandoned before it is handled); a "drop" fault
raises httpx.RemoteProtocolError and a "refuse" fault httpx.ConnectError (the app has not
handled that request: nothing served, nothing written).
"""

import asyncio

import httpx
from starlette.types import ASGIApp

from gateway.sandbox.layer import ConnectionDropped, ConnectionRefused

DROPPED_MESSAGE = "Server disconnected without sending a response."
REFUSED_MESSAGE = "[Errno 111] Connection refused"


class SandboxTransport(httpx.AsyncBaseTransport):
    """httpx.ASGITransport plus read timeouts, dropped and refused connections."""

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {}).get("read")
        try:
            async with asyncio.timeout(timeout):
                return await self._inner.handle_async_request(request)
        except TimeoutError as exc:
            raise httpx.ReadTimeout("Timed out waiting for the sandbox", request=request) from exc
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(DROPPED_MESSAGE, request=request) from exc
        except ConnectionRefused as exc:
            raise httpx.ConnectError(REFUSED_MESSAGE, request=request) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()
