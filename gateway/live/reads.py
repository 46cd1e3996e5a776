"""The per-token read window: many subscribers of one token, a burst of events, one batched read.

An event's `activity` is read with the subscriber's own token. Reading it per subscriber and per event
would cost the upstream one call each; instead the deliveries of one token share a `ReadWindow`, open
for `delay` seconds from its first read: every activity id wanted while it is open (by any of the
token's subscribers, for any event of the burst) goes into one `?ids=` batch (100 ids a call, a batch of
one as a single GET), sent when the window closes. The window's scope, a `Context` of that token made
for the window, is also what the deliveries execute with (`Delivery.event_context`), so the linked
objects they ask for (owner, type, deal, ...) are batched and cached across them the same way, and
nothing outlives the burst: a later event opens a fresh window, with fresh loaders, and reads anew.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiodataloader import DataLoader

from gateway.loaders import Loaders
from gateway.upstream import Credentials
from gateway.upstream.activities import ActivityRecord

from .events import ActivityEvent


class EventScope(Protocol):
    """What a window's deliveries execute with: a `gateway.context.Context` for the window's token."""

    @property
    def loaders(self) -> Loaders: ...


class ReadWindow:
    def __init__(self, scope: EventScope, delay: float, on_close: Callable[[ReadWindow], None]) -> None:
        self.scope = scope
        self.open = True
        self._on_close = on_close
        self._wanted: dict[int, None] = {}
        self._closed = asyncio.Event()
        self._timer = asyncio.get_running_loop().call_later(delay, self.close)

    @property
    def _by_id(self) -> DataLoader[int, ActivityRecord | None]:
        return self.scope.loaders.activities.by_id

    def want(self, activity_id: int) -> None:
        """Read `activity_id` in this window's batch."""
        if self.open:
            self._wanted[activity_id] = None

    def close(self) -> None:
        """Send the batch (the loaders dispatch it on the next turn of the loop); later reads open anew."""
        if not self.open:
            return
        self.open = False
        self._timer.cancel()
        self._on_close(self)
        for activity_id in self._wanted:
            self._by_id.load(activity_id).add_done_callback(_retrieved)
        self._closed.set()

    async def activity(self, activity_id: int) -> ActivityRecord | None:
        """The activity as this window's token reads it; None when it cannot (gone, not visible)."""
        await self._closed.wait()
        return await self._by_id.load(activity_id)


def _retrieved(future: asyncio.Future[Any]) -> None:
    """A read nobody awaited any more (its subscriber left) must not log "exception never retrieved"."""
    if not future.cancelled():
        future.exception()


class ReadWindows:
    """The open window of each token (at most one), made on demand, forgotten when it closes."""

    def __init__(self, make_scope: Callable[[Credentials], EventScope], delay: float) -> None:
        self._make_scope = make_scope
        self._delay = delay
        self._open: dict[str, ReadWindow] = {}

    def window(self, credentials: Credentials) -> ReadWindow:
        window = self._open.get(credentials.key)
        if window is None:
            window = ReadWindow(self._make_scope(credentials), self._delay, lambda w: self._closed(credentials.key, w))
            self._open[credentials.key] = window
        return window

    def _closed(self, key: str, window: ReadWindow) -> None:
        if self._open.get(key) is window:
            del self._open[key]

    def close_all(self) -> None:
        for window in list(self._open.values()):
            window.close()


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event on its way to one subscriber, with the window its reads go through."""

    event: ActivityEvent
    window: ReadWindow

    @property
    def event_context(self) -> EventScope:
        """The context this event executes with (`gateway.engine.execution.PlanExecutor`)."""
        return self.window.scope

    async def activity(self) -> ActivityRecord | None:
        if self.event.action == "delete":
            return None
        return await self.window.activity(self.event.activity_id)
