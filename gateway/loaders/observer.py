"""The loaders' metrics hook, injected by the app (`gateway.observability.LoaderMetrics`)."""

from __future__ import annotations

from typing import Protocol


class LoaderObserver(Protocol):
    """Told of every batch a loader sends upstream; must be cheap and must not raise."""

    def on_batch(self, loader: str, size: int) -> None: ...


class NullLoaderObserver:
    def on_batch(self, loader: str, size: int) -> None:
        pass
