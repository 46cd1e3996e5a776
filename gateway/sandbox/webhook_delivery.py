"""Delivering webhooks like Pipedrive: in the background, in order per webhook, retried on failure.

`WebhookDispatcher.activity_changed` is called by the activity routes after a write commits, with the
rows before and after; it finds the company's matching webhooks and queues one delivery each, then
returns (the API's answer never waits on a delivery). Each webhook has one worker sending its deliveries
in order as HTTP POSTs (JSON, HTTP Basic auth when the webhook has credentials). A delivery that fails
(a status outside 2xx, no answer within `timeout`, a connection error) is tried again up to three more
times after `retry_delays` (Pipedrive's guide: the first retry after 3 s, then 30 s, then 150 s;
UNCONFIRMED beyond "three retries"), keeping its `meta.id`, counting `meta.attempt` up; retries run
beside the worker, so one failing delivery does not hold back the next. Every attempt is recorded on
`Control.deliveries`.

Deliveries go out through the httpx transport the dispatcher is given (`deliver_through`): the gateway
hands the embedded sandbox one into its own app; otherwise a real HTTP transport is made on first use
and closed by `aclose`.
"""

import asyncio
import base64
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

import httpx

from gateway.sandbox.control import Control, DeliveryAttempt
from gateway.sandbox.store import Record, Store
from gateway.sandbox.timefmt import utc_now
from gateway.sandbox.webhook_payloads import ActivityChange, body, new_delivery_id

DEFAULT_RETRY_DELAYS: tuple[float, ...] = (3.0, 30.0, 150.0)
DEFAULT_TIMEOUT_S = 10.0
USER_AGENT = "Pipedrive Webhooks (sandbox)"
logger = logging.getLogger("gateway.sandbox.webhooks")
Sleep = Callable[[float], Awaitable[None]]


class WebhookDispatcher:
    def __init__(
        self,
        store: Store,
        control: Control,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        timeout: float = DEFAULT_TIMEOUT_S,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._store = store
        self._control = control
        self._transport = transport
        self._owns_transport = False
        self._retry_delays = tuple(retry_delays)
        self._timeout = timeout
        self._sleep = sleep
        self._queues: dict[int, asyncio.Queue[tuple[ActivityChange, Record]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._outstanding = 0
        self._settled = asyncio.Event()
        self._settled.set()

    def deliver_through(self, transport: httpx.AsyncBaseTransport) -> None:
        """Send deliveries through `transport` (owned by the caller) from now on."""
        self._transport = transport
        self._owns_transport = False

    def activity_changed(self, changes: Sequence[ActivityChange]) -> None:
        """Queue a delivery of each change to each webhook it triggers."""
        for change in changes:
            for webhook in self._store.webhooks.matching(change.company_id, "activity", change.action):
                self._outstanding += 1
                self._settled.clear()
                self._queue(webhook["id"]).put_nowait((change, webhook))

    async def idle(self) -> None:
        """Until every queued delivery is done, retries included (tests)."""
        await self._settled.wait()

    async def aclose(self) -> None:
        """Stop delivering: drop what is queued, cancel retries, close a transport made here."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._forget_all()
        if self._owns_transport and self._transport is not None:
            await self._transport.aclose()
            self._transport = None

    def cancel(self) -> None:
        """Cancel every delivery task (a synchronous close, with no loop to wait in)."""
        for task in self._tasks:
            task.cancel()
        self._forget_all()

    def _forget_all(self) -> None:
        self._queues.clear()
        self._outstanding = 0
        self._settled.set()

    def _done(self) -> None:
        self._outstanding -= 1
        if self._outstanding <= 0:
            self._outstanding = 0
            self._settled.set()

    def _queue(self, webhook_id: int) -> asyncio.Queue[tuple[ActivityChange, Record]]:
        queue = self._queues.get(webhook_id)
        if queue is None:
            queue = self._queues[webhook_id] = asyncio.Queue()
            self._track(asyncio.create_task(self._work(queue), name=f"webhook-worker-{webhook_id}"))
        return queue

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _work(self, queue: asyncio.Queue[tuple[ActivityChange, Record]]) -> None:
        while True:
            change, webhook = await queue.get()
            delivery_id = new_delivery_id()
            try:
                delivered = await self._attempt(change, webhook, delivery_id, 1)
            except Exception:  # a bug here must not stop the webhook's later deliveries
                logger.exception("webhook delivery %s failed unexpectedly", delivery_id)
                delivered = True
            if delivered or not self._retry_delays:
                self._done()
            else:
                retry = self._retry(change, webhook, delivery_id)
                self._track(asyncio.create_task(retry, name=f"webhook-retry-{delivery_id}"))

    async def _retry(self, change: ActivityChange, webhook: Record, delivery_id: str) -> None:
        try:
            for attempt, delay in enumerate(self._retry_delays, start=2):
                await self._sleep(delay)
                if await self._attempt(change, webhook, delivery_id, attempt):
                    return
        finally:
            self._done()

    async def _attempt(self, change: ActivityChange, webhook: Record, delivery_id: str, attempt: int) -> bool:
        """One POST; whether it succeeded. Recorded on the control and on the webhook row."""
        record = DeliveryAttempt(
            webhook_id=webhook["id"],
            url=webhook["subscription_url"],
            delivery_id=delivery_id,
            attempt=attempt,
            action=change.action,
            activity_id=change.activity_id,
            company_id=change.company_id,
        )
        self._control.deliveries.append(record)
        try:
            record.status = await self._post(webhook, body(change, webhook, delivery_id, attempt))
        except (httpx.HTTPError, TimeoutError, OSError) as error:
            record.error = type(error).__name__
        with contextlib.suppress(Exception):  # the webhook may have been deleted meanwhile
            self._store.webhooks.note_delivery(webhook["id"], utc_now(), record.status)
        return record.status is not None and 200 <= record.status < 300

    async def _post(self, webhook: Record, content: bytes) -> int:
        headers = {"content-type": "application/json", "user-agent": USER_AGENT}
        if webhook["http_auth_user"] is not None:
            credentials = f"{webhook['http_auth_user']}:{webhook['http_auth_password'] or ''}".encode()
            headers["authorization"] = "Basic " + base64.b64encode(credentials).decode()
        timeout = {"connect": self._timeout, "read": self._timeout, "write": self._timeout, "pool": self._timeout}
        request = httpx.Request(
            "POST", webhook["subscription_url"], headers=headers, content=content, extensions={"timeout": timeout}
        )
        async with asyncio.timeout(self._timeout):
            response = await self._transport_for_delivery().handle_async_request(request)
            try:
                await response.aread()
            finally:
                await response.aclose()
        return response.status_code

    def _transport_for_delivery(self) -> httpx.AsyncBaseTransport:
        if self._transport is None:
            self._transport = httpx.AsyncHTTPTransport()
            self._owns_transport = True
        return self._transport
