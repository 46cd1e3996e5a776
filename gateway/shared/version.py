"""The `auto` API version, shared: when one instance meets the 410 that retires v1, every instance
sharing its Redis and its upstream moves to v2 without meeting it.

The instance that moves writes `{prefix}:api-version:{upstream key}` (no expiry: the upstream does not
bring v1 back) and announces it on `{prefix}:api-version`; the others move as the announcement arrives,
and an instance that connects later (or again) reads the key. Each moves once, logging it once as
without Redis. The message names the upstream's key, so instances of another upstream ignore it.
"""

from __future__ import annotations

import json
import logging

from redis.asyncio import Redis

from gateway.activities import ApiVersion
from gateway.activities.version import NullVersionObserver, Version, VersionObserver

from .link import RedisLink

logger = logging.getLogger("gateway.redis")

ELSEWHERE = "a v1 activity endpoint, met by another instance,"
"""How the log line of a move learnt through Redis names the endpoint that answered 410."""


class SharedVersion:
    """`ApiVersion`'s observer (wrapping `observer`, the metrics): announces this instance's move, and
    moves `bind`'s `ApiVersion` when another instance announces one."""

    def __init__(self, link: RedisLink, observer: VersionObserver | None = None) -> None:
        self._link = link
        self._observer: VersionObserver = observer or NullVersionObserver()
        self._version: ApiVersion | None = None
        self._adopting = False
        link.on_channel(link.keys.api_version_channel, self._announced)
        link.on_connect(self._resync)

    def bind(self, version: ApiVersion) -> None:
        self._version = version

    def on_switch(self, version: Version) -> None:
        self._observer.on_switch(version)
        if self._adopting:
            return  # learnt from another instance: announced already
        key, channel = self._link.keys.api_version, self._link.keys.api_version_channel
        message = json.dumps({"key": key, "version": version})

        async def announce(redis: Redis) -> None:
            async with redis.pipeline(transaction=False) as pipe:
                pipe.set(key, message)
                pipe.publish(channel, message)
                await pipe.execute()

        self._link.spawn(announce)

    async def _announced(self, channel: str, data: bytes) -> None:
        self._adopt(data)

    async def _resync(self, redis: Redis) -> None:
        data = await redis.get(self._link.keys.api_version)
        if isinstance(data, bytes):
            self._adopt(data)

    def _adopt(self, data: bytes) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            return
        if not isinstance(message, dict) or message.get("key") != self._link.keys.api_version:
            return  # another upstream's
        if message.get("version") != "v2" or self._version is None:
            return
        self._adopting = True
        try:
            self._version.retire_v1(ELSEWHERE)
        finally:
            self._adopting = False
