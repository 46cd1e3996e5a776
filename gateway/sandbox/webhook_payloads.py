"""The bodies the sandbox delivers to webhooks, written from REFERENCE §8.

v2 (a webhook registered with version "2.0", the default): `{meta, data, previous}`. `meta` has
`action` (create, change, delete), `entity` "activity", `entity_id`, `company_id`, `user_id` (who made
the change) and `webhook_id`/`webhook_owner_id` as strings, `id` (a UUID: the delivery's identity, the
same for each attempt), `correlation_id` (one per API call), `is_bulk_edit`, `timestamp` (RFC 3339 with
milliseconds), `type` "general", `version` "2.0", `change_source` "api", `attempt` (1-4) and `host`.
`data` is the activity now (the v2 object, attendees included; null on delete); `previous` is null on
create, only the fields that changed on change (their earlier values), and the whole object on delete.

v1 (version "1.0"): `{v: 1, matches_filters, meta, retry, current, previous, event}` with the v1
activity objects, `meta.action` added/updated/deleted, epoch-second timestamps and `retry` 0-3.

UNCONFIRMED choices: `update_time` is left out of a change's `previous` (it changes with every change:
`meta.timestamp` says when); the activity `data` is exactly the REST v2 object (Pipedrive's examples
show a hybrid with some v1 names); each webhook's delivery gets its own `meta.id`.
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from gateway.sandbox import shapes_v1, shapes_v2
from gateway.sandbox.store import Record

Action = Literal["create", "change", "delete"]
V1_ACTIONS = {"create": "added", "change": "updated", "delete": "deleted"}
NOT_IN_PREVIOUS = frozenset({"update_time"})
JSONObject = dict[str, Any]


@dataclass(frozen=True)
class ActivityChange:
    """One change to one activity, as the API call that made it left it (rows read at write time)."""

    action: Action
    company_id: int
    user_id: int
    before: Record | None
    after: Record | None
    host: str
    correlation_id: str
    bulk: bool = False
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def activity_id(self) -> int:
        row = self.after if self.after is not None else self.before
        assert row is not None
        return int(row["id"])


def body(change: ActivityChange, webhook: Record, delivery_id: str, attempt: int) -> bytes:
    """The JSON body of one attempt (1-4) of delivering `change` to `webhook`."""
    payload = (
        _v1(change, webhook, attempt) if webhook["version"] == "1.0" else _v2(change, webhook, delivery_id, attempt)
    )
    return json.dumps(payload).encode()


def new_delivery_id() -> str:
    return str(uuid.uuid4())


def _v2(change: ActivityChange, webhook: Record, delivery_id: str, attempt: int) -> JSONObject:
    after = shapes_v2.activity(change.after, attendees=True) if change.after is not None else None
    before = shapes_v2.activity(change.before, attendees=True) if change.before is not None else None
    return {
        "meta": {
            "action": change.action,
            "entity": "activity",
            "entity_id": str(change.activity_id),
            "id": delivery_id,
            "company_id": str(change.company_id),
            "user_id": str(change.user_id),
            "correlation_id": change.correlation_id,
            "is_bulk_edit": change.bulk,
            "timestamp": change.at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "type": "general",
            "version": "2.0",
            "webhook_id": str(webhook["id"]),
            "webhook_owner_id": str(webhook["owner_id"]),
            "change_source": "api",
            "attempt": attempt,
            "host": change.host,
        },
        "data": None if change.action == "delete" else after,
        "previous": _previous(change.action, before, after),
    }


def _previous(action: Action, before: JSONObject | None, after: JSONObject | None) -> JSONObject | None:
    if action == "create" or before is None:
        return None
    if action == "delete" or after is None:
        return before
    return {key: value for key, value in before.items() if key not in NOT_IN_PREVIOUS and after.get(key) != value}


def _v1(change: ActivityChange, webhook: Record, attempt: int) -> JSONObject:
    action = V1_ACTIONS[change.action]
    stamp = change.at.timestamp()
    return {
        "v": 1,
        "matches_filters": {"current": []},
        "meta": {
            "v": 1,
            "action": action,
            "object": "activity",
            "id": change.activity_id,
            "company_id": change.company_id,
            "user_id": change.user_id,
            "host": change.host,
            "timestamp": int(stamp),
            "timestamp_micro": int(stamp * 1_000_000),
            "permitted_user_ids": [],
            "trans_pending": False,
            "is_bulk_update": change.bulk,
            "pipedrive_service_name": False,
            "matches_filters": {"current": []},
            "webhook_id": str(webhook["id"]),
            "change_source": "api",
        },
        "retry": attempt - 1,
        "current": shapes_v1.activity(change.after) if change.after is not None and change.action != "delete" else None,
        "previous": shapes_v1.activity(change.before) if change.before is not None else None,
        "event": f"{action}.activity",
    }
