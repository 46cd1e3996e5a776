"""Webhooks (REFERENCE §8; SPEC-v1-now `/webhooks`): `GET /v1/webhooks` (cost 10), `POST /v1/webhooks`
(cost 10, 201), `DELETE /v1/webhooks/{id}` (cost 6).

A webhook belongs to the caller's company and acts as a user (`user_id`, default the caller). Regular
users create and delete only their own, admins any of the company's (403 otherwise, SPEC's `{success,
message: "Forbidden"}`). A user may have at most 40 (the guide's limit; the status, 422, is DOC-status'
"webhooks limit reached", its body UNCONFIRMED: the standard envelope). `GET` lists every webhook of the
company. Bodies are checked as SPEC-v1-now says: `subscription_url` (an http(s) URL), `event_action`
(create, change, delete, *), `event_object` (its enum), `name` (required, at most 255 characters)
required; `version` "1.0" or "2.0" (default "2.0"); a 400 is SPEC's `{status: "error", success: false,
errors: {field: [message]}}`, and so is the 404 of an unknown id. The password is stored and echoed as
the spec's schema shows (UNCONFIRMED whether Pipedrive masks it).

What registered webhooks receive, and when, is `webhook_delivery`'s.
"""

from typing import Any
from urllib.parse import urlsplit

from starlette.routing import Route

from gateway.sandbox import params
from gateway.sandbox.endpoint import Api, Call, JSONObject, Reply
from gateway.sandbox.errors import ApiError, error_envelope
from gateway.sandbox.store import Record
from gateway.sandbox.timefmt import to_rfc3339, utc_now

COSTS = {"list": 10, "add": 10, "delete": 6}
MAX_PER_USER = 40
EVENT_ACTIONS = ("create", "change", "delete", "*")
EVENT_OBJECTS = (
    "activity",
    "deal",
    "lead",
    "note",
    "organization",
    "person",
    "pipeline",
    "product",
    "stage",
    "user",
    "*",
)
VERSIONS = ("1.0", "2.0")


def webhook_routes(api: Api) -> list[Route]:
    return [
        api.route("/api/v1/webhooks", list_webhooks, method="GET", cost=COSTS["list"]),
        api.route("/api/v1/webhooks", add_webhook, method="POST", cost=COSTS["add"]),
        api.route("/api/v1/webhooks/{id}", delete_webhook, method="DELETE", cost=COSTS["delete"]),
    ]


async def list_webhooks(call: Call) -> Reply:
    return Reply(
        {"status": "ok", "success": True, "data": [_shaped(row) for row in call.store.webhooks.all(call.company_id)]}
    )


async def add_webhook(call: Call) -> Reply:
    body = await call.json_object()
    values = _checked(call, body)
    if call.store.webhooks.count_for_user(call.company_id, values["user_id"]) >= MAX_PER_USER:
        raise ApiError(422, error_envelope(f"The limit of {MAX_PER_USER} webhooks per user has been reached."))
    webhook_id = call.store.webhooks.insert(values)
    row = call.store.webhooks.get(call.company_id, webhook_id)
    assert row is not None
    return Reply({"status": "ok", "success": True, "data": _shaped(row)}, 201)


async def delete_webhook(call: Call) -> Reply:
    webhook_id = params.entity_id(call.path_param("id"))
    row = call.store.webhooks.get(call.company_id, webhook_id)
    if row is None:
        raise _invalid("id", "Webhook not found", status=404)
    if row["user_id"] != call.caller.user_id and not call.caller.is_admin:
        raise ApiError(403, {"success": False, "message": "Forbidden"})
    call.store.webhooks.delete(call.company_id, webhook_id)
    return Reply({"status": "ok", "success": True})


def _checked(call: Call, body: JSONObject) -> Record:
    url = _required_text(body, "subscription_url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid("subscription_url", "invalid or non-reachable URL")
    action = _choice(body, "event_action", EVENT_ACTIONS)
    entity = _choice(body, "event_object", EVENT_OBJECTS)
    name = _required_text(body, "name")
    if len(name) > 255:
        raise _invalid("name", "must be at most 255 characters")
    version = body.get("version", "2.0")
    if version not in VERSIONS:
        raise _invalid("version", "must be 1.0 or 2.0")
    return {
        "company_id": call.company_id,
        "owner_id": call.caller.user_id,
        "user_id": _user(call, body.get("user_id")),
        "event_action": action,
        "event_object": entity,
        "subscription_url": url,
        "version": version,
        "name": name,
        "http_auth_user": _optional_text(body, "http_auth_user"),
        "http_auth_password": _optional_text(body, "http_auth_password"),
        "add_time": utc_now(),
    }


def _user(call: Call, raw: Any) -> int:
    if raw is None:
        return call.caller.user_id
    if isinstance(raw, bool) or not isinstance(raw, int) or call.store.entities.user(call.company_id, raw) is None:
        raise _invalid("user_id", "not a user of the company")
    if raw != call.caller.user_id and not call.caller.is_admin:
        raise ApiError(403, {"success": False, "message": "Forbidden"})
    return raw


def _required_text(body: JSONObject, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _invalid(key, "is required")
    return value.strip()


def _optional_text(body: JSONObject, key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(key, "must be a string")
    return value


def _choice(body: JSONObject, key: str, allowed: tuple[str, ...]) -> str:
    value = body.get(key)
    if value not in allowed:
        raise _invalid(key, f"must be one of {', '.join(allowed)}")
    return str(value)


def _invalid(field: str, message: str, *, status: int = 400) -> ApiError:
    return ApiError(status, {"status": "error", "success": False, "errors": {field: [message]}})


def _shaped(row: Record) -> JSONObject:
    return {
        "id": row["id"],
        "company_id": row["company_id"],
        "owner_id": row["owner_id"],
        "user_id": row["user_id"],
        "event_action": row["event_action"],
        "event_object": row["event_object"],
        "subscription_url": row["subscription_url"],
        "version": row["version"],
        "is_active": 1,
        "add_time": _iso(row["add_time"]),
        "remove_time": None,
        "type": "general",
        "http_auth_user": row["http_auth_user"],
        "http_auth_password": row["http_auth_password"],
        "remove_reason": None,
        "last_delivery_time": _iso(row["last_delivery_time"]),
        "last_http_status": row["last_http_status"],
        "admin_id": row["owner_id"],
        "name": row["name"],
    }


def _iso(v1_timestamp: str | None) -> str | None:
    stamp = to_rfc3339(v1_timestamp)
    return None if stamp is None else stamp.replace("Z", ".000Z")
