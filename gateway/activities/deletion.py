"""What a bulk delete did, id by id, and how a retried DELETE tells "already deleted" from "unknown"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from gateway.upstream import PipedriveClient, UpstreamError
from gateway.upstream.activities import ActivityAnswer


@dataclass(slots=True)
class Deletion:
    deleted: set[int] = field(default_factory=set)
    failed: dict[int, UpstreamError] = field(default_factory=dict)
    """Ids whose delete failed upstream (after the allowed retries), with the failure."""

    def fail(self, ids: Iterable[int], error: UpstreamError) -> None:
        for activity_id in ids:
            self.failed[activity_id] = error


async def deleted_by_an_earlier_attempt(
    client: PipedriveClient,
    activity_id: int,
    calls_before: int,
    get: Callable[[int], Awaitable[ActivityAnswer | None]],
) -> bool:
    """Whether a DELETE answered "not found" had in fact deleted `activity_id` on an earlier attempt.

    A DELETE is retried after a 5xx or a lost connection, when the upstream may already have acted;
    the retry then finds nothing to delete. Only in that case (more than one attempt) is the activity
    looked up: a soft-deleted one is still there, marked deleted.
    """
    if client.ledger.calls - calls_before <= 1:
        return False
    found = await get(activity_id)
    return found is not None and found.activity.active_flag is False
