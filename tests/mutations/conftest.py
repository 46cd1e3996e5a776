"""Fixtures of the mutation tests: the gateway over a fresh sandbox with retries that never really sleep
(the sandbox's REST API, `rest`, comes from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.app import create_app
from gateway.config import ApiMode, Settings
from gateway.sandbox import Sandbox
from gateway.upstream.retry import RetryPolicy
from tests.support import API_VERSIONS, running


@pytest.fixture(params=API_VERSIONS)
def api_version(request: pytest.FixtureRequest) -> ApiMode:
    mode: ApiMode = request.param
    return mode


async def _no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture
async def http(sandbox: Sandbox, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    policy = RetryPolicy(settings.retry, sleep=_no_sleep)
    async with running(create_app(settings, sandbox=sandbox, retry_policy=policy)) as client:
        yield client
