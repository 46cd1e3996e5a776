"""The per-request store of one kind of linked object: summaries primed from upstream answers,
complete records fetched in batch.

A v1 answer's `related_objects` names the users, persons, organizations and deals its activities
link to, each with a few fields. `prime` keeps them, so a page with linked names costs no extra call;
`complete` fills a field a summary lacks from the complete record, fetched in batch by the subclass
(`fetch_complete`): one call for all records of a page that need it, never a null read as a value.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Generic, TypeVar

from gateway.upstream.record import Record

R = TypeVar("R", bound=Record)


class LinkedRecords(Generic[R]):
    """Records of one kind seen or fetched during one request, with one token."""

    def __init__(self, fetch_complete: Callable[[int], Awaitable[R | None]]) -> None:
        self._fetch_complete = fetch_complete
        self._known: dict[int, R] = {}
        self._unread: list[Mapping[int, R]] = []
        """Summaries primed but not read yet (`Summaries` parse on read), oldest first."""

    def prime(self, records: Iterable[R]) -> None:
        """Records an upstream answer already carried; a newer summary's fields win."""
        for record in records:
            self._remember(record)

    def prime_summaries(self, summaries: Mapping[int, R]) -> None:
        """An answer's summaries, read (parsed) only when a query asks for one of them."""
        for record_id in self._known.keys() & summaries.keys():  # already read: merge now
            self._remember(summaries[record_id])
        self._unread.append(summaries)

    def known(self, record_id: int) -> R | None:
        """The record if this request has already seen it (no upstream call)."""
        known = self._known.get(record_id)
        if known is None and self._unread:
            for summaries in self._unread:
                if record_id in summaries:
                    known = self._remember(summaries[record_id])
        return known

    def release(self) -> None:
        self._known.clear()
        self._unread.clear()

    def _remember(self, record: R) -> R:
        known = self._known.get(record.id)
        merged = self._known[record.id] = record if known is None else record.completed_by(known)
        return merged

    async def load(self, record_id: int) -> R | None:
        """The record as known (possibly a summary), else fetched; None when the upstream has none."""
        known = self.known(record_id)
        return known if known is not None else await self._fetch_complete(record_id)

    async def complete(self, record: R, name: str) -> R:
        """`record` (or what is known of it) completed so that it carries `name` if the upstream has it."""
        known = self.known(record.id) or record
        if known.has(name):
            return known
        complete = await self._fetch_complete(record.id)
        if complete is None:  # gone or no longer visible: nothing better to say than what we had
            return known
        merged = known.completed_by(complete)
        self._known[record.id] = merged
        return merged
