"""Pipedrive's webhooks, both ways: the registrations (`/v1/webhooks`) and the activity deliveries.

Registrations are records like any other upstream object (`WebhookRecord`, parsed by its `Shape`; the
HTTP Basic password the upstream echoes is never kept). A delivery is a v2 payload (REFERENCE §8:
`{meta, data, previous}`), parsed and checked here, at the boundary, into an `ActivityWebhook`: what
happened (`create`, `change`, `delete`) to which activity of which company, when, by whose hand, the
owners it concerns, and the fields a change touched (under the records' names, from `previous`).

Anything else is refused with `WebhookPayloadError`, whose text says why (it never quotes the body):
JSON that is not an object, a v1 payload (`v: 1`, `current`, `event`: the gateway registers version
2.0 only), a `meta` lacking its delivery id, company, entity id, action or timestamp, or an activity
whose `data.id` contradicts `meta.entity_id`. A well-formed v2 delivery about another entity (a deal,
a person) is not an error: `parse_webhook` returns an `OtherWebhook` for it, which the receiver
acknowledges and ignores.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from .activities import V2_ACTIVITY
from .converters import Expander, to_bool, to_datetime, to_int, to_str, to_text
from .record import Record, Shape

Action = Literal["create", "change", "delete"]
ACTIONS: tuple[Action, ...] = get_args(Action)
MAX_DELIVERY_ID = 128
"""The longest `meta.id` taken (a UUID is 36 characters): anything longer is not Pipedrive's."""


# --- registrations ---------------------------------------------------------------------------------


class WebhookRecord(Record):
    """One webhook of the company (`GET`/`POST /v1/webhooks`); the password is deliberately absent."""

    company_id: int | None
    owner_id: int | None
    user_id: int | None
    event_action: str | None
    event_object: str | None
    subscription_url: str | None
    version: str | None
    is_active: bool | None
    http_auth_user: str | None
    name: str | None
    add_time: dt.datetime | None
    last_delivery_time: dt.datetime | None
    last_http_status: int | None

    def delivers_activities_to(self, url: str, user: str | None) -> bool:
        """Whether this is the gateway's own webhook: every activity event, as v2 payloads, to `url`
        with the Basic user `user`."""
        return (
            self.subscription_url == url
            and self.event_object in ("activity", "*")
            and self.event_action == "*"
            and self.version == "2.0"
            and self.is_active is not False
            and self.http_auth_user == user
        )


_WEBHOOK = Shape(
    WebhookRecord,
    {
        "id": to_int,
        "company_id": to_int,
        "owner_id": to_int,
        "user_id": to_int,
        "event_action": to_str,
        "event_object": to_str,
        "subscription_url": to_str,
        "version": to_str,
        "is_active": to_bool,
        "http_auth_user": to_text,
        "name": to_str,
        "add_time": to_datetime,
        "last_delivery_time": to_datetime,
        "last_http_status": to_int,
    },
)
parse_webhook_record = _WEBHOOK.parse


@dataclass(frozen=True, slots=True)
class WebhookRegistration:
    """What `POST /v1/webhooks` is asked to create: all activity events, v2 payloads, Basic auth."""

    subscription_url: str
    http_auth_user: str
    http_auth_password: str = field(repr=False)
    name: str = "activities-gateway live updates"

    def body(self) -> dict[str, Any]:
        return {
            "subscription_url": self.subscription_url,
            "event_action": "*",
            "event_object": "activity",
            "name": self.name,
            "http_auth_user": self.http_auth_user,
            "http_auth_password": self.http_auth_password,
            "version": "2.0",
        }


# --- deliveries ------------------------------------------------------------------------------------


class WebhookPayloadError(ValueError):
    """The body is not a Pipedrive v2 webhook delivery; the text says why, never quoting it."""


@dataclass(frozen=True, slots=True)
class ActivityWebhook:
    """One activity change as Pipedrive delivered it."""

    delivery_id: str
    """`meta.id`: the delivery's identity, kept by Pipedrive's retries."""
    action: Action
    activity_id: int
    company_id: int
    occurred_at: dt.datetime
    user_id: int | None
    """`meta.user_id`: who made the change."""
    owner_ids: frozenset[int]
    """The activity's owner now and before (`data`/`previous` `owner_id`): both, when it changed hands."""
    changed: frozenset[str]
    """On `change`: the record fields (`ActivityRecord` names) `previous` says changed; else empty."""
    attempt: int | None = None


@dataclass(frozen=True, slots=True)
class OtherWebhook:
    """A well-formed v2 delivery about another kind of object: acknowledged, not published."""

    delivery_id: str
    entity: str


