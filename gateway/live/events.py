"""What travels from the webhook receiver to subscribers: `ActivityEvent`, and what a subscriber asks
for: `EventFilter`.

An event carries what routing and the event's own fields need (company, action, activity id, owners,
changed fields, time) and nothing of the activity itself: each subscriber reads that with its own
token. It round-trips through JSON (`to_json`/`from_json`) for brokers that leave the process.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from gateway.upstream.webhooks import ACTIONS, Action, ActivityWebhook


@dataclass(frozen=True, slots=True)
class ActivityEvent:
    delivery_id: str
    action: Action
    activity_id: int
    company_id: int
    occurred_at: dt.datetime
    user_id: int | None
    owner_ids: frozenset[int]
    changed: frozenset[str]
    """The `ActivityRecord` fields an update changed (empty for create and delete)."""

    @classmethod
    def from_webhook(cls, webhook: ActivityWebhook) -> ActivityEvent:
        return cls(
            delivery_id=webhook.delivery_id,
            action=webhook.action,
            activity_id=webhook.activity_id,
            company_id=webhook.company_id,
            occurred_at=webhook.occurred_at,
            user_id=webhook.user_id,
            owner_ids=webhook.owner_ids,
            changed=webhook.changed,
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "delivery_id": self.delivery_id,
                "action": self.action,
                "activity_id": self.activity_id,
                "company_id": self.company_id,
                "occurred_at": self.occurred_at.isoformat(),
                "user_id": self.user_id,
                "owner_ids": sorted(self.owner_ids),
                "changed": sorted(self.changed),
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> ActivityEvent:
        raw: dict[str, Any] = json.loads(text)
        action = raw["action"]
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        return cls(
            delivery_id=str(raw["delivery_id"]),
            action=action,
            activity_id=int(raw["activity_id"]),
            company_id=int(raw["company_id"]),
            occurred_at=dt.datetime.fromisoformat(raw["occurred_at"]),
            user_id=None if raw["user_id"] is None else int(raw["user_id"]),
            owner_ids=frozenset(int(o) for o in raw["owner_ids"]),
            changed=frozenset(str(c) for c in raw["changed"]),
        )


@dataclass(frozen=True, slots=True)
class EventFilter:
    """A subscription's arguments: which actions (None: all), whose activities (None: anyone's)."""

    actions: frozenset[Action] | None = None
    owner_id: int | None = None

    def matches(self, event: ActivityEvent) -> bool:
        if self.actions is not None and event.action not in self.actions:
            return False
        return self.owner_id is None or self.owner_id in event.owner_ids
