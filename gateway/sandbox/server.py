"""The sandbox as a standalone HTTP server: the API routes plus control routes outside `/api`,
for benchmarks against a separate process.

Control routes (JSON):
- `POST /_control/latency` `{"ms": 50}`: fixed added latency on every `/api` request.
- `POST /_control/faults` `{"kind": "status", "status": 503, "times": 2, "method": "GET",
  "path": "/api/v1/activities*", "retry_after": null, "when": "before", "delay_s": 0}`.
- `GET /_control/requests`: `{"count": N, "requests": [...]}`; `DELETE /_control/requests` clears it.
- `POST /_control/reset`: clear faults, latency, recorded requests and rate-limit counters.

Over a socket, "drop" and "refuse" faults both send the response start and then close the
connection (uvicorn logs one line for each).
"""

from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.sandbox.app import ControlledStarlette, Sandbox
from gateway.sandbox.control import Control, Fault
from gateway.sandbox.errors import bad_request
from gateway.sandbox.layer import ConnectionDropped, ConnectionRefused


class QuietAborts:
    """Ends the ASGI call quietly on a dropped/refused connection: the server then closes the
    socket mid-response without logging a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._app(scope, receive, send)
        except (ConnectionDropped, ConnectionRefused):
            return


class StandaloneApp(ControlledStarlette):
    def build_middleware_stack(self) -> ASGIApp:
        return QuietAborts(super().build_middleware_stack())


def create_standalone_app(sandbox: Sandbox) -> Starlette:
    """The sandbox's API routes plus the `/_control/...` routes, on one app."""
    return StandaloneApp([*sandbox.routes, *ControlRoutes(sandbox.control).routes()], sandbox.control, sandbox.api)


class ControlRoutes:
    """HTTP access to a sandbox's Control."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def routes(self) -> list[Route]:
        return [
            Route("/_control/latency", self.set_latency, methods=["POST"]),
            Route("/_control/faults", self.add_fault, methods=["POST"]),
            Route("/_control/requests", self.list_requests, methods=["GET"]),
            Route("/_control/requests", self.clear_requests, methods=["DELETE"]),
            Route("/_control/reset", self.reset, methods=["POST"]),
        ]

    async def set_latency(self, request: Request) -> Response:
        milliseconds = (await _json_object(request)).get("ms")
        if isinstance(milliseconds, bool) or not isinstance(milliseconds, int | float) or milliseconds < 0:
            return _invalid("ms must be a non-negative number")
        self._control.latency_ms = float(milliseconds)
        return JSONResponse({"latency_ms": self._control.latency_ms})

    async def add_fault(self, request: Request) -> Response:
        try:
            fault = Fault(**await _json_object(request))
        except (TypeError, ValueError) as exc:
            return _invalid(f"invalid fault: {exc}")
        self._control.inject(fault)
        return JSONResponse({"injected": True}, 201)

    async def list_requests(self, request: Request) -> Response:
        recorded = [entry.as_json() for entry in self._control.requests]
        return JSONResponse({"count": len(recorded), "requests": recorded})

    async def clear_requests(self, request: Request) -> Response:
        self._control.clear()
        return JSONResponse({"cleared": True})

    async def reset(self, request: Request) -> Response:
        self._control.reset()
        return JSONResponse({"reset": True})


async def _json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; an empty object when it is not one (the handler then refuses it)."""
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _invalid(message: str) -> Response:
    error = bad_request(message)
    return JSONResponse(error.body, error.status)


def serve(host: str, port: int, db_path: str) -> None:
    """Run the standalone sandbox with uvicorn until interrupted."""
    sandbox = Sandbox(db_path=db_path)
    try:
        uvicorn.run(create_standalone_app(sandbox), host=host, port=port, log_level="info")
    finally:
        sandbox.close()
