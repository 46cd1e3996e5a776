"""Which Pipedrive API the activity operations use, and the `auto` move from v1 to v2.

Pipedrive put its seven v1 activity endpoints out of support on 2026-08-01; `/api/v2/activities`
replaces them. `v1` and `v2` pin one; `auto` (the default) starts on v1 and moves to v2 for good,
once, the first time a v1 activity endpoint answers 410 Gone. One `ApiVersion` per app (one
upstream): the move is logged once at WARNING and counted by the observer.
"""

from __future__ import annotations

import logging
from typing import Literal, Protocol

from gateway.config import ApiMode

Version = Literal["v1", "v2"]

logger = logging.getLogger("gateway.api_version")


class VersionObserver(Protocol):
    def on_switch(self, version: Version) -> None: ...


class NullVersionObserver:
    def on_switch(self, version: Version) -> None:
        pass


class ApiVersion:
    def __init__(self, mode: ApiMode, observer: VersionObserver | None = None) -> None:
        self.mode = mode
        self._current: Version = "v2" if mode == "v2" else "v1"
        self._observer: VersionObserver = observer or NullVersionObserver()

    @property
    def current(self) -> Version:
        return self._current

    def retire_v1(self, endpoint: str) -> None:
        """In `auto`, move to v2 (once): `endpoint` answered 410 Gone."""
        if self.mode != "auto" or self._current == "v2":
            return
        self._current = "v2"
        logger.warning(
            "the upstream retired its v1 activity endpoints (%s answered 410 Gone): "
            "activity operations use API v2 from now on",
            endpoint,
            extra={"api_version": "v2", "endpoint": endpoint},
        )
        self._observer.on_switch("v2")
