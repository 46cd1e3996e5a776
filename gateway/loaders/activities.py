"""Activity lookups by id: batched through v2 `?ids=` (100 a call), completed from v1 when needed.

`/v1/activities/collection` items and v2 objects each lack some v1 fields. A field a record lacks is
completed from the batched v2 loader when v2 carries it, otherwise from `GET /v1/activities/{id}`
(the only v1 source of the legacy calendar-sync and denormalised fields; de-duplicated per request).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiodataloader import DataLoader

from gateway.upstream import PipedriveClient
from gateway.upstream.activities import ActivityRecord, parse_v2_activity
from gateway.upstream.client import MAX_IDS_PER_V2_CALL

from .observer import LoaderObserver

# The v1 fields a v2 activity object carries (with include_fields=attendees).
V2_FIELDS = frozenset(
    parse_v2_activity(
        {
            "id": 0,
            "owner_id": 0,
            "creator_user_id": 0,
            "busy": None,
            "is_deleted": False,
            "subject": "",
            "type": "",
            "done": False,
            "due_date": None,
            "due_time": None,
            "duration": None,
            "add_time": None,
            "update_time": None,
            "marked_as_done_time": None,
            "deal_id": None,
            "lead_id": None,
            "person_id": None,
            "org_id": None,
            "project_id": None,
            "location": None,
            "participants": [],
            "attendees": [],
            "conference_meeting_client": None,
            "conference_meeting_url": None,
            "conference_meeting_id": None,
            "public_description": None,
            "note": None,
        }
    ).present
)


class ActivityLoaders:
    """The per-request activity loaders of one token."""

    def __init__(self, client: Callable[[], PipedriveClient], observer: LoaderObserver) -> None:
        self._client = client
        self._observer = observer
        self.by_id: DataLoader[int, ActivityRecord | None] = DataLoader(
            self._load_by_ids, max_batch_size=MAX_IDS_PER_V2_CALL
        )
        self.detail: DataLoader[int, ActivityRecord | None] = DataLoader(self._load_details)

    async def _load_by_ids(self, ids: list[int]) -> list[ActivityRecord | None]:
        self._observer.on_batch("activities_by_id", len(ids))
        if len(ids) == 1:
            return [await self._load_one(ids[0])]
        found = {record.id: record for record in await self._client().activities_by_ids(ids)}
        return [found.get(i) for i in ids]

    async def _load_one(self, activity_id: int) -> ActivityRecord | None:
        """A batch of one: `GET /v1/activities/{id}` costs 2 tokens where a v2 list costs 10, and
        carries every v1 field. A soft-deleted activity is null here, as the v2 list leaves it out."""
        answer = await self._client().get_activity(activity_id)
        if answer is None or answer[0].active_flag is False:
            return None
        self.detail.clear(activity_id).prime(activity_id, answer[0])
        return answer[0]

    async def _load_details(self, ids: list[int]) -> list[ActivityRecord | None]:
        self._observer.on_batch("activity_details", len(ids))
        client = self._client()
        answers = await asyncio.gather(*(client.get_activity(i) for i in ids))
        return [answer[0] if answer else None for answer in answers]

    def remember(self, record: ActivityRecord) -> None:
        """Data already in hand: a full v1 record answers later lookups of the same id."""
        if V2_FIELDS <= record.present:
            self.by_id.clear(record.id).prime(record.id, record)

    def forget(self, activity_id: int) -> None:
        """After a write: nothing cached for this id may be served again in this request."""
        self.by_id.clear(activity_id)
        self.detail.clear(activity_id)

    async def complete(self, record: ActivityRecord, name: str) -> ActivityRecord:
        """`record` completed so that it carries field `name` (or as much as the upstream has)."""
        if name in V2_FIELDS:
            fetched = await self.by_id.load(record.id)
            if fetched is not None and fetched is not record:
                record = record.completed_by(fetched)
        if name not in record.present:
            fetched = await self.detail.load(record.id)
            if fetched is not None:
                record = record.completed_by(fetched)
        return record
