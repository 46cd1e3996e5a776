"""The linked-object tests run on API v1 and on v2: on v2 there is no `related_objects`, so each
linked kind of a page costs one batched call (README, "Upstream API versions")."""

from __future__ import annotations

import pytest

from gateway.config import ApiMode
from tests.support import API_VERSIONS


@pytest.fixture(params=API_VERSIONS)
def api_version(request: pytest.FixtureRequest) -> ApiMode:
    mode: ApiMode = request.param
    return mode
