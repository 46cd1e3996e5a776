"""HTTP access to a sandbox's Control: routes outside `/api`, part of `sandbox.app`, so they are
reachable on the standalone server (`/_control/...`) and wherever the app is mounted (the gateway
serves it at `/sandbox`, hence `/sandbox/_control/...`). They need no token: the sandbox is a
development and test upstream.

Routes (JSON):
- `POST /_control/latency` `{"ms": 50}`: fixed added latency on every `/api` request.
- `POST /_control/faults` `{"kind": "status", "status": 503, "times": 2, "method": "GET",
  "path": "/api/v1/activities*", "retry_after": null, "when": "before", "delay_s": 0}`.
- `GET /_control/requests`: `{"count": N, "requests": [...]}`; `DELETE /_control/requests` clears it.
- `GET /_control/deliveries`: `{"count": N, "deliveries": [...]}`, every webhook delivery attempt
  (webhook id, URL, `meta.id`, attempt, action, activity id, status or error).
- `POST /_control/reset`: clear faults, latency, recorded requests and deliveries, and rate-limit counters.
- `POST /_control/retire-v1`: the v1 activity endpoints answer 410 Gone from now on;
  `DELETE /_control/retire-v1` restores them; `GET /_control/retire-v1` tells. All three answer
  `{"v1_retired": bool}`.
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.sandbox.control import Control, Fault
from gateway.sandbox.errors import bad_request


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
            Route("/_control/deliveries", self.list_deliveries, methods=["GET"]),
            Route("/_control/reset", self.reset, methods=["POST"]),
            Route("/_control/retire-v1", self.retire_v1, methods=["POST"]),
            Route("/_control/retire-v1", self.restore_v1, methods=["DELETE"]),
            Route("/_control/retire-v1", self.v1_state, methods=["GET"]),
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

    async def list_deliveries(self, request: Request) -> Response:
        recorded = [entry.as_json() for entry in self._control.deliveries]
        return JSONResponse({"count": len(recorded), "deliveries": recorded})

    async def clear_requests(self, request: Request) -> Response:
        self._control.clear()
        return JSONResponse({"cleared": True})

    async def reset(self, request: Request) -> Response:
        self._control.reset()
        return JSONResponse({"reset": True})

    async def retire_v1(self, request: Request) -> Response:
        self._control.v1_retired = True
        return await self.v1_state(request)

    async def restore_v1(self, request: Request) -> Response:
        self._control.v1_retired = False
        return await self.v1_state(request)

    async def v1_state(self, request: Request) -> Response:
        return JSONResponse({"v1_retired": self._control.v1_retired})


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
