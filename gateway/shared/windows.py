"""Spent rate-limit windows, shared: once one instance learns that a token's window is spent (a 429
with `Retry-After`, or `x-ratelimit-remaining: 0`), no instance sends with that token until it resets.

Nothing is asked of Redis on the way to the upstream. Each instance keeps a mirror of the spent windows
it knows of (`Windows`, on its own monotonic clock); a window it learns itself is written to Redis
(`{prefix}:ratelimit:{token key}`, expiring when the window does) and announced on the
`{prefix}:ratelimit` channel as `{token key} {milliseconds left}`, which every instance adds to its
mirror as it arrives. On each connection an instance reads the windows still open (their keys' PTTL):
those announced while it was away. Durations travel, never clock readings, so the instances' clocks
need not agree. What is not shared is `remaining` while it is above zero: counting every call across
instances would cost a round trip per call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from redis.asyncio import Redis

from gateway.upstream import Credentials
from gateway.upstream.ratelimit import Windows

from .link import RedisLink

logger = logging.getLogger("gateway.redis")

MAX_RESYNC_KEYS = 10_000


class SharedWindows:
    """`SpentWindows` for several instances (see the module's docstring)."""

    def __init__(self, link: RedisLink, clock: Callable[[], float] = time.monotonic) -> None:
        self._link = link
        self._windows = Windows(clock)
        link.on_channel(link.keys.spent_windows, self._announced)
        link.on_connect(self._resync)

    def ends(self, credentials: Credentials) -> float | None:
        if not self._windows:
            return None  # the usual case: no window spent anywhere, no key to compute
        return self._windows.ends(self._link.keys.token(credentials.key))

    def spend(self, credentials: Credentials, seconds: float) -> None:
        token = self._link.keys.token(credentials.key)
        if not self._windows.spend(token, seconds):
            return  # known already: announced when it was learnt
        key, channel = self._link.keys.spent_window(token), self._link.keys.spent_windows
        milliseconds = max(1, round(seconds * 1000))

        async def announce(redis: Redis) -> None:
            async with redis.pipeline(transaction=False) as pipe:
                pipe.set(key, b"", px=milliseconds)
                pipe.publish(channel, f"{token} {milliseconds}")
                await pipe.execute()

        self._link.spawn(announce)

    async def _announced(self, channel: str, data: bytes) -> None:
        token, _, milliseconds = data.decode(errors="replace").partition(" ")
        if token and milliseconds.isdigit():
            self._windows.spend(token, int(milliseconds) / 1000)

    async def _resync(self, redis: Redis) -> None:
        stem = self._link.keys.spent_window("")
        seen = 0
        async for key in redis.scan_iter(match=stem + "*", count=500):
            milliseconds = await redis.pttl(key)
            if milliseconds > 0:
                self._windows.spend(key.decode(errors="replace")[len(stem) :], milliseconds / 1000)
            seen += 1
            if seen >= MAX_RESYNC_KEYS:
                return
