"""Tokens never reach a log line, an upstream URL, an error message or a metrics label: requests with
tokens, failures and faults go through a real socket (uvicorn) while every logger writes at DEBUG,
and the token strings are looked for everywhere the gateway writes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import ApiMode, Settings
from gateway.sandbox import DEMO_NONADMIN_TOKEN, DEMO_OAUTH_TOKEN, DEMO_TOKEN, OTHER_COMPANY_TOKEN, Fault, Sandbox
from gateway.upstream.client import PipedriveClient
from gateway.upstream.retry import RetryPolicy
from tests.support import ActivityPaths, FakeClock, serve_in_thread

UNKNOWN_TOKEN = "f3a9c1d2e4b5a6978812ab34cd56ef7890abcdef"  # shaped like a real API token, refused upstream
TOKENS = [DEMO_TOKEN, DEMO_NONADMIN_TOKEN, DEMO_OAUTH_TOKEN, OTHER_COMPANY_TOKEN, UNKNOWN_TOKEN]
LOGGERS = ["", "gateway", "httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access", "strawberry", "asyncio"]
CALLERS: list[dict[str, str]] = [
    {"x-api-token": DEMO_TOKEN},
    {"authorization": f"Bearer {DEMO_OAUTH_TOKEN}"},
    {"x-api-token": DEMO_NONADMIN_TOKEN, "x-request-id": DEMO_NONADMIN_TOKEN},  # a token as request id too
    {"x-api-token": OTHER_COMPANY_TOKEN},
    {"x-api-token": UNKNOWN_TOKEN},
    {"authorization": f"Bearer {UNKNOWN_TOKEN}"},
]
QUERIES = [
    "{ activities(first: 3) { nodes { subject owner { name } person { name } } } activityTypes { name } }",
    '{ activity(id: "1") { subject organization { name } deal { title probability } } }',
    "{ activitiesCollection(first: 2) { nodes { subject } } }",  # FORBIDDEN for the non-admin
    '{ activities(first: 2, after: "not a cursor") { nodes { subject } } }',
    'mutation { addActivity(input: {subject: "s", dueTime: "25:99"}) { userErrors { message } } }',
    "{ activities(first: 2) { nodes { subject } ",
]


def faults(paths: ActivityPaths) -> list[Fault]:
    return [
        Fault(kind="status", status=503, times=3, path=paths.list),
        Fault(kind="status", status=429, retry_after=1, times=2),
        Fault(kind="drop", times=2),
        Fault(kind="malformed", times=2),
        Fault(kind="status", status=500, times=2, path="/api/v2/*"),
    ]


class RecordingTransport(httpx.AsyncBaseTransport):
    """The sandbox transport, remembering every request URL the gateway sent upstream."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.urls: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return await self.inner.handle_async_request(request)


@pytest.fixture
def every_logger_at_debug(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG on every logger; call `capture_all` again once uvicorn has set up its own."""
    previous = {name: (logging.getLogger(name).level, logging.getLogger(name).propagate) for name in LOGGERS}
    capture_all(caplog)
    yield caplog
    for name, (level, propagate) in previous.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.removeHandler(caplog.handler)
        logger.propagate = propagate


def capture_all(caplog: pytest.LogCaptureFixture) -> None:
    """Every logger at DEBUG into caplog, even those that do not propagate (uvicorn's)."""
    caplog.handler.setLevel(logging.DEBUG)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        if name and not logger.propagate and caplog.handler not in logger.handlers:
            logger.addHandler(caplog.handler)


def run_traffic(base_url: str, sandbox: Sandbox, paths: ActivityPaths) -> list[str]:
    """Every query with every caller, once clean and once under each fault; the response texts."""
    texts: list[str] = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for fault in [None, *faults(paths)]:
            if fault is not None:
                sandbox.control.inject(fault)
            for headers in CALLERS:
                for query in QUERIES:
                    response = client.post("/graphql", json={"query": query}, headers=headers)
                    assert response.status_code < 500, response.text
                    texts.append(response.text + str(response.headers))
        metrics = client.get("/metrics")
        assert metrics.status_code == 200 and "upstream" in metrics.text
        texts.append(metrics.text)
    return texts


def test_no_token_is_ever_written(
    every_logger_at_debug: pytest.LogCaptureFixture,
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    api_version: ApiMode,
    paths: ActivityPaths,
) -> None:
    def crash(self: PipedriveClient, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("unexpected failure in the client")

    monkeypatch.setattr(PipedriveClient, "deals_by_ids", crash)  # an unexpected error, logged in full
    clock = FakeClock()
    upstream = RecordingTransport(sandbox.transport())
    settings = Settings(upstream_url="http://sandbox.internal/api", log_level="DEBUG", api_version=api_version)
    app = create_app(settings, upstream, retry_policy=RetryPolicy(settings.retry, sleep=clock.sleep, clock=clock))
    with serve_in_thread(app) as base_url:
        capture_all(every_logger_at_debug)  # uvicorn configured its loggers when it started
        texts = run_traffic(base_url, sandbox, paths)

    caplog = every_logger_at_debug
    assert any(r.name.startswith("uvicorn") for r in caplog.records)
    assert any(r.name == "httpx" for r in caplog.records)
    assert any(r.name == "gateway.errors" and r.exc_info for r in caplog.records)
    written = [caplog.text, *map(_everything_on, caplog.records), *texts, *upstream.urls]
    written += [f"{r.path}?{r.query}{r.body}" for r in sandbox.control.requests]
    for token in TOKENS:
        leaks = [text for text in written if token in text]
        assert leaks == [], f"token {token[:12]}… found in {leaks[0][:300]}"


def _everything_on(record: logging.LogRecord) -> str:
    """The message, the traceback and every extra field of a record."""
    exception = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
    return f"{record.getMessage()} {exception} {vars(record)}"
