"""The memory of webhook deliveries, shared: a delivery Pipedrive redelivers to another instance is
published once.

`SET {prefix}:webhook:{hashed id} 1 NX EX 3600`: the first instance to set it publishes, the others
answer `duplicate`. Every id is also remembered in this instance's own memory, which answers alone
while Redis is away.
"""

from __future__ import annotations

from gateway.live import SeenDeliveries
from gateway.live.deliveries import DEFAULT_TTL_SECONDS

from .link import RedisAway, RedisLink


class SharedDeliveries:
    def __init__(self, link: RedisLink, local: SeenDeliveries | None = None) -> None:
        self._link = link
        self._local = local or SeenDeliveries()

    async def first_time(self, delivery_id: str) -> bool:
        if not await self._local.first_time(delivery_id):
            return False  # published here already
        key = self._link.keys.delivery(delivery_id)
        try:
            first = await self._link.run(lambda redis: redis.set(key, b"1", nx=True, ex=int(DEFAULT_TTL_SECONDS)))
        except RedisAway:
            return True
        return bool(first)

    async def forget(self, delivery_id: str) -> None:
        await self._local.forget(delivery_id)
        key = self._link.keys.delivery(delivery_id)
        try:
            await self._link.run(lambda redis: redis.delete(key))
        except RedisAway:
            pass
