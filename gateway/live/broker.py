"""The broker between the webhook receiver and the subscribers: the interface, and the in-process one.

`Broker` is all the rest of the gateway knows: `publish` an event, `subscribe` to one company's events
(the stream is registered when the call returns, so nothing published afterwards is missed), `close`.
`InMemoryBroker` serves one process; a broker shared by several instances (Redis pub/sub) implements the
same three methods, carrying events as `ActivityEvent.to_json()`.

Publishing never waits on a consumer: each stream has a bounded backlog, and an event that finds it
full is dropped for that stream (and reported to the observer) rather than held.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from .events import ActivityEvent

DEFAULT_BACKLOG = 10_000

logger = logging.getLogger("gateway.live")


class EventStream(Protocol):
    """One company's events, in the order they were published."""

    def __aiter__(self) -> AsyncIterator[ActivityEvent]: ...

    async def aclose(self) -> None: ...


class Broker(Protocol):
    async def publish(self, event: ActivityEvent) -> None: ...

    async def subscribe(self, company_id: int) -> EventStream: ...

    async def close(self) -> None: ...


class _Closed:
    """Put in a stream's queue to end it."""


_CLOSED = _Closed()


class MemoryStream:
    def __init__(self, backlog: int, on_close: Callable[[MemoryStream], None]) -> None:
        self.queue: asyncio.Queue[ActivityEvent | _Closed] = asyncio.Queue(backlog)
        self._on_close = on_close
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[ActivityEvent]:
        while True:
            item = await self.queue.get()
            if isinstance(item, _Closed):
                return
            yield item

    def end(self) -> None:
        """Stop the stream once what is queued is consumed (the broker is closing)."""
        self.closed = True
        while True:
            try:
                self.queue.put_nowait(_CLOSED)
                return
            except asyncio.QueueFull:
                self.queue.get_nowait()  # make room: a closing stream keeps nothing

    async def aclose(self) -> None:
        if not self.closed:
            self._on_close(self)
            self.end()


class InMemoryBroker:
    """Events of one process, per company, each stream with a bounded backlog."""

    def __init__(self, backlog: int = DEFAULT_BACKLOG, on_overflow: Callable[[ActivityEvent], None] | None = None):
        self._backlog = backlog
        self._on_overflow = on_overflow or (lambda event: None)
        self._streams: dict[int, set[MemoryStream]] = {}

    async def publish(self, event: ActivityEvent) -> None:
        for stream in self._streams.get(event.company_id, ()):
            try:
                stream.queue.put_nowait(event)
            except asyncio.QueueFull:
                logger.warning("a live-update stream is %d events behind: event dropped", self._backlog)
                self._on_overflow(event)

    async def subscribe(self, company_id: int) -> MemoryStream:
        stream = MemoryStream(self._backlog, lambda s: self._forget(company_id, s))
        self._streams.setdefault(company_id, set()).add(stream)
        return stream

    async def close(self) -> None:
        for streams in self._streams.values():
            for stream in streams:
                stream.end()
        self._streams.clear()

    def _forget(self, company_id: int, stream: MemoryStream) -> None:
        streams = self._streams.get(company_id)
        if streams is not None:
            streams.discard(stream)
            if not streams:
                del self._streams[company_id]
