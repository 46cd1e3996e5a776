"""Users: primed from `related_objects`, otherwise all of them from one `GET /v1/users` per request.

The upstream has no batch-by-ids for users (no v2 users endpoint): `GET /v1/users` (cost 20) returns
the whole company, `GET /v1/users/{id}` costs 2 each. One list call per request therefore bounds the
cost whatever the number of users a query touches; unknown ids are null.

Users are deliberately not cached across requests (unlike activity types): a user's name, e-mail and
above all `active_flag` change, and a deactivated user must not keep showing as active for minutes;
the common page (`GET /v1/activities`) already carries its owners in `related_objects`, and concurrent
identical requests share one in-flight `GET /v1/users` in the transport.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from gateway.upstream import PipedriveClient
from gateway.upstream.entities import UserRecord

from .linked import LinkedRecords


class UsersLoader(LinkedRecords[UserRecord]):
    """The users one request has seen, and the company's user list fetched at most once."""

    def __init__(self, client: Callable[[], PipedriveClient]) -> None:
        super().__init__(self._fetch_one)
        self._client = client
        self._all: asyncio.Task[dict[int, UserRecord]] | None = None

    async def all(self) -> dict[int, UserRecord]:
        """Every user by id, from one upstream call per request."""
        if self._all is None:
            self._all = asyncio.ensure_future(self._fetch_all())
        return await self._all

    def release(self) -> None:
        super().release()
        self._all = None

    async def _fetch_all(self) -> dict[int, UserRecord]:
        return {user.id: user for user in await self._client().users()}

    async def _fetch_one(self, user_id: int) -> UserRecord | None:
        return (await self.all()).get(user_id)
