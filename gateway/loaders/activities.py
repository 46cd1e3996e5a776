"""Activity lookups by id: batched through v2 `?ids=` (100 a call), one alone through a single GET.

`/v1/activities/collection` items and v2 objects each lack some v1 fields. A field a record lacks is
completed from the batched v2 loader when v2 carries it; the company from the token's own user (every
activity a token reads is its company's); any other field from the version's fullest source of one
activity (`GET /v1/activities/{id}` on v1, de-duplicated per request; on v2 nothing carries them, and
they stay null).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiodataloader import DataLoader

from gateway.activities import Activities
from gateway.upstream import PipedriveClient
from gateway.upstream.activities import V2_FIELDS, ActivityRecord
from gateway.upstream.client import MAX_IDS_PER_V2_CALL
from gateway.upstream.entities import RelatedObjects

from .observer import LoaderObserver


class ByIdLoader(DataLoader[int, ActivityRecord | None]):
    """The batched lookup by id, answering first from the records in hand (a page's rows, a write's
    answer). A record in hand becomes the loader's cached answer only when its id is looked up: a page of
    100 costs a dict entry a row, not a future."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_hand: dict[int, ActivityRecord] = {}

    def remember(self, record: ActivityRecord) -> None:
        self.clear(record.id)
        self._in_hand[record.id] = record

    def load(self, key: int) -> asyncio.Future[ActivityRecord | None]:
        known = self._in_hand.pop(key, None)
        if known is not None and V2_FIELDS <= known.present:  # else a lookup would lack fields it promises
            self.prime(key, known)
        return super().load(key)

    def clear(self, key: int) -> ByIdLoader:
        self._in_hand.pop(key, None)
        return super().clear(key)

    def clear_all(self) -> ByIdLoader:
        self._in_hand.clear()
        return super().clear_all()


class ActivityLoaders:
    """The per-request activity loaders of one token."""

    def __init__(
        self,
        client: Callable[[], PipedriveClient],
        api: Activities,
        observer: LoaderObserver,
        on_related: Callable[[RelatedObjects], None],
    ) -> None:
        self._client = client
        self._api = api
        self._observer = observer
        self._on_related = on_related
        self.by_id = ByIdLoader(self._load_by_ids, max_batch_size=MAX_IDS_PER_V2_CALL)
        self.detail: DataLoader[int, ActivityRecord | None] = DataLoader(self._load_details)

    async def _load_by_ids(self, ids: list[int]) -> list[ActivityRecord | None]:
        self._observer.on_batch("activities_by_id", len(ids))
        if len(ids) == 1:
            return [await self._load_one(ids[0])]
        found = {record.id: record for record in await self._client().activities_by_ids(ids)}
        return [found.get(i) for i in ids]

    async def _load_one(self, activity_id: int) -> ActivityRecord | None:
        """A batch of one: a single GET (v1: 2 tokens where a v2 list costs 10, and every v1 field; v2: 1
        token). A soft-deleted activity is null here, as the v2 list leaves it out."""
        answer = await self._api.get(activity_id)
        if answer is None or answer.activity.active_flag is False:
            return None
        self._on_related(answer.related)
        self.detail.clear(activity_id).prime(activity_id, answer.activity)
        return answer.activity

    async def _load_details(self, ids: list[int]) -> list[ActivityRecord | None]:
        self._observer.on_batch("activity_details", len(ids))
        return list(await asyncio.gather(*(self._api.detail(i) for i in ids)))

    def remember(self, record: ActivityRecord) -> None:
        """Data already in hand: a record carrying every v2 field answers later lookups of the same id."""
        self.by_id.remember(record)

    def release(self) -> None:
        self.by_id.clear_all()
        self.detail.clear_all()

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
        if not record.has(name):
            fetched = await self.detail.load(record.id)
            if fetched is not None:
                record = record.completed_by(fetched)
        return record
