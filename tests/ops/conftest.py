"""Fixtures of the operability tests: a gateway on a real socket (uvicorn on 127.0.0.1), and helpers to
read its Prometheus metrics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.app import create_app
from gateway.config import Settings
from gateway.sandbox import Sandbox
from tests.support import serve_in_thread


@pytest.fixture(scope="module")
def live_gateway() -> Iterator[str]:
    """The gateway with its defaults (embedded sandbox, demo token), served by uvicorn; its base URL."""
    sandbox = Sandbox(db_path=":memory:")
    try:
        with serve_in_thread(create_app(Settings(), sandbox=sandbox)) as url:
            yield url
    finally:
        sandbox.close()


def sample(exposition: str, name: str, **labels: str) -> float | None:
    """The value of one sample of a Prometheus text exposition (None when absent)."""
    for family in text_string_to_metric_families(exposition):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return None
