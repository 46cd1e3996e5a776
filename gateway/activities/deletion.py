"""What a bulk delete did, id by id, and how a retried DELETE tells "already deleted" from "unknown" on v1."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from gateway.upstream import UpstreamError
from gateway.upstream.activities import ActivityAnswer


@dataclass(slots=True)
class Deletion:
    deleted: set[int] = field(default_factory=set)
    failed: dict[int, UpstreamError] = field(default_factory=dict)
    """Ids whose delete failed upstream (after the allowed retries), with the failure."""

    def fail(self, ids: Iterable[int], error: UpstreamError) -> None:
        for activity_id in ids:
            self.failed[activity_id] = error


async def soft_deleted(activity_id: int, get: Callable[[int], Awaitable[ActivityAnswer | None]]) -> bool:
    """Whether `activity_id` is still there, marked deleted (v1's GET shows a soft-deleted activity).

    Asked only after a DELETE retried when an earlier attempt may have acted (a 5xx, a lost connection)
    found nothing to delete: the activity may be gone by that earlier attempt, or never have existed.
    """
    found = await get(activity_id)
    return found is not None and found.activity.active_flag is False
