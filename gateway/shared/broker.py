"""The live-updates broker of several instances: Redis pub/sub in front of each instance's own broker.

An event is PUBLISHed on its company's channel (`{prefix}:live:{company}`); every instance, this one
included, listens to all companies' channels and hands what arrives to its `InMemoryBroker`, which
routes by company to the local streams as it always does. So an event received by any instance reaches
the subscribers of every instance once. A channel and its event must name the same company, or the
event is dropped.

When Redis is away (or nobody listens, not even this instance), the event goes to the local broker
directly: this instance's subscribers still get it, the others' cannot. The events handed to the local
broker are remembered a minute by delivery id, so one that arrives twice (published locally after a
PUBLISH that timed out yet went through) still reaches each subscriber once.
"""

from __future__ import annotations

import logging

from gateway.live import ActivityEvent, InMemoryBroker, SeenDeliveries
from gateway.live.broker import EventStream

from .link import RedisAway, RedisLink

logger = logging.getLogger("gateway.redis")

HANDED_MEMORY_S = 60.0
HANDED_MAX = 20_000


class RedisBroker:
    def __init__(self, link: RedisLink, local: InMemoryBroker | None = None) -> None:
        self._link = link
        self._local = local or InMemoryBroker()
        self._handed = SeenDeliveries(ttl=HANDED_MEMORY_S, max_entries=HANDED_MAX)
        link.on_pattern(link.keys.live_pattern, self._arrived)

    async def publish(self, event: ActivityEvent) -> None:
        channel = self._link.keys.live(event.company_id)
        try:
            listeners = await self._link.run(lambda redis: redis.publish(channel, event.to_json()))
        except RedisAway:
            listeners = 0
        if not listeners:
            await self._hand(event)

    async def subscribe(self, company_id: int) -> EventStream:
        return await self._local.subscribe(company_id)

    async def close(self) -> None:
        await self._local.close()

    async def _arrived(self, channel: str, data: bytes) -> None:
        try:
            event = ActivityEvent.from_json(data)
        except (ValueError, KeyError, TypeError):
            logger.warning("an event on %s is not one this gateway publishes: dropped", channel)
            return
        if self._link.keys.company_of(channel) != event.company_id:
            logger.warning("an event on %s names another company: dropped", channel)
            return
        await self._hand(event)

    async def _hand(self, event: ActivityEvent) -> None:
        if await self._handed.first_time(event.delivery_id):
            await self._local.publish(event)
