"""Persons, organizations and deals: primed from `related_objects`, otherwise batched through the
v2 `?ids=` endpoints (at most 100 ids a call, one call for all the ids a query level asks for).

The v2 objects are the complete records here: every field the schema exposes for these types is one
a v2 object carries, so a summary lacking a field is completed by the same batch. Ids the upstream
does not return (unknown, deleted, not visible to the token) are null.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from aiodataloader import DataLoader

from gateway.upstream.client import MAX_IDS_PER_V2_CALL

from .linked import LinkedRecords, R

BatchFetch = Callable[[Sequence[int]], Awaitable[list[R]]]


class EntityLoader(LinkedRecords[R]):
    """One kind of entity for one request: known summaries, and a v2 batch loader for the rest."""

    def __init__(self, fetch_batch: BatchFetch[R]) -> None:
        self._fetch_batch = fetch_batch
        self.batch: DataLoader[int, R | None] = DataLoader(self._load_batch, max_batch_size=MAX_IDS_PER_V2_CALL)
        super().__init__(self.batch.load)

    def release(self) -> None:
        super().release()
        self.batch.clear_all()

    async def _load_batch(self, ids: list[int]) -> list[R | None]:
        found = {record.id: record for record in await self._fetch_batch(ids)}
        return [found.get(i) for i in ids]
