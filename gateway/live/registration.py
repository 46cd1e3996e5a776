"""The gateway's own webhook upstream: one per company, registered once, reused after a restart.

`register` is the procedure (`gateway webhooks register` runs it by hand): list the company's webhooks
(`GET /v1/webhooks`); keep one that already delivers every activity event as v2 payloads to our URL
with our Basic user; delete the other webhooks on our URL (an older version, another user: they would
deliver what the receiver refuses); create ours only when none is left. So a restart reuses what the
last run created, and the 40 webhooks a Pipedrive user may have are never used up by restarts.

`Registrations` runs it at most once per company and process, in the background (a subscription never
waits on it): when a company gets its first subscriber here, with that subscriber's token. A failure
(a token not allowed to manage webhooks, the upstream away) is logged and tried again only after
`retry_after` seconds, by the next first subscriber.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from gateway.upstream import Credentials, PipedriveClient, UpstreamError
from gateway.upstream.webhooks import WebhookRecord, WebhookRegistration

logger = logging.getLogger("gateway.live.registration")

RETRY_AFTER_SECONDS = 600.0


@dataclass(frozen=True, slots=True)
class Registered:
    webhook: WebhookRecord
    created: bool
    removed: tuple[int, ...] = ()


async def register(client: PipedriveClient, registration: WebhookRegistration) -> Registered:
    """Our webhook in the token's company: the existing one when there is one, else a new one."""
    ours = [w for w in await client.webhooks() if w.subscription_url == registration.subscription_url]
    keep = next(
        (w for w in ours if w.delivers_activities_to(registration.subscription_url, registration.http_auth_user)),
        None,
    )
    stale = tuple(w.id for w in ours if w is not keep)
    for webhook_id in stale:
        await client.delete_webhook(webhook_id)
    if keep is not None:
        return Registered(keep, created=False, removed=stale)
    return Registered(await client.add_webhook(registration), created=True, removed=stale)


class Registrations:
    """At most one registration per company and process, each in the background."""

    def __init__(
        self,
        registration: WebhookRegistration,
        client_for: Callable[[Credentials], PipedriveClient],
        *,
        retry_after: float = RETRY_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._registration = registration
        self._client_for = client_for
        self._retry_after = retry_after
        self._clock = clock
        self._done: dict[int, Registered] = {}
        self._failed_at: dict[int, float] = {}
        self._running: dict[int, asyncio.Task[None]] = {}

    def ensure(self, credentials: Credentials, company_id: int) -> None:
        """Register for `company_id` with `credentials`, unless done, under way or failed lately."""
        if company_id in self._done or company_id in self._running:
            return
        failed_at = self._failed_at.get(company_id)
        if failed_at is not None and self._clock() - failed_at < self._retry_after:
            return
        task = asyncio.create_task(self._register(credentials, company_id))
        self._running[company_id] = task
        task.add_done_callback(lambda _: self._running.pop(company_id, None))

    async def stop(self) -> None:
        for task in list(self._running.values()):
            task.cancel()
        await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def _register(self, credentials: Credentials, company_id: int) -> None:
        try:
            done = await register(self._client_for(credentials), self._registration)
        except UpstreamError as error:
            self._failed_at[company_id] = self._clock()
            logger.warning("webhook registration for company %d failed: %s", company_id, error)
            return
        self._done[company_id] = done
        logger.info(
            "webhook for company %d %s (id %d)",
            company_id,
            "created" if done.created else "reused",
            done.webhook.id,
            extra={"company_id": company_id, "webhook_id": done.webhook.id, "created": done.created},
        )
