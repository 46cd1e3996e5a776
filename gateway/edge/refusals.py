"""GraphQL-shaped answers to HTTP requests refused before any operation runs (`gateway.edge.body_limit`'s
413): `errors` with `extensions.code` BAD_USER_INPUT, and the cost report `extensions.upstream`
(nothing was spent), so a GraphQL client can read the refusal like any other response.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from gateway.errors import BAD_USER_INPUT
from gateway.upstream import CallLedger


def request_error_body(message: str, **extensions: object) -> dict[str, Any]:
    """A GraphQL response holding one request-level error and an empty cost report."""
    return {
        "errors": [{"message": message, "extensions": {"code": BAD_USER_INPUT, **extensions}}],
        "extensions": {"upstream": CallLedger().as_extension()},
    }


def request_error_response(status: int, message: str, **extensions: object) -> JSONResponse:
    return JSONResponse(request_error_body(message, **extensions), status_code=status)


__all__ = ["request_error_body", "request_error_response"]
