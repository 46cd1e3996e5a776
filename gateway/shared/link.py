"""The connection to Redis, and what the gateway does when Redis goes away.

`RedisLink` owns one `redis.asyncio.Redis` client (redis-py) and one pub/sub connection. Redis is
either *available* or not, and every user of it asks first: while it is not, nothing waits on it, each
instance works on its own state (`RedisAway`), and no request pays a timeout.

- Every command is bounded by short socket timeouts (`GATEWAY_REDIS_TIMEOUT`, 0.2 s) and is not retried
  by the client: a failure marks Redis away at once, logs one WARNING for the whole outage, and starts
  the reconnection (backoff from 0.1 s to 2 s, jittered).
- Reconnecting is connecting: PING, the key secret, the pub/sub subscriptions (confirmed before going
  on, so nothing published afterwards is missed), then each registered resync (state announced while
  this instance was away: spent windows, the API version). Only then is Redis available again (INFO).
- While available, a PING every few seconds finds a Redis that went silent without closing its sockets.

Handlers of pub/sub messages run in the listening task, one message after another; they must be quick
(never wait on anything but memory) and must not raise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import MaxConnectionsError, RedisError

from gateway.config import RedisSettings

from .keys import Keyspace

T = TypeVar("T")
Handler = Callable[[str, bytes], Awaitable[None]]
"""Told of a pub/sub message: its channel and data (awaited in turn: messages are handled in order)."""
Resync = Callable[[Redis], Awaitable[None]]

FAILURES = (RedisError, OSError, asyncio.TimeoutError)
FIRST_BACKOFF_S = 0.1
MAX_BACKOFF_S = 2.0
WATCH_INTERVAL_S = 5.0
LISTEN_POLL_S = 1.0
MAX_CONNECTIONS = 64

logger = logging.getLogger("gateway.redis")


class RedisAway(Exception):
    """Redis cannot be used now: the caller goes on with its own state."""


class LinkObserver(Protocol):
    """Told when Redis becomes available, and when an outage begins (at start too); must be cheap and must
    not raise."""

    def on_available(self, available: bool) -> None: ...


class NullLinkObserver:
    def on_available(self, available: bool) -> None:
        pass


class RedisLink:
    def __init__(
        self,
        settings: RedisSettings,
        keys: Keyspace,
        observer: LinkObserver | None = None,
        *,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        assert settings.url, "a link needs GATEWAY_REDIS_URL"
        self.keys = keys
        self.available = False
        self.where = _where(settings.url)
        self._settings = settings
        self._observer: LinkObserver = observer or NullLinkObserver()
        self._jitter = jitter
        self._client: Redis | None = None
        self._pubsub: PubSub | None = None
        self._channels: dict[str, Handler] = {}
        self._patterns: dict[str, Handler] = {}
        self._resyncs: list[Resync] = []
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._closed = False

    def on_channel(self, channel: str, handler: Handler) -> None:
        """Have `handler` told of `channel`'s messages (register before `start`)."""
        self._channels[channel] = handler

    def on_pattern(self, pattern: str, handler: Handler) -> None:
        self._patterns[pattern] = handler

    def on_connect(self, resync: Resync) -> None:
        """Run `resync` on every connection, after the subscriptions, before Redis counts as available."""
        self._resyncs.append(resync)

    async def start(self) -> None:
        """Connect now, or, when Redis does not answer, go on without it and keep trying."""
        self._client = Redis.from_url(
            self._settings.url or "",
            socket_timeout=self._settings.timeout_seconds,
            socket_connect_timeout=self._settings.timeout_seconds,
            retry=Retry(NoBackoff(), 0),  # no retry inside a request: the link falls back and reconnects
            max_connections=MAX_CONNECTIONS,
            client_name="activities-gateway",
        )
        try:
            await self._connect()
        except FAILURES as error:
            self._lost(error)

    async def run(self, command: Callable[[Redis], Awaitable[T]]) -> T:
        """`command`'s result; `RedisAway` when Redis is away, or when it fails now (it is then away)."""
        if not self.available or self._client is None:
            raise RedisAway
        try:
            return await command(self._client)
        except MaxConnectionsError:
            raise RedisAway from None  # this instance is busy, Redis is not away
        except FAILURES as error:
            self._lost(error)
            raise RedisAway from None

    def spawn(self, command: Callable[[Redis], Awaitable[Any]]) -> None:
        """Run `command` in the background (nobody waits for it); skipped while Redis is away."""
        if self.available:
            self._keep(self._quietly(command))

    async def close(self) -> None:
        self._closed = True
        self.available = False
        tasks = [*self._tasks.values(), *self._background]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, *FAILURES):
                await task
        await self._drop_pubsub()
        if self._client is not None:
            with contextlib.suppress(*FAILURES):
                await self._client.aclose()

    async def _quietly(self, command: Callable[[Redis], Awaitable[Any]]) -> None:
        with contextlib.suppress(RedisAway):
            await self.run(command)

    async def _connect(self) -> None:
        client = self._client
        assert client is not None
        await client.ping()
        await self._load_secret(client)
        pubsub = client.pubsub()
        try:
            await self._subscribe(pubsub)
            for resync in self._resyncs:
                await resync(client)
        except BaseException:
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
            raise
        self._pubsub = pubsub
        self.available = True
        self._observer.on_available(True)
        self._start("listen", self._listen(pubsub))
        self._start("watch", self._watch(client))

    async def _load_secret(self, client: Redis) -> None:
        """The configured secret, or the one in Redis (the first instance to connect makes it)."""
        if self._settings.key_secret:
            self.keys.use_secret(self._settings.key_secret.encode())
            return
        await client.set(self.keys.secret_key, secrets.token_hex(32), nx=True)
        secret = await client.get(self.keys.secret_key)
        if not isinstance(secret, bytes) or not secret:
            raise RedisError("the key secret vanished from Redis")
        self.keys.use_secret(secret)

    async def _subscribe(self, pubsub: PubSub) -> None:
        """Subscribe, and wait until Redis confirms every subscription."""
        if self._channels:
            await pubsub.subscribe(*self._channels)
        if self._patterns:
            await pubsub.psubscribe(*self._patterns)
        expected = len(self._channels) + len(self._patterns)
        async with asyncio.timeout(max(1.0, self._settings.timeout_seconds * 10)):
            while expected:
                message = await pubsub.get_message(timeout=self._settings.timeout_seconds)
                if message is None:
                    continue
                if message["type"] in ("subscribe", "psubscribe"):
                    expected -= 1
                else:
                    await self._dispatch(message)

    async def _listen(self, pubsub: PubSub) -> None:
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=LISTEN_POLL_S)
                if message is not None:
                    await self._dispatch(message)
        except FAILURES as error:
            self._lost(error)

    async def _dispatch(self, message: dict[str, Any]) -> None:
        channel = _text(message.get("channel"))
        data = message.get("data")
        if not isinstance(data, bytes):
            return
        pattern = message.get("pattern")
        handler = self._patterns.get(_text(pattern)) if pattern is not None else self._channels.get(channel)
        if handler is None:
            return
        try:
            await handler(channel, data)
        except Exception:  # one message's fault must not stop the listening: the next ones are still wanted
            logger.exception("a message on %s could not be handled", channel)

    async def _watch(self, client: Redis) -> None:
        """PING now and then: a Redis gone silent (no reset, no answer) is away too."""
        while True:
            await asyncio.sleep(WATCH_INTERVAL_S)
            try:
                await client.ping()
            except MaxConnectionsError:
                continue
            except FAILURES as error:
                self._lost(error)
                return

    def _lost(self, error: BaseException) -> None:
        """Redis failed: work without it from now on, say so once, and reconnect in the background."""
        if self._closed:
            return
        if self.available or "reconnect" not in self._tasks:  # an outage begins (or Redis was away at start)
            logger.warning(
                "Redis at %s is unreachable (%s): this instance works on its own state until Redis answers again",
                self.where,
                type(error).__name__,
                extra={"redis": self.where},
            )
            self.available = False
            self._observer.on_available(False)
            self._start("reconnect", self._reconnect())

    async def _reconnect(self) -> None:
        try:
            await self._stop_listening()
            backoff = FIRST_BACKOFF_S
            while True:
                await asyncio.sleep(backoff * (0.5 + self._jitter() / 2))
                try:
                    await self._connect()
                except FAILURES:
                    backoff = min(backoff * 2, MAX_BACKOFF_S)
                    continue
                logger.info("Redis at %s is back: state is shared again", self.where, extra={"redis": self.where})
                return
        finally:
            self._tasks.pop("reconnect", None)

    async def _stop_listening(self) -> None:
        for name in ("listen", "watch"):
            task = self._tasks.pop(name, None)
            if task is not None and task is not asyncio.current_task():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, *FAILURES):
                    await task
        await self._drop_pubsub()

    async def _drop_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(*FAILURES):
                await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves PubSub.aclose unannotated

    def _start(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work, name=f"redis-{name}")
        self._tasks[name] = task
        task.add_done_callback(lambda done: self._tasks.pop(name, None) if self._tasks.get(name) is done else None)

    def _keep(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


def _where(url: str) -> str:
    """Host and port (or socket path) of a Redis URL, for logs: never its password."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


def _text(value: object) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
