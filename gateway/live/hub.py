"""The live updates of one app: webhook deliveries in, subscribers out.

`LiveUpdates.receive` takes a parsed webhook: a delivery seen before (`DeliveryMemory`) is dropped, any
other is published to the broker and the call returns at once (publishing never waits on a
subscriber). For each company that has subscribers here, one task reads the broker's stream of that
company and fans each event out to them: only to those whose filter matches, each delivery tied to the
read window of the subscriber's token (`reads`). A subscriber never sees another company's events: it
is registered under its token's company, and only that company's stream reaches it.

Each subscriber has a bounded queue (`max_queue`). One that falls that far behind is dropped: its queue
is emptied and its connection closed with `TOO_SLOW` (1013, Try Again Later: graphql-ws clients
reconnect), so memory never grows with a slow or vanished client. `close()` ends every subscription
with `GOING_AWAY` (1001) when the app stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from gateway.upstream import Credentials
from gateway.upstream.webhooks import ActivityWebhook

from .broker import Broker, EventStream
from .deliveries import DeliveryMemory
from .events import ActivityEvent, EventFilter
from .observer import LiveObserver, NullLiveObserver
from .reads import Delivery, ReadWindows

logger = logging.getLogger("gateway.live")

CloseConnection = Callable[[int, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Closure:
    """Why a subscription ended: the WebSocket close code and reason its connection gets."""

    code: int
    reason: str


TOO_SLOW = Closure(1013, "Too far behind: events were waiting unread; reconnect")
GOING_AWAY = Closure(1001, "The gateway is shutting down")


class Subscriber:
    """One subscription: its token and company, its filter, and its bounded queue of deliveries."""

    def __init__(
        self,
        credentials: Credentials,
        company_id: int,
        event_filter: EventFilter,
        *,
        wants_activity: bool,
        max_queue: int,
        close_connection: CloseConnection,
    ) -> None:
        self.credentials = credentials
        self.company_id = company_id
        self.filter = event_filter
        self.wants_activity = wants_activity
        self.closure: Closure | None = None
        self._max_queue = max_queue
        self._close_connection = close_connection
        self._pending: deque[Delivery] = deque()
        self._ready = asyncio.Event()

    def offer(self, delivery: Delivery) -> bool:
        """Queue `delivery`; False when the subscriber is closed or falls too far behind by it."""
        if self.closure is not None:
            return False
        if len(self._pending) >= self._max_queue:
            return False
        self._pending.append(delivery)
        self._ready.set()
        return True

    def close(self, closure: Closure) -> int:
        """End the subscription and close its connection with `closure`; the deliveries it drops."""
        if self.closure is not None:
            return 0
        self.closure = closure
        dropped = len(self._pending)
        self._pending.clear()
        self._ready.set()
        _spawn(self._close_connection(closure.code, closure.reason))
        return dropped

    async def __aiter__(self) -> AsyncIterator[Delivery]:
        while True:
            while not self._pending:
                if self.closure is not None:
                    # The connection is being closed, which ends this subscription: a `complete` sent now
                    # would race that close, so wait for it instead.
                    await asyncio.Future()
                self._ready.clear()
                await self._ready.wait()
            yield self._pending.popleft()


_background: set[asyncio.Task[None]] = set()


def _spawn(work: Awaitable[None]) -> None:
    """Run `work` without waiting for it (closing a connection must not hold up the fan-out)."""

    async def run() -> None:
        try:
            await work
        except Exception:  # a connection that cannot be closed is already gone
            logger.debug("closing a live-update connection failed", exc_info=True)

    task = asyncio.ensure_future(run())
    _background.add(task)
    task.add_done_callback(_background.discard)


@dataclass
class LiveUpdates:
    broker: Broker
    memory: DeliveryMemory
    windows: ReadWindows
    max_queue: int
    observer: LiveObserver = field(default_factory=NullLiveObserver)
    on_first_subscriber: Callable[[Credentials, int], None] = lambda credentials, company_id: None
    """Told when a company gets its first subscriber here (the webhook registration hangs off it)."""
    _subscribers: dict[int, set[Subscriber]] = field(default_factory=dict)
    _dispatchers: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    _closed: bool = False

    async def receive(self, webhook: ActivityWebhook) -> bool:
        """Publish `webhook`'s event unless its delivery was published before; whether it was published."""
        if not await self.memory.first_time(webhook.delivery_id):
            return False
        event = ActivityEvent.from_webhook(webhook)
        try:
            await self.broker.publish(event)
        except BaseException:
            await self.memory.forget(webhook.delivery_id)  # the upstream's retry must get through
            raise
        self.observer.on_published(event.action)
        return True

    @property
    def subscriber_count(self) -> int:
        return sum(len(subscribers) for subscribers in self._subscribers.values())

    @contextlib.asynccontextmanager
    async def subscribe(
        self,
        credentials: Credentials,
        company_id: int,
        event_filter: EventFilter,
        *,
        wants_activity: bool,
        close_connection: CloseConnection,
    ) -> AsyncIterator[Subscriber]:
        """A subscriber of `company_id`'s events, registered until the block ends."""
        if self._closed:
            raise RuntimeError("the app is shutting down")
        subscriber = Subscriber(
            credentials,
            company_id,
            event_filter,
            wants_activity=wants_activity,
            max_queue=self.max_queue,
            close_connection=close_connection,
        )
        await self._add(subscriber)
        try:
            yield subscriber
        finally:
            await self._remove(subscriber)

    async def close(self) -> None:
        """End every subscription (1001), stop reading the broker, close it."""
        self._closed = True
        for subscribers in list(self._subscribers.values()):
            for subscriber in list(subscribers):
                subscriber.close(GOING_AWAY)
                self._detach(subscriber)
        dispatchers = list(self._dispatchers.values())
        for task in dispatchers:
            task.cancel()
        for task in dispatchers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._dispatchers.clear()
        self.windows.close_all()
        await self.broker.close()

    async def _add(self, subscriber: Subscriber) -> None:
        company = subscriber.company_id
        subscribers = self._subscribers.setdefault(company, set())
        subscribers.add(subscriber)
        self.observer.on_subscribers(self.subscriber_count)
        if company not in self._dispatchers:
            stream = await self.broker.subscribe(company)
            self._dispatchers[company] = asyncio.create_task(self._dispatch(company, stream))
            self.on_first_subscriber(subscriber.credentials, company)

    async def _remove(self, subscriber: Subscriber) -> None:
        dispatcher = self._detach(subscriber)
        if dispatcher is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await dispatcher

    def _detach(self, subscriber: Subscriber) -> asyncio.Task[None] | None:
        """Stop routing to `subscriber` at once (also when dropped: its connection may take a while to
        close); the company's dispatcher, cancelled, when it was the last one."""
        company = subscriber.company_id
        subscribers = self._subscribers.get(company)
        if subscribers is None or subscriber not in subscribers:
            return None
        subscribers.discard(subscriber)
        self.observer.on_subscribers(self.subscriber_count)
        if subscribers:
            return None
        del self._subscribers[company]
        dispatcher = self._dispatchers.pop(company, None)
        if dispatcher is not None:
            dispatcher.cancel()
        return dispatcher

    async def _dispatch(self, company_id: int, stream: EventStream) -> None:
        try:
            async for event in stream:
                self._fan_out(event)
        finally:
            await stream.aclose()

    def _fan_out(self, event: ActivityEvent) -> None:
        for subscriber in list(self._subscribers.get(event.company_id, ())):
            if subscriber.closure is not None or not subscriber.filter.matches(event):
                continue
            window = self.windows.window(subscriber.credentials)
            if subscriber.wants_activity and event.action != "delete":
                window.want(event.activity_id)
            if subscriber.offer(Delivery(event, window)):
                self.observer.on_delivered(event.action)
            else:
                logger.warning(
                    "a subscriber fell %d events behind: dropped (close code %d)", self.max_queue, TOO_SLOW.code
                )
                self.observer.on_dropped("slow_subscriber", subscriber.close(TOO_SLOW) + 1)
                self._detach(subscriber)


@dataclass(frozen=True, slots=True)
class LiveConnection:
    """One WebSocket connection's way to the live updates (`gateway.context.Context.live`): its
    subscriptions close the connection through `close` when they are dropped."""

    updates: LiveUpdates
    close: CloseConnection

    def subscribe(
        self, credentials: Credentials, company_id: int, event_filter: EventFilter, *, wants_activity: bool
    ) -> contextlib.AbstractAsyncContextManager[Subscriber]:
        return self.updates.subscribe(
            credentials, company_id, event_filter, wants_activity=wants_activity, close_connection=self.close
        )
