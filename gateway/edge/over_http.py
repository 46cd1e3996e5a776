"""GraphQL over HTTP: which media type a response is sent as, and its status code.

Following the GraphQL-over-HTTP spec: a client whose `Accept` prefers
`application/graphql-response+json` gets that media type, and with it a request error (the document
did not parse or validate, a variable did not coerce: nothing was executed) is a 400 whose body has no
`data` entry, while an executed operation is a 200 even when fields failed. A client asking only for
`application/json` (or anything else, or nothing) gets `application/json` and 200 for every
well-formed request, as before the spec. Requests that are not well-formed GraphQL-over-HTTP requests
(unreadable JSON, JSON escaping an unpaired surrogate, no query, a mutation over GET, a content type
other than JSON, whose refusal says what to send) are refused with a 4xx either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from gateway.context import Context
from gateway.edge.refusals import request_error_response

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
_SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads joins escaped pairs: any left is unpaired
_UNSUPPORTED_CONTENT_TYPE = "Unsupported content type"  # Strawberry's reason (strawberry/http/async_base_view.py)
_STATE_KEY = "graphql_request_error"  # on request.state once a result is sent as graphql-response+json


def _accepted(accept: str) -> dict[str, float]:
    """Media range -> quality, for each entry of an Accept header."""
    ranges: dict[str, float] = {}
    for entry in accept.split(","):
        media, *params = (part.strip() for part in entry.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges[media.lower()] = max(quality, ranges.get(media.lower(), 0.0))
    return ranges


def prefers_graphql_response(accept: str | None) -> bool:
    """Whether the client asked for `application/graphql-response+json` at least as much as JSON."""
    ranges = _accepted(accept or "")
    wanted = ranges.get(GRAPHQL_RESPONSE_JSON, 0.0)
    json_quality = max(ranges.get(APPLICATION_JSON, 0.0), ranges.get("application/*", 0.0), ranges.get("*/*", 0.0))
    return wanted > 0 and wanted >= json_quality


def is_request_error(data: object, errors: Sequence[GraphQLError] | None) -> bool:
    """Nothing was executed: no data, and no error belongs to a field."""
    return data is None and bool(errors) and all(error.path is None for error in errors or ())


class GraphQLOverHTTP(GraphQL[Context, None]):
    """Strawberry's ASGI view with the media type and status rules above, 405 for a mutation over GET,
    and a 400 (never a 500) for a body that is JSON but not an object."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            response = _refusal(request, exc)
        request_error = getattr(request.state, _STATE_KEY, None)
        if request_error is not None and response.media_type == APPLICATION_JSON:
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
            if request_error:
                response.status_code = 400
        await response(scope, receive, send)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        body = await super().process_result(request, result)
        if prefers_graphql_response(request.headers.get("accept")):
            request_error = is_request_error(result.data, result.errors)
            if request_error:
                body.pop("data", None)
            setattr(request.state, _STATE_KEY, request_error)
        return body

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=request_data,
            )
        except HTTPException as exc:
            if isinstance(exc.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, exc.reason) from exc
            raise

    def parse_json(self, data: str | bytes) -> Any:
        try:
            value = super().parse_json(data)
        except (ValueError, RecursionError) as exc:  # not UTF-8, a number too long to convert, too deep
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        if not isinstance(value, (dict, list)):
            raise HTTPException(400, "Expected a JSON object.")
        if _holds_a_lone_surrogate(value):
            raise HTTPException(400, "Unable to parse request body as JSON: a string escapes an unpaired surrogate.")
        return value

    async def parse_http_body(self, request: Any) -> Any:
        try:
            data = await super().parse_http_body(request)
        except HTTPException as exc:
            if exc.reason == _UNSUPPORTED_CONTENT_TYPE:
                raise HTTPException(exc.status_code, self._what_to_send(request.content_type)) from exc
            raise
        if isinstance(data, GraphQLRequestData) and not isinstance(data.operation_name, (str, type(None))):
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null, if provided.")
        return data

    def _what_to_send(self, content_type: str | None) -> str:
        """Strawberry's refusal of a body it cannot read, saying what it reads: JSON (and multipart
        uploads when they are on), or a GET with the query in the URL."""
        accepted = f"`Content-Type: {APPLICATION_JSON}`" + (
            " (or `multipart/form-data` for uploads)" if self.multipart_uploads_enabled else ""
        )
        sent = repr(content_type[:64]) if content_type else "none"
        return (
            f"Unsupported content type {sent}: POST the operation as JSON with {accepted}, a body like "
            '{"query": "...", "variables": {...}}; or send a query with GET, its `query`, `variables` and '
            "`operationName` in the URL."
        )


def _holds_a_lone_surrogate(value: object) -> bool:
    """Whether a parsed JSON value holds a string with an unpaired surrogate (JSON may escape one, as
    `\\ud800`; it is no Unicode character, graphql-core refuses it in a document, and neither
    the upstream request nor a response quoting it could be encoded as UTF-8)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _refusal(request: Request, exc: HTTPException) -> Response:
    """Strawberry's refusal as a GraphQL-shaped JSON error (BAD_USER_INPUT, `gateway.edge.refusals`), with
    the `Allow` header a 405 must carry."""
    response = request_error_response(exc.status_code, exc.reason)
    if exc.status_code == 405:
        response.headers["allow"] = "POST" if request.method == "GET" else "GET, POST"
    return response