def parse_webhook(body: bytes) -> ActivityWebhook | OtherWebhook:
    """The delivery in `body`; `WebhookPayloadError` when it is not a v2 Pipedrive webhook."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise WebhookPayloadError("the body is not JSON") from exc
    if not isinstance(payload, dict):
        raise WebhookPayloadError("the body is not a JSON object")
    if "current" in payload or "event" in payload or payload.get("v") == 1:
        raise WebhookPayloadError("a webhook v1 payload: register the webhook with version 2.0")
    meta = payload.get("meta")
    if not isinstance(meta, dict):
        raise WebhookPayloadError("`meta` must be an object")
    delivery_id = _delivery_id(meta)
    entity = _text(meta, "entity")
    if entity != "activity":
        return OtherWebhook(delivery_id, entity)
    return _activity_webhook(payload, meta, delivery_id)


def _activity_webhook(payload: Mapping[str, Any], meta: Mapping[str, Any], delivery_id: str) -> ActivityWebhook:
    action = _text(meta, "action")
    if action not in ACTIONS:
        raise WebhookPayloadError(f"meta.action must be one of {', '.join(ACTIONS)}")
    data = _object(payload, "data", required=action != "delete")
    previous = _object(payload, "previous", required=action == "change")
    activity_id = _number(meta, "entity_id")
    if data is not None and "id" in data and _number(data, "id", where="data") != activity_id:
        raise WebhookPayloadError("data.id differs from meta.entity_id")
    return ActivityWebhook(
        delivery_id=delivery_id,
        action=action,
        activity_id=activity_id,
        company_id=_number(meta, "company_id"),
        occurred_at=_timestamp(meta),
        user_id=_number(meta, "user_id") if meta.get("user_id") is not None else None,
        owner_ids=frozenset(o for o in (_owner(data), _owner(previous)) if o is not None),
        changed=changed_fields(previous, data or {}) if action == "change" and previous else frozenset(),
        attempt=_attempt(meta),
    )


def changed_fields(previous: Mapping[str, Any], current: Mapping[str, Any]) -> frozenset[str]:
    """The `ActivityRecord` fields behind the keys of `previous` (the v2 activity's names, mapped as
    `V2_ACTIVITY` maps them: `owner_id` is `user_id` and `assigned_to_user_id`, `busy` `busy_flag`,
    `is_deleted` `active_flag`, `location` the location and those of its parts that differ). Keys that
    are no activity field (`custom_fields`, `priority`) are left out."""
    names: set[str] = set()
    for key, old in previous.items():
        expand = V2_ACTIVITY.expanders.get(key)
        if expand is None:
            name = V2_ACTIVITY.renames.get(key, key)
            if name in V2_ACTIVITY.fields and name != "id":
                names.add(name)
            continue
        names |= _expanded_changes(expand, old, current.get(key))
    return frozenset(names)


def _expanded_changes(expand: Expander, old: Any, new: Any) -> set[str]:
    try:
        before, after = expand(old), expand(new)
    except (TypeError, ValueError):  # a hybrid value (webhook payloads are their own shape): all its fields
        return set(expand.produces)
    differing = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    return differing or set(before)


def _object(payload: Mapping[str, Any], key: str, *, required: bool) -> dict[str, Any] | None:
    value = payload.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise WebhookPayloadError(f"`{key}` must be an object")
    return value


def _text(meta: Mapping[str, Any], key: str) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value:
        raise WebhookPayloadError(f"meta.{key} is missing")
    return value


def _delivery_id(meta: Mapping[str, Any]) -> str:
    value = _text(meta, "id")
    if len(value) > MAX_DELIVERY_ID or not value.isprintable():
        raise WebhookPayloadError("meta.id is not a delivery id")
    return value


def _number(source: Mapping[str, Any], key: str, *, where: str = "meta") -> int:
    """An id Pipedrive writes as a string of digits (or a number)."""
    value = source.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise WebhookPayloadError(f"{where}.{key} must be a numeric id")
    return int(value)


def _timestamp(meta: Mapping[str, Any]) -> dt.datetime:
    try:
        moment = to_datetime(_text(meta, "timestamp"))
    except ValueError as exc:
        raise WebhookPayloadError("meta.timestamp is not an RFC 3339 time") from exc
    assert moment is not None
    return moment


def _attempt(meta: Mapping[str, Any]) -> int | None:
    value = meta.get("attempt")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _owner(values: Mapping[str, Any] | None) -> int | None:
    """The owner of a v2 object (`owner_id`; the hybrid webhook shape may say `user_id`)."""
    if not values:
        return None
    try:
        return to_int(values["owner_id"] if "owner_id" in values else values.get("user_id"))
    except (TypeError, ValueError):
        return None


__all__ = [
    "ActivityWebhook",
    "OtherWebhook",
    "WebhookPayloadError",
    "WebhookRecord",
    "WebhookRegistration",
    "changed_fields",
    "parse_webhook",
    "parse_webhook_record",
]
