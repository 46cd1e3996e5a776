"""The probes: `/healthz` (the process runs) and `/readyz` (the upstream answers; with Redis configured,
also whether this instance reaches it: an instance without Redis works on its own state, so it stays
ready)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.context import Services
from gateway.upstream import Credentials
from gateway.upstream.endpoints import USERS_ME


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def readiness(services: Services) -> Callable[[Request], Awaitable[JSONResponse]]:
    """`GET /readyz`: ready when the upstream answers HTTP at all (any status below 500), asked once,
    without retries, with the default token when there is one."""

    async def readyz(request: Request) -> JSONResponse:
        token = services.settings.api_token
        credentials = Credentials(token) if token else None
        try:
            status = await services.transport.probe(USERS_ME.call(), credentials)
        except httpx.HTTPError as error:
            return _unavailable(f"upstream unreachable ({type(error).__name__})")
        if status >= 500:
            return _unavailable(f"upstream answered {status}")
        ready: dict[str, str] = {"status": "ready", "apiVersion": services.api_version.current}
        if services.redis is not None:
            ready["redis"] = services.redis.status
        return JSONResponse(ready)

    return readyz


def _unavailable(reason: str) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason}, 503)
