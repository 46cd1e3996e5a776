"""State that several gateway instances share through Redis (`GATEWAY_REDIS_URL`).

    link         RedisLink: the client, available or away, reconnection, pub/sub; RedisAway
    keys         Keyspace: every key and channel, tokens as HMACs under the deployment's secret
    broker       RedisBroker: live updates over pub/sub, in front of each instance's own broker
    deliveries   SharedDeliveries: webhook delivery ids, so a redelivery to another instance is a duplicate
    windows      SharedWindows: spent rate-limit windows, mirrored in every instance
    cache        SharedTTLCache: the activity-types cache with Redis as its second tier
    version      SharedVersion: the `auto` move to API v2

Each implements an interface of the layer it serves (`gateway.live.Broker`, `DeliveryMemory`,
`gateway.upstream.ratelimit.SpentWindows`, `gateway.loaders.cache.TokenCache`, the `ApiVersion`'s
observer), whose in-process implementation runs without Redis; `gateway.app` picks them at start-up.
With Redis away, each falls back to the in-process state it keeps anyway.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from gateway.activities.version import NullVersionObserver, VersionObserver
from gateway.config import Settings
from gateway.live import InMemoryBroker
from gateway.loaders.cache import TTLCache
from gateway.upstream.activities import ActivityTypeRecord

from .broker import RedisBroker
from .cache import ACTIVITY_TYPES, SharedTTLCache
from .deliveries import SharedDeliveries
from .keys import Keyspace
from .link import LinkObserver, RedisAway, RedisLink
from .version import SharedVersion
from .windows import SharedWindows

RedisStatus = Literal["ok", "unreachable"]


@dataclass
class SharedState:
    """Everything one instance shares through Redis."""

    link: RedisLink
    version_observer: VersionObserver = field(default_factory=NullVersionObserver)
    """The metrics' hook of the API version, which `version` wraps."""
    local_broker: InMemoryBroker = field(default_factory=InMemoryBroker)
    """This instance's own broker, which `broker` hands every event to."""
    broker: RedisBroker = field(init=False)
    deliveries: SharedDeliveries = field(init=False)
    windows: SharedWindows = field(init=False)
    version: SharedVersion = field(init=False)

    def __post_init__(self) -> None:
        self.broker = RedisBroker(self.link, self.local_broker)
        self.deliveries = SharedDeliveries(self.link)
        self.windows = SharedWindows(self.link)
        self.version = SharedVersion(self.link, self.version_observer)

    @classmethod
    def for_settings(
        cls,
        settings: Settings,
        observer: LinkObserver,
        version_observer: VersionObserver,
        local_broker: InMemoryBroker | None = None,
    ) -> SharedState:
        redis = settings.redis
        keys = Keyspace(redis.prefix, upstream_identity(settings))
        return cls(RedisLink(redis, keys, observer), version_observer, local_broker or InMemoryBroker())

    def activity_types(
        self, local: TTLCache[list[ActivityTypeRecord]], on_lookup: Callable[[bool], None]
    ) -> SharedTTLCache[list[ActivityTypeRecord]]:
        return SharedTTLCache("activity-types", local, self.link, ACTIVITY_TYPES, on_lookup)

    @property
    def status(self) -> RedisStatus:
        return "ok" if self.link.available else "unreachable"

    async def start(self) -> None:
        await self.link.start()

    async def close(self) -> None:
        await self.link.close()


def upstream_identity(settings: Settings) -> str:
    """What makes two instances' upstreams the same one: its base URL, or the embedded sandbox's database
    file (an in-memory sandbox is its process's alone, so nothing keyed by it is shared)."""
    if settings.upstream_url is not None:
        return settings.upstream_url.rstrip("/")
    if settings.sandbox_db == ":memory:":
        return f"sandbox:memory:{uuid.uuid4()}"
    return f"sandbox:{os.path.abspath(settings.sandbox_db)}"


__all__ = ["Keyspace", "RedisAway", "RedisLink", "RedisStatus", "SharedState", "upstream_identity"]
