"""How every API route runs: authenticate, charge the rate limits, handle, answer JSON.

Handlers receive a `Call` (the request, the caller, the store) and return a `Reply`, or raise
ApiError for any other answer; both carry the rate-limit headers of the request, as do 401s
(counted in the anonymous window, see `ratelimit`) and the app's 404/405 for unknown paths.

A route with `replaced_by` is retirable: while `Control.v1_retired` is set it answers 410 Gone
(after authentication, so a bad token is still 401) without reading the body or calling its
handler, and spends no rate-limit tokens nor a burst slot; it carries the caller's current headers.
"""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.sandbox.auth import Caller, authenticate
from gateway.sandbox.control import Control, RecordedRequest
from gateway.sandbox.errors import ApiError, bad_request, gone, status_envelope, v2_bad_request
from gateway.sandbox.layer import RECORD_SCOPE_KEY
from gateway.sandbox.ratelimit import RateLimiter
from gateway.sandbox.store import Record, Store
from gateway.sandbox.webhook_delivery import WebhookDispatcher
from gateway.sandbox.webhook_payloads import Action, ActivityChange

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
    webhooks: WebhookDispatcher

    @property
    def company_id(self) -> int:
        return self.caller.company_id

    def activities_changed(
        self, action: Action, rows: Sequence[tuple[Record | None, Record | None]], *, bulk: bool = False
    ) -> None:
        """Tell the company's webhooks: `rows` are (before, after) pairs of one API call's writes."""
        company = self.store.entities.company(self.company_id)
        host = f"{company['domain'] if company else 'sandbox'}.pipedrive.com"
        correlation_id = str(uuid.uuid4())
        changes = [
            ActivityChange(action, self.company_id, self.caller.user_id, before, after, host, correlation_id, bulk)
            for before, after in rows
        ]
        self.webhooks.activity_changed(changes)

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


def v2_errors(handler: Handler) -> Handler:
    """`handler` answering its 400s with the v2 body (the checks shared with v1 raise the v1 one)."""

    async def answer(call: Call) -> Reply:
        try:
            return await handler(call)
        except ApiError as error:
            if error.status != 400:
                raise
            raise v2_bad_request(str(error.body["error"])) from None

    return answer


class Api:
    """Builds routes sharing one store, one rate limiter and one control."""

    def __init__(self, store: Store, limiter: RateLimiter, control: Control, webhooks: WebhookDispatcher) -> None:
        self._store = store
        self._limiter = limiter
        self._control = control
        self._webhooks = webhooks

    def route(self, path: str, handler: Handler, *, method: str, cost: int, replaced_by: str | None = None) -> Route:
        """A route; with `replaced_by` (its successor, named in the 410) it is retired with v1."""

        async def endpoint(request: Request) -> Response:
            return await self._run(request, handler, cost, replaced_by)

        return Route(path, endpoint, methods=[method], name=f"{method} {path}")

    async def http_error(self, request: Request, exc: Exception) -> Response:
        """The app's answer to an unknown path (404) or method (405): the upstream's error envelope."""
        assert isinstance(exc, HTTPException)
        headers = {**self._current_headers(request), **(exc.headers or {})}
        return JSONResponse(status_envelope(exc.status_code), exc.status_code, headers=headers)

    async def _run(self, request: Request, handler: Handler, cost: int, replaced_by: str | None) -> Response:
        headers: dict[str, str] = {}
        try:
            caller = self._caller(request)
            if replaced_by is not None and self._control.v1_retired:
                headers = self._limiter.peek(caller.token, caller.company_id)
                raise gone(replaced_by)
            headers = self._limiter.spend(caller.token, caller.company_id, cost)
            reply = await handler(Call(request, caller, self._store, self._webhooks))
        except ApiError as error:
            return JSONResponse(error.body, error.status, headers={**headers, **error.headers})
        return JSONResponse(reply.body, reply.status, headers=headers)

    def _caller(self, request: Request) -> Caller:
        """The authenticated caller; a 401 counted in the anonymous window (or 429 past it) otherwise."""
        try:
            caller = authenticate(request, self._store.entities)
        except ApiError as refusal:
            refusal.headers.update(self._limiter.spend_anonymous())
            raise
        _note_caller(request, caller)
        return caller

    def _current_headers(self, request: Request) -> dict[str, str]:
        try:
            caller = authenticate(request, self._store.entities)
        except ApiError:
            return self._limiter.peek(None, None)
        return self._limiter.peek(caller.token, caller.company_id)


def _note_caller(request: Request, caller: Caller) -> None:
    record = request.scope.get(RECORD_SCOPE_KEY)
    if isinstance(record, RecordedRequest):
        record.company_id = caller.company_id
        record.user_id = caller.user_id
