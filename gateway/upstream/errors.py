"""The upstream error tree: every way a call to the REST API can fail, and nothing else.

    UpstreamError
    ├── UpstreamHTTPError            the upstream answered with an error status
    │   ├── UpstreamUnauthorized     401
    │   ├── UpstreamForbidden        403
    │   ├── UpstreamNotFound         404
    │   ├── UpstreamGone             410: the endpoint is retired (Pipedrive's v1 activity endpoints)
    │   ├── UpstreamRejected         400 / 422: the upstream refused the input
    │   ├── UpstreamRateLimited      429 (retry_after in seconds when sent)
    │   └── UpstreamServerError      5xx and any other unexpected status
    ├── UpstreamTimeout              no answer in time
    ├── UpstreamUnreachable          the connection failed (sent says whether the request may have arrived)
    ├── UpstreamBadResponse          an answer that is not the documented JSON envelope
    └── UpstreamUnsendable           a request that cannot be put on the wire (a value too long for a URL):
        │                            nothing was sent
        └── OperationAnswered        the GraphQL operation it was for is answered already: nothing was sent

`message` says where it happened (`GET /v1/activities/{id}: upstream answered 400`) and is meant for
logs; `upstream_message` is the upstream's own words (its envelope's `error`), kept apart so that
`gateway.errors` can decide how much of them a client sees. Neither ever contains a token or a URL.
"""

from __future__ import annotations


class UpstreamError(Exception):
    """Base of every upstream failure."""

    earlier_attempt_may_have_acted = False
    """Set on the failure of a retried call when an earlier attempt may have reached the upstream and
    acted, its answer lost (a timeout, a dropped connection, a 5xx): a DELETE retried after one finds
    nothing to delete, and must not report its own earlier success as "not found"."""

    def __init__(self, message: str, *, endpoint: str = "", upstream_message: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint
        self.upstream_message = upstream_message


class UpstreamHTTPError(UpstreamError):
    status: int = 0

    def __init__(
        self, message: str, *, endpoint: str = "", status: int | None = None, upstream_message: str | None = None
    ) -> None:
        super().__init__(message, endpoint=endpoint, upstream_message=upstream_message)
        if status is not None:
            self.status = status


class UpstreamUnauthorized(UpstreamHTTPError):
    status = 401


class UpstreamForbidden(UpstreamHTTPError):
    status = 403


class UpstreamNotFound(UpstreamHTTPError):
    status = 404


class UpstreamGone(UpstreamHTTPError):
    """The endpoint is permanently gone; the upstream did nothing with the request."""

    status = 410


class UpstreamRejected(UpstreamHTTPError):
    status = 400


class UpstreamRateLimited(UpstreamHTTPError):
    status = 429

    def __init__(
        self, message: str, *, endpoint: str = "", retry_after: float | None = None, upstream_message: str | None = None
    ) -> None:
        super().__init__(message, endpoint=endpoint, upstream_message=upstream_message)
        self.retry_after = retry_after


class UpstreamServerError(UpstreamHTTPError):
    status = 500


class UpstreamTimeout(UpstreamError):
    pass


class UpstreamUnreachable(UpstreamError):
    def __init__(self, message: str, *, endpoint: str = "", sent: bool) -> None:
        super().__init__(message, endpoint=endpoint)
        self.sent = sent


class UpstreamBadResponse(UpstreamError):
    pass


class UpstreamUnsendable(UpstreamError):
    pass


class OperationAnswered(UpstreamUnsendable):
    """A call for an operation that is answered already: a batch its cancelled resolver scheduled
    (graphql-core cancels the resolvers still waiting when a sibling's error nulls the data). Sent,
    it would spend budget that no cost report counts, for an answer nobody reads."""


_BY_STATUS: dict[int, type[UpstreamHTTPError]] = {
    400: UpstreamRejected,
    401: UpstreamUnauthorized,
    403: UpstreamForbidden,
    404: UpstreamNotFound,
    410: UpstreamGone,
    422: UpstreamRejected,
}


def error_for_status(
    status: int, message: str, *, endpoint: str, retry_after: float | None, upstream_message: str | None
) -> UpstreamError:
    """The error class for an upstream error status."""
    if status == 429:
        return UpstreamRateLimited(
            message, endpoint=endpoint, retry_after=retry_after, upstream_message=upstream_message
        )
    cls = _BY_STATUS.get(status, UpstreamServerError)
    return cls(message, endpoint=endpoint, status=status, upstream_message=upstream_message)


def was_sent(error: UpstreamError) -> bool:
    """Whether the request had left the gateway when it failed: only a failed connection (refused,
    connect or pool timeout) means it had not."""
    return not isinstance(error, UpstreamUnreachable) or error.sent


def may_have_acted(error: UpstreamError) -> bool:
    """Whether the upstream may have acted on the attempt that failed with `error`: all but a 429 (it
    did nothing) and a request that was never sent."""
    return was_sent(error) and not isinstance(error, UpstreamRateLimited)
