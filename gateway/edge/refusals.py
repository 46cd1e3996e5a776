"""GraphQL-shaped answers to HTTP requests refused before any operation runs (`gateway.edge.body_limit`'s
413, `gateway.edge.admission`'s 503): `errors` with `extensions.code` (BAD_USER_INPUT unless said), and
the cost report `extensions.upstream` (nothing was spent), so a GraphQL client can read the refusal like
any other response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

from gateway.errors import BAD_USER_INPUT
from gateway.upstream import CallLedger


def request_error_body(
    message: str, *, code: str = BAD_USER_INPUT, extensions: Mapping[str, object] | None = None
) -> dict[str, Any]:
    """A GraphQL response holding one request-level error and an empty cost report."""
    return {
        "errors": [{"message": message, "extensions": {"code": code, **(extensions or {})}}],
        "extensions": {"upstream": CallLedger().as_extension()},
    }


def request_error_response(
    status: int,
    message: str,
    *,
    code: str = BAD_USER_INPUT,
    extensions: Mapping[str, object] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = request_error_body(message, code=code, extensions=extensions)
    return JSONResponse(body, status_code=status, headers=headers)


__all__ = ["request_error_body", "request_error_response"]
