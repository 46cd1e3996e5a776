"""GraphQL-facing errors and the one rule that maps every failure to an `extensions.code`.

Resolvers raise `GatewayError`s (bad input, no token) or let `UpstreamError`s through;
`ErrorMapping`, a Strawberry extension, turns each error of a result into its coded form at the end of
the operation. Anything unexpected is masked as INTERNAL_SERVER_ERROR for the client and logged in
full (the log carries the request id; tokens never reach exception texts).
"""

from __future__ import annotations

import logging
import math

from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import MaskErrors
from strawberry.relay.types import GlobalIDValueError

from gateway.upstream.errors import (
    UpstreamBadResponse,
    UpstreamError,
    UpstreamForbidden,
    UpstreamGone,
    UpstreamHTTPError,
    UpstreamNotFound,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnauthorized,
    UpstreamUnreachable,
    UpstreamUnsendable,
)

logger = logging.getLogger("gateway.errors")

BAD_USER_INPUT = "BAD_USER_INPUT"
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
RATE_LIMITED = "RATE_LIMITED"
UPSTREAM_ERROR = "UPSTREAM_ERROR"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
OVERLOADED = "OVERLOADED"
"""The request waited too long for its turn to run (`gateway.edge.admission`): HTTP 503, nothing executed."""
INTERNAL_MESSAGE = "Internal server error."
LIMIT = "limit"
"""The `extensions` key of a rejection by a query cap (`gateway.engine.limits`): which cap."""
GONE_MESSAGE = (
    "The upstream has retired this endpoint (410 Gone): run the gateway with --api-version auto or v2 "
    "(PIPEDRIVE_API_VERSION) to use Pipedrive's API v2."
)
FORBIDDEN_MESSAGE = "The upstream does not allow this for the token's user (403)."
MAX_UPSTREAM_TEXT = 200
"""The most characters of the upstream's own words a client is shown."""


class GatewayError(Exception):
    """An expected failure with a client-facing message and code."""

    code: str = INTERNAL_SERVER_ERROR

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class BadUserInput(GatewayError):
    code = BAD_USER_INPUT


class Unauthenticated(GatewayError):
    code = UNAUTHENTICATED


class Forbidden(GatewayError):
    """What the upstream would refuse with a 403, decided by the gateway where the upstream does not."""

    code = FORBIDDEN


def upstream_text(error: UpstreamError) -> str:
    """What of an upstream failure's text may reach a client: the upstream's own message (its envelope's
    `error`), on one line and at most `MAX_UPSTREAM_TEXT` characters; never the method, the endpoint or
    a URL, which are the gateway's internals and belong in the logs."""
    words = " ".join((error.upstream_message or "").split())
    if not words:
        return "no reason given"
    return words if len(words) <= MAX_UPSTREAM_TEXT else words[: MAX_UPSTREAM_TEXT - 1] + "…"


def code_for_upstream(error: UpstreamError) -> tuple[str, str, dict[str, object]]:
    """(code, client message, extra extensions) for an upstream failure."""
    if isinstance(error, UpstreamUnauthorized):
        return UNAUTHENTICATED, "The upstream refused the token (401).", {}
    if isinstance(error, UpstreamForbidden):
        return FORBIDDEN, FORBIDDEN_MESSAGE, {}
    if isinstance(error, UpstreamRateLimited):
        retry_after = math.ceil(error.retry_after) if error.retry_after is not None else None
        return RATE_LIMITED, "The upstream's rate limit was reached; try again later.", {"retryAfter": retry_after}
    if isinstance(error, UpstreamRejected):
        return BAD_USER_INPUT, f"The upstream rejected the request: {upstream_text(error)}", {}
    if isinstance(error, UpstreamUnsendable):
        return BAD_USER_INPUT, "A value is too long (or not text) to be sent to the upstream.", {}
    if isinstance(error, UpstreamNotFound):
        return UPSTREAM_ERROR, "The upstream could not find a resource it was asked for.", {}
    if isinstance(error, UpstreamGone):
        return UPSTREAM_ERROR, GONE_MESSAGE, {}
    if isinstance(error, UpstreamTimeout):
        return UPSTREAM_ERROR, "The upstream did not answer in time.", {}
    if isinstance(error, UpstreamUnreachable):
        return UPSTREAM_ERROR, "The upstream could not be reached.", {}
    if isinstance(error, UpstreamBadResponse):
        return UPSTREAM_ERROR, "The upstream sent an answer that could not be read.", {}
    status = error.status if isinstance(error, UpstreamHTTPError) else None
    return UPSTREAM_ERROR, f"The upstream failed{f' ({status})' if status else ''}.", {}


def _coded(error: GraphQLError, code: str, message: str, extra: dict[str, object] | None = None) -> GraphQLError:
    extensions = {**(error.extensions or {}), **(extra or {}), "code": code}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def map_error(error: GraphQLError, request_id: str | None = None) -> GraphQLError:
    """The client-facing, coded form of one error of a result; `request_id` goes into the logs."""
    original = error.original_error
    if isinstance(original, GatewayError):
        return _coded(error, original.code, original.message, dict(original.extensions))
    if isinstance(original, UpstreamError):
        code, message, extra = code_for_upstream(original)
        logger.warning("upstream failure at %s: %s", _where(error), original.message, extra={"request_id": request_id})
        return _coded(error, code, message, extra)
    if isinstance(original, GlobalIDValueError):
        return _coded(error, BAD_USER_INPUT, "Malformed id: not a global id of this API.")
    if isinstance(original, StrawberryInputCoercionError):  # a scalar refused a variable's value
        return _coded(error, BAD_USER_INPUT, error.message)
    if error.path is None and (original is None or isinstance(original, GraphQLError)):
        return _request_error(error)  # parse, validation and variable coercion: the request itself is wrong
    if original is None and error.extensions and "code" in error.extensions:
        return error
    _log_unexpected(error, request_id)
    return _coded(error, INTERNAL_SERVER_ERROR, INTERNAL_MESSAGE, {"requestId": request_id} if request_id else None)


def _request_error(error: GraphQLError) -> GraphQLError:
    if error.extensions and "code" in error.extensions:
        return error
    if error.extensions and LIMIT in error.extensions:  # over a query cap: parsed or not, it is refused
        return _coded(error, BAD_USER_INPUT, error.message)
    code = GRAPHQL_PARSE_FAILED if error.message.startswith("Syntax Error") else BAD_USER_INPUT
    return _coded(error, code, error.message)


def _where(error: GraphQLError) -> str:
    return ".".join(map(str, error.path or ())) or "<operation>"


def _log_unexpected(error: GraphQLError, request_id: str | None) -> None:
    original = error.original_error
    logger.error(
        "unexpected error at %s: %s",
        _where(error),
        error.message if original is None else type(original).__name__,
        exc_info=(type(original), original, original.__traceback__) if original else None,
        extra={"request_id": request_id},
    )


class ErrorMapping(MaskErrors):
    """Strawberry's masking extension, taught the gateway's codes: every error leaves coded."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda _error: True, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return map_error(error, getattr(self.execution_context.context, "request_id", None) or None)
