"""A per-token cache with Redis behind it: what one instance fetched, the others find.

Lookups go to the instance's own `TTLCache` first, as without Redis: a hit costs nothing more. On a
miss, `load` asks Redis, once for all the requests that miss together (`GET` and `PTTL` of
`{prefix}:{name}:{token key}`); a value found there is kept locally for the time it has left in Redis, so
it expires everywhere when it would have where it was fetched. A value fetched from the upstream is kept
locally and written to Redis in the background with the cache's lifetime (`PX`). So that instances that
miss at the same moment (a cold start under load) fetch once, the first claims the fetch
(`SET {key}:fetching NX PX 5000`) and the others wait up to a second for its value. While Redis is away the
local cache is all there is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
from redis.asyncio import Redis

from gateway.loaders.cache import TTLCache
from gateway.upstream.activities import ActivityTypeRecord, parse_activity_type

from .link import RedisAway, RedisLink

T = TypeVar("T")

CLAIM_MS = 5_000
"""How long an instance fetching a value keeps the others waiting for it, at most (a failed fetch)."""
CLAIM_POLL_S = 0.05
CLAIM_WAITS = 20
"""The others look for the value this many times, `CLAIM_POLL_S` apart, then fetch it themselves."""


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How a cached value travels through Redis; `decode` raises ValueError on what it cannot read."""

    encode: Callable[[T], bytes]
    decode: Callable[[bytes], T]


def _encode_records(records: list[ActivityTypeRecord]) -> bytes:
    return orjson.dumps([record.values() for record in records])  # datetimes as RFC 3339


def _decode_records(data: bytes) -> list[ActivityTypeRecord]:
    items: Any = orjson.loads(data)
    if not isinstance(items, list) or not all(isinstance(item, dict) and "id" in item for item in items):
        raise ValueError("not a list of activity types")
    try:
        return [parse_activity_type(item) for item in items]
    except (TypeError, KeyError) as exc:
        raise ValueError(f"not a list of activity types ({exc})") from None


ACTIVITY_TYPES: Codec[list[ActivityTypeRecord]] = Codec(_encode_records, _decode_records)


class SharedTTLCache(Generic[T]):
    """A `TokenCache` over `local`, with Redis as its second tier under the name `name`."""

    def __init__(
        self,
        name: str,
        local: TTLCache[T],
        link: RedisLink,
        codec: Codec[T],
        on_lookup: Callable[[bool], None] = lambda hit: None,
    ) -> None:
        self._name = name
        self._local = local
        self._link = link
        self._codec = codec
        self._on_lookup = on_lookup
        self._loading: dict[str, asyncio.Future[T | None]] = {}

    def get(self, key: str) -> T | None:
        return self._local.get(key)

    def put(self, key: str, value: T, ttl: float | None = None) -> None:
        self._local.put(key, value, ttl)
        redis_key = self._link.keys.cached(self._name, key)
        milliseconds = max(1, round((ttl if ttl is not None else self._local.ttl) * 1000))
        data = self._codec.encode(value)
        self._link.spawn(lambda redis: redis.set(redis_key, data, px=milliseconds))

    async def load(self, key: str) -> T | None:
        """One read of Redis per key at a time: the requests that miss together (a cold start under load)
        wait for the same answer."""
        loading = self._loading.get(key)
        if loading is None:
            loading = asyncio.ensure_future(self._read(key))
            self._loading[key] = loading
            loading.add_done_callback(lambda _: self._loading.pop(key, None))
        return await asyncio.shield(loading)

    async def _read(self, key: str) -> T | None:
        """The value in Redis; else, when another instance is fetching it (it holds the claim), that value
        once written, waited for a little; else None: this instance fetches (and holds the claim)."""
        value = await self._held(key)
        if value is not None or await self._claim(key):
            self._on_lookup(value is not None)
            return value
        for _ in range(CLAIM_WAITS):
            await asyncio.sleep(CLAIM_POLL_S)
            value = await self._held(key)
            if value is not None:
                break
        self._on_lookup(value is not None)
        return value

    async def _held(self, key: str) -> T | None:
        """What Redis holds for `key`, kept locally for the time it has left there (None: nothing)."""
        redis_key = self._link.keys.cached(self._name, key)

        async def read(redis: Redis) -> tuple[bytes | None, int]:
            async with redis.pipeline(transaction=False) as pipe:
                pipe.get(redis_key)
                pipe.pttl(redis_key)
                data, milliseconds = await pipe.execute()
            return data, milliseconds

        try:
            data, milliseconds = await self._link.run(read)
        except RedisAway:
            return None
        value = self._decoded(data) if milliseconds > 0 else None
        if value is not None:
            self._local.put(key, value, milliseconds / 1000)
        return value

    async def _claim(self, key: str) -> bool:
        """Whether this instance is the one to fetch `key` now (true too when Redis cannot say)."""
        claim = self._link.keys.cached(self._name, key) + ":fetching"
        try:
            return bool(await self._link.run(lambda redis: redis.set(claim, b"1", nx=True, px=CLAIM_MS)))
        except RedisAway:
            return True

    def clear(self) -> None:
        self._local.clear()

    def _decoded(self, data: bytes | None) -> T | None:
        if data is None:
            return None
        try:
            return self._codec.decode(data)
        except ValueError:
            return None  # written by another version of the gateway, or damaged: fetched anew
