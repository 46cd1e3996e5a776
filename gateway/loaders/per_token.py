"""One upstream answer per token, shared across requests for a while: asked at most once per request,
and kept in an app-scoped cache keyed by the credentials' key (never the token itself), so nothing
fetched with one token is served to another. On a miss the cache's second tier, if it has one (Redis,
shared by several instances), is asked before the upstream."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from gateway.upstream import PipedriveClient

from .cache import TokenCache

T = TypeVar("T")


class PerToken(Generic[T]):
    def __init__(
        self,
        client: Callable[[], PipedriveClient],
        cache: TokenCache[T],
        fetch: Callable[[PipedriveClient], Awaitable[T]],
    ) -> None:
        self._client = client
        self._cache = cache
        self._fetch = fetch
        self._pending: asyncio.Task[T] | None = None

    async def get(self) -> T:
        client = self._client()
        cached = self._cache.get(client.credentials.key)
        if cached is not None:
            return cached
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._fetch_and_keep(client))
        return await self._pending

    def release(self) -> None:
        self._pending = None

    async def _fetch_and_keep(self, client: PipedriveClient) -> T:
        key = client.credentials.key
        value = await self._cache.load(key)
        if value is None:
            value = await self._fetch(client)
            self._cache.put(key, value)
        return value
