"""Shared pytest set-up: every async test runs on asyncio (aiodataloader binds the running loop)."""

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
