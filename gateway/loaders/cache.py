"""A small time-bounded cache shared across requests, keyed by credentials so nothing crosses tokens.

`TokenCache` is what the per-token loaders use: `get` answers from memory; `load`, asked on a miss before
the upstream is, is where a second tier (Redis, shared by several instances: `gateway.shared.cache`)
answers. `TTLCache` is the in-process cache, with no second tier.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")

DEFAULT_MAX_ENTRIES = 1024


class TokenCache(Protocol[T]):
    def get(self, key: str) -> T | None: ...

    def put(self, key: str, value: T) -> None: ...

    async def load(self, key: str) -> T | None:
        """After a miss: the value a second tier holds (kept by `get` from now on), else None."""
        ...

    def clear(self) -> None: ...


class TTLCache(Generic[T]):
    """Values expire `ttl` seconds after they were stored; the oldest entry goes when full."""

    def __init__(
        self,
        ttl: float,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[float, T]] = {}

    def get(self, key: str) -> T | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self._clock() >= expires:
            del self._entries[key]
            return None
        return value

    @property
    def ttl(self) -> float:
        return self._ttl

    def put(self, key: str, value: T, ttl: float | None = None) -> None:
        """Keep `value` for `ttl` seconds (the cache's own lifetime when None)."""
        if key not in self._entries and len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (self._clock() + (self._ttl if ttl is None else ttl), value)

    async def load(self, key: str) -> T | None:
        return None  # no second tier

    def clear(self) -> None:
        self._entries.clear()
