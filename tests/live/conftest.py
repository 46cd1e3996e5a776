"""Fixtures of the live-update tests: the gateway on the embedded sandbox, served by uvicorn on
127.0.0.1 (WebSockets need a real socket), with webhook credentials set; its base URL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest

from gateway.app import create_app
from gateway.config import ApiMode, LiveSettings, Settings, WebhookSettings
from gateway.sandbox import SEED_TEST_DAY, Sandbox
from tests.live.support import WEBHOOK_PASSWORD, WEBHOOK_USER
from tests.support import serve_in_thread

FAST_RETRIES = (0.05, 0.05, 0.05)


@dataclass
class Live:
    url: str
    sandbox: Sandbox


BOTH_VERSIONS = pytest.mark.parametrize("api_version", ["v1", "v2"])
"""For the tests where the gateway reads activities: run them on both Pipedrive API versions."""


@pytest.fixture
def live_settings() -> LiveSettings:
    return LiveSettings()


@pytest.fixture
def live_sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(db_path=":memory:", seed_day=SEED_TEST_DAY, webhook_retry_delays=FAST_RETRIES)
    yield sandbox
    sandbox.close()


@pytest.fixture
def live(live_sandbox: Sandbox, api_version: ApiMode, live_settings: LiveSettings) -> Iterator[Live]:
    settings = Settings(
        api_version=api_version,
        webhooks=WebhookSettings(user=WEBHOOK_USER, password=WEBHOOK_PASSWORD),
        live=live_settings,
    )
    with serve_in_thread(create_app(settings, sandbox=live_sandbox)) as url:
        yield Live(url, live_sandbox)


@pytest.fixture
async def http(live: Live) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as client:
        yield client
