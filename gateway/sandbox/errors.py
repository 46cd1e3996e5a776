"""The upstream's error bodies, and the exception a handler raises to answer with one.

Most errors use the standard envelope `{success: false, error, error_info, data: null,
additional_data: null}` (REFERENCE §6.1). Two documented variants differ: 401 is
`{success: false, error: "unauthorized access", errorCode: 401}` and the users 404 is only
`{success, error}`. The 429 text is UNCONFIRMED upstream; the standard envelope is used.

v2 differs in two bodies: a 400 is `{success: false, error, code: "ERR_BAD_REQUEST"}` (the one
reported v2 400, REFERENCE §5.3; that it never carries `error_info`, `data` or
`additional_data` is UNCONFIRMED), and a 404 is SPEC-v2's `{success: false, error: "Entity was
not found", error_info: "Object was not found.", data: null, additional_data: null}`.
"""

from http import HTTPStatus
from typing import Any

JSONObject = dict[str, Any]

DEFAULT_ERROR_INFO = "Please check developers.pipedrive.com"
NOT_FOUND_INFO = "Object was not found."


def error_envelope(error: str, error_info: str = DEFAULT_ERROR_INFO) -> JSONObject:
    """The standard error body."""
    return {
        "success": False,
        "error": error,
        "error_info": error_info,
        "data": None,
        "additional_data": None,
    }


def status_envelope(status: int) -> JSONObject:
    """A standard error body whose message is the status' reason phrase."""
    return error_envelope(HTTPStatus(status).phrase)


class ApiError(Exception):
    """An answer other than success: a status, a body and any extra headers."""

    def __init__(self, status: int, body: JSONObject, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body.get('error')}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def bad_request(message: str) -> ApiError:
    """400 with the standard envelope."""
    return ApiError(400, error_envelope(message))


def not_found(entity: str) -> ApiError:
    """404 for an id that does not exist or belongs to another company (the two look the same)."""
    return ApiError(404, error_envelope(f"{entity} not found", NOT_FOUND_INFO))


def v2_bad_request(message: str) -> ApiError:
    """400 with the v2 body."""
    return ApiError(400, {"success": False, "error": message, "code": "ERR_BAD_REQUEST"})


def v2_not_found() -> ApiError:
    """SPEC-v2's 404 for an id that does not exist, is another company's or is deleted."""
    return ApiError(404, error_envelope("Entity was not found", NOT_FOUND_INFO))


def user_not_found() -> ApiError:
    """The documented 404 of `GET /v1/users/{id}`, which has only two keys."""
    return ApiError(404, {"success": False, "error": "User not found or not accessible."})


def unauthorized() -> ApiError:
    """The documented 401 body (note the camelCase `errorCode`)."""
    return ApiError(401, {"success": False, "error": "unauthorized access", "errorCode": 401})


def forbidden() -> ApiError:
    """The documented 403 of `/v1/activities/collection` for users without global admin rights."""
    return ApiError(403, error_envelope("You do not have permissions to do this."))


def gone(replaced_by: str) -> ApiError:
    """410 of a retired v1 endpoint (the text is UNCONFIRMED; the standard envelope is used)."""
    message = f"This endpoint has been removed: API v1 activity endpoints are no longer available. Use {replaced_by}."
    return ApiError(410, error_envelope(message, "See the API v2 migration guide on developers.pipedrive.com"))


def rate_limited(retry_after: int) -> ApiError:
    """429 with the standard envelope and a Retry-After in whole seconds."""
    body = error_envelope("Rate limit exceeded")
    return ApiError(429, body, {"Retry-After": str(retry_after)})
