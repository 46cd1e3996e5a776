"""The live updates' metrics hook, injected by the app (`gateway.observability.LiveMetrics`)."""

from __future__ import annotations

from typing import Literal, Protocol

from gateway.upstream.webhooks import Action

WebhookOutcome = Literal["published", "duplicate", "ignored", "invalid", "unauthorized", "failed"]
DropReason = Literal["slow_subscriber", "broker_backlog"]


class LiveObserver(Protocol):
    """Told of every webhook, publication, delivery and drop; must be cheap and must not raise."""

    def on_webhook(self, outcome: WebhookOutcome) -> None: ...

    def on_published(self, action: Action) -> None: ...

    def on_delivered(self, action: Action) -> None: ...

    def on_dropped(self, reason: DropReason, events: int) -> None: ...

    def on_subscribers(self, count: int) -> None: ...


class NullLiveObserver:
    def on_webhook(self, outcome: WebhookOutcome) -> None:
        pass

    def on_published(self, action: Action) -> None:
        pass

    def on_delivered(self, action: Action) -> None:
        pass

    def on_dropped(self, reason: DropReason, events: int) -> None:
        pass

    def on_subscribers(self, count: int) -> None:
        pass
