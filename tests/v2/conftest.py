"""The gateway on Pipedrive's API v2 (`--api-version v2`), over a fresh sandbox."""

from __future__ import annotations

import pytest

from gateway.config import ApiMode


@pytest.fixture
def api_version() -> ApiMode:
    return "v2"
