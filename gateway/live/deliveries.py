"""The memory of webhook deliveries already published, so that Pipedrive's retries (the same `meta.id`,
up to three more attempts) publish an event once.

Bounded both ways: an id is remembered for `ttl` seconds (Pipedrive's retries come within minutes), and
at most `max_entries` ids are kept (the oldest go first). Async, so that a memory shared by several
instances (Redis `SET NX EX`) can take its place.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

DEFAULT_TTL_SECONDS = 3600.0
DEFAULT_MAX_ENTRIES = 20_000


class DeliveryMemory(Protocol):
    async def first_time(self, delivery_id: str) -> bool:
        """True, and remembered from now on, when `delivery_id` was not seen within the memory's reach."""
        ...

    async def forget(self, delivery_id: str) -> None:
        """Forget `delivery_id` (its publication failed: a retry must get through)."""
        ...


class SeenDeliveries:
    """Delivery ids seen in this process, each for `ttl` seconds, at most `max_entries` of them."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()  # insertion order is expiry order

    def __len__(self) -> int:
        return len(self._expiry)

    async def first_time(self, delivery_id: str) -> bool:
        now = self._clock()
        self._expire(now)
        if delivery_id in self._expiry:
            return False
        self._expiry[delivery_id] = now + self._ttl
        if len(self._expiry) > self._max_entries:
            self._expiry.popitem(last=False)
        return True

    async def forget(self, delivery_id: str) -> None:
        self._expiry.pop(delivery_id, None)

    def _expire(self, now: float) -> None:
        while self._expiry:
            oldest, expires = next(iter(self._expiry.items()))
            if expires > now:
                return
            del self._expiry[oldest]
