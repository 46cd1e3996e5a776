"""The Pipedrive REST client: one method per endpoint the gateway uses, typed results.

A `PipedriveClient` is bound to one request's credentials and cost ledger; it is cheap to build. The
shared machinery (pooled connections, retries, in-flight sharing) lives in `UpstreamTransport`.
Each method sends calls of the endpoints named in `endpoints` and parses the answer at the boundary
into typed records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import endpoints as ep
from .activities import (
    ActivityAnswer,
    ActivityRecord,
    ActivityTypeRecord,
    CursorPage,
    OffsetPage,
    parse_activity_type,
    parse_v1_activity,
    parse_v2_activity,
)
from .credentials import Credentials
from .endpoints import Call, Endpoint, Json
from .entities import (
    DealRecord,
    Me,
    OrganizationRecord,
    PersonRecord,
    UserRecord,
    parse_me,
    parse_related_objects,
    parse_user,
    parse_v2_deal,
    parse_v2_organization,
    parse_v2_person,
)
from .errors import UpstreamNotFound
from .ledger import CallLedger
from .transport import UpstreamTransport
from .webhooks import WebhookRecord, WebhookRegistration, parse_webhook_record

MAX_LIST_LIMIT = 500
"""The most items one page of an upstream activity list holds (v1 and v2 alike)."""
MAX_IDS_PER_V2_CALL = 100
MAX_IDS_PER_BULK_DELETE = 100


@dataclass(frozen=True, slots=True)
class ActivityListQuery:
    """Filters of `GET /v1/activities`; None means "not sent"."""

    user_id: int | None = None
    filter_id: int | None = None
    types: Sequence[str] | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    done: bool | None = None

    def params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.user_id is not None:
            params["user_id"] = str(self.user_id)
        if self.filter_id is not None:
            params["filter_id"] = str(self.filter_id)
        if self.types:
            params["type"] = ",".join(self.types)
        if self.start_date is not None:
            params["start_date"] = self.start_date.isoformat()
        if self.end_date is not None:
            params["end_date"] = self.end_date.isoformat()
        if self.done is not None:
            params["done"] = "1" if self.done else "0"
        return params


@dataclass(frozen=True, slots=True)
class CollectionQuery:
    """Filters of `GET /v1/activities/collection`; None means "not sent"."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    user_id: int | None = None
    types: Sequence[str] | None = None
    done: bool | None = None

    def params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.since is not None:
            params["since"] = _v1_timestamp(self.since)
        if self.until is not None:
            params["until"] = _v1_timestamp(self.until)
        if self.user_id is not None:
            params["user_id"] = str(self.user_id)
        if self.types:
            params["type"] = ",".join(self.types)
        if self.done is not None:
            params["done"] = "true" if self.done else "false"
        return params


