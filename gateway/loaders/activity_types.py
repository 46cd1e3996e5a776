"""Activity types: one `GET /v1/activityTypes` per token, shared across requests for a while."""

from __future__ import annotations

from gateway.upstream.activities import ActivityTypeRecord

from .per_token import PerToken


class ActivityTypesLoader(PerToken[list[ActivityTypeRecord]]):
    """All activity types the token can see; a request asks the upstream at most once."""

    async def all(self) -> list[ActivityTypeRecord]:
        return await self.get()

    async def by_key(self, key_string: str) -> ActivityTypeRecord | None:
        return next((t for t in await self.all() if t.key_string == key_string), None)
