"""How every API route runs: authenticate, charge the rate limits, handle, answer JSON.

Handlers receive a `Call` (the request, the caller, the store) and return a `Reply`, or raise
ApiError for any other answer; both carry the rate-limit headers of the request.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.sandbox.auth import Caller, authenticate
from gateway.sandbox.control import RecordedRequest
from gateway.sandbox.errors import ApiError, bad_request
from gateway.sandbox.layer import RECORD_SCOPE_KEY
from gateway.sandbox.ratelimit import RateLimiter
from gateway.sandbox.store import Store

JSONObject = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    body: JSONObject
    status: int = 200


@dataclass(frozen=True)
class Call:
    request: Request
    caller: Caller
    store: Store

    @property
    def company_id(self) -> int:
        return self.caller.company_id

    def path_param(self, name: str) -> str:
        return str(self.request.path_params[name])

    async def json_object(self) -> JSONObject:
        """The body as a JSON object; 400 when it is not one."""
        try:
            body = await self.request.json()
        except ValueError as exc:
            raise bad_request("Malformed JSON body") from exc
        if not isinstance(body, dict):
            raise bad_request("The JSON body must be an object")
        return body


Handler = Callable[[Call], Awaitable[Reply]]


class Api:
    """Builds routes sharing one store and one rate limiter."""

    def __init__(self, store: Store, limiter: RateLimiter) -> None:
        self._store = store
        self._limiter = limiter

    def route(self, path: str, handler: Handler, *, method: str, cost: int) -> Route:
        async def endpoint(request: Request) -> Response:
            return await self._run(request, handler, cost)

        return Route(path, endpoint, methods=[method], name=f"{method} {path}")

    async def _run(self, request: Request, handler: Handler, cost: int) -> Response:
        headers: dict[str, str] = {}
        try:
            caller = authenticate(request, self._store.entities)
            _note_caller(request, caller)
            headers = self._limiter.spend(caller.token, caller.company_id, cost)
            reply = await handler(Call(request, caller, self._store))
        except ApiError as error:
            return JSONResponse(error.body, error.status, headers={**headers, **error.headers})
        return JSONResponse(reply.body, reply.status, headers=headers)


def _note_caller(request: Request, caller: Caller) -> None:
    record = request.scope.get(RECORD_SCOPE_KEY)
    if isinstance(record, RecordedRequest):
        record.company_id = caller.company_id
        record.user_id = caller.user_id