def _v1_timestamp(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S")


class PipedriveClient:
    """The REST API as seen with one set of credentials, charging one ledger."""

    def __init__(self, transport: UpstreamTransport, credentials: Credentials, ledger: CallLedger) -> None:
        self._transport = transport
        self.credentials = credentials
        self.ledger = ledger

    async def _send(self, call: Call) -> Json:
        return await self._transport.send(call, self.credentials, self.ledger)

    # --- activities: reads ------------------------------------------------------------------------

    async def list_activities(self, query: ActivityListQuery, *, start: int, limit: int) -> OffsetPage:
        params = query.params() | {"start": str(start), "limit": str(limit)}
        body = await self._send(ep.ACTIVITIES.call(params=params))
        pagination = (body.get("additional_data") or {}).get("pagination") or {}
        return OffsetPage(
            items=[parse_v1_activity(item) for item in body.get("data") or ()],
            start=int(pagination.get("start", start)),
            more_items=bool(pagination.get("more_items_in_collection", False)),
            related=parse_related_objects(body.get("related_objects")),
        )

    async def activities_collection(self, query: CollectionQuery, *, cursor: str | None, limit: int) -> CursorPage:
        params = query.params() | {"limit": str(limit)}
        if cursor is not None:
            params["cursor"] = cursor
        body = await self._send(ep.ACTIVITIES_COLLECTION.call(params=params))
        return CursorPage(
            items=[parse_v1_activity(item) for item in body.get("data") or ()],
            next_cursor=(body.get("additional_data") or {}).get("next_cursor"),
        )

    async def get_activity(self, activity_id: int) -> ActivityAnswer | None:
        """The full v1 activity and its `related_objects`, or None when it does not exist."""
        try:
            body = await self._send(ep.ACTIVITY.call(id=activity_id))
        except UpstreamNotFound:
            return None
        data = body.get("data")
        if not data:
            return None
        return ActivityAnswer(parse_v1_activity(data), parse_related_objects(body.get("related_objects")))

    async def activities_by_ids(self, ids: Sequence[int]) -> list[ActivityRecord]:
        """Up to 100 activities through v2 `?ids=`; unknown ids are simply absent."""
        items = await self._by_ids(ep.ACTIVITIES_BY_IDS, ids, include_fields="attendees")
        return [parse_v2_activity(item) for item in items]

    # --- activities, v2 -------------------------------------------------------------------------------

    async def list_activities_v2(self, params: Mapping[str, str]) -> CursorPage:
        """One page of `GET /api/v2/activities` (params as the upstream names them)."""
        body = await self._send(ep.ACTIVITIES_V2.call(params=params))
        return CursorPage(
            items=[parse_v2_activity(item) for item in body.get("data") or ()],
            next_cursor=(body.get("additional_data") or {}).get("next_cursor"),
        )

    async def get_activity_v2(self, activity_id: int) -> ActivityRecord | None:
        try:
            body = await self._send(ep.ACTIVITY_V2.call(id=activity_id, params={"include_fields": "attendees"}))
        except UpstreamNotFound:
            return None
        data = body.get("data")
        return parse_v2_activity(data) if data else None

    async def add_activity_v2(self, body: Json) -> ActivityAnswer:
        answer = await self._send(ep.ADD_ACTIVITY_V2.call(body=body))
        return ActivityAnswer(parse_v2_activity(answer["data"]))

    async def update_activity_v2(self, activity_id: int, body: Json) -> ActivityAnswer:
        answer = await self._send(ep.UPDATE_ACTIVITY_V2.call(id=activity_id, body=body))
        return ActivityAnswer(parse_v2_activity(answer["data"]))

    async def delete_activity_v2(self, activity_id: int) -> int:
        answer = await self._send(ep.DELETE_ACTIVITY_V2.call(id=activity_id))
        return int((answer.get("data") or {}).get("id", activity_id))

    # --- activities: writes ------------------------------------------------------------------------

    async def add_activity(self, body: Json) -> ActivityAnswer:
        answer = await self._send(ep.ADD_ACTIVITY.call(body=body))
        return _write_result(answer)

    async def update_activity(self, activity_id: int, body: Json) -> ActivityAnswer:
        answer = await self._send(ep.UPDATE_ACTIVITY.call(id=activity_id, body=body))
        return _write_result(answer)

    async def delete_activity(self, activity_id: int) -> int:
        answer = await self._send(ep.DELETE_ACTIVITY.call(id=activity_id))
        return int((answer.get("data") or {}).get("id", activity_id))

    async def delete_activities(self, ids: Sequence[int]) -> list[int]:
        """Bulk soft delete; returns the ids the upstream reports deleted."""
        params = {"ids": ",".join(str(i) for i in ids)}
        answer = await self._send(ep.DELETE_ACTIVITIES.call(params=params))
        deleted = (answer.get("data") or {}).get("id") or []
        return [int(i) for i in (deleted if isinstance(deleted, list) else [deleted])]

    # --- lookups ----------------------------------------------------------------------------------

    async def activity_types(self) -> list[ActivityTypeRecord]:
        body = await self._send(ep.ACTIVITY_TYPES.call())
        return [parse_activity_type(item) for item in body.get("data") or ()]

    async def me(self) -> Me:
        """The token's own user and company (`GET /v1/users/me`)."""
        return parse_me((await self._send(ep.USERS_ME.call()))["data"])

    async def users(self) -> list[UserRecord]:
        """Every user of the company (no paging upstream)."""
        body = await self._send(ep.USERS.call())
        return [parse_user(item) for item in body.get("data") or () if isinstance(item, Mapping)]

    async def persons_by_ids(self, ids: Sequence[int]) -> list[PersonRecord]:
        """Up to 100 persons through v2 `?ids=`; unknown or invisible ids are simply absent."""
        return [parse_v2_person(item) for item in await self._by_ids(ep.PERSONS_BY_IDS, ids)]

    async def organizations_by_ids(self, ids: Sequence[int]) -> list[OrganizationRecord]:
        return [parse_v2_organization(item) for item in await self._by_ids(ep.ORGANIZATIONS_BY_IDS, ids)]

    async def deals_by_ids(self, ids: Sequence[int]) -> list[DealRecord]:
        return [parse_v2_deal(item) for item in await self._by_ids(ep.DEALS_BY_IDS, ids)]

    # --- webhooks ---------------------------------------------------------------------------------

    async def webhooks(self) -> list[WebhookRecord]:
        """Every webhook of the company (`GET /v1/webhooks`)."""
        body = await self._send(ep.WEBHOOKS.call())
        return [parse_webhook_record(item) for item in body.get("data") or () if isinstance(item, Mapping)]

    async def add_webhook(self, registration: WebhookRegistration) -> WebhookRecord:
        return parse_webhook_record((await self._send(ep.ADD_WEBHOOK.call(body=registration.body())))["data"])

    async def delete_webhook(self, webhook_id: int) -> None:
        await self._send(ep.DELETE_WEBHOOK.call(id=webhook_id))

    async def _by_ids(self, endpoint: Endpoint, ids: Sequence[int], **extra: str) -> list[Json]:
        """Up to 100 objects through a v2 `?ids=` list; unknown or invisible ids are simply absent."""
        if not ids:
            return []
        if len(ids) > MAX_IDS_PER_V2_CALL:
            raise ValueError(f"at most {MAX_IDS_PER_V2_CALL} ids per v2 call, got {len(ids)}")
        params = {"ids": ",".join(str(i) for i in ids), "limit": str(MAX_IDS_PER_V2_CALL), **extra}
        body = await self._send(endpoint.call(params=params))
        return [dict(item) for item in body.get("data") or () if isinstance(item, Mapping)]


def _write_result(answer: Json) -> ActivityAnswer:
    additional: Mapping[str, Any] = answer.get("additional_data") or {}
    more = additional.get("more_activities_scheduled_in_context")
    return ActivityAnswer(
        activity=parse_v1_activity(answer["data"]),
        related=parse_related_objects(answer.get("related_objects")),
        more_activities_scheduled_in_context=None if more is None else bool(more),
    )
