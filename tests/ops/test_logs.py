"""Structured logs: JSON lines, a request id on each, one line per GraphQL operation with its name,
duration and upstream spend, and no token ever written."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.config import Settings
from gateway.observability.logs import JsonFormatter, RedactingFilter, RequestIdFilter, bind_request_id, logging_config
from gateway.sandbox import DEMO_TOKEN
from tests.support import GraphQLClient, free_port

REPO = Path(__file__).resolve().parents[2]
SECRET = "5ec7e7" * 4


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged during the test, through the gateway's handler set-up (JSON, ids, redaction)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter([SECRET]))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.anyio
async def test_a_graphql_request_logs_json_lines_with_its_request_id(
    log_lines: io.StringIO, gql: GraphQLClient
) -> None:
    await gql.data("query Kinds { activityTypes { name } }", headers={"x-request-id": "req-42"})
    # Every line written while the gateway handled the request; the test client's own line comes after.
    lines = [line for line in parsed(log_lines) if "http://gateway.test" not in str(line["message"])]
    assert lines and all(line["request_id"] == "req-42" for line in lines), lines
    operation = next(line for line in lines if line["logger"] == "gateway.graphql")
    assert operation["operation"] == "Kinds"
    assert operation["operation_type"] == "query"
    assert operation["outcome"] == "ok"
    assert isinstance(operation["duration_ms"], float)
    assert operation["upstream_calls"] == 1 and operation["upstream_cost"] == 20
    access = next(line for line in lines if line["logger"] == "gateway.access")
    assert access["status"] == 200 and access["path"] == "/graphql"


@pytest.mark.anyio
async def test_failed_operations_log_their_error_codes(log_lines: io.StringIO, gql: GraphQLClient) -> None:
    await gql("query Big { activities(first: 900) { nodes { id } } }")
    operation = next(line for line in parsed(log_lines) if line["logger"] == "gateway.graphql")
    assert operation["outcome"] == "BAD_USER_INPUT"
    assert operation["error_codes"] == ["BAD_USER_INPUT"]


@pytest.mark.anyio
async def test_tokens_sent_by_clients_are_not_logged(log_lines: io.StringIO, http: httpx.AsyncClient) -> None:
    token = "0123456789abcdef" * 2 + "01234567"  # shaped like a Pipedrive API token (40 hex)
    body = {"query": "{ activityTypes { name } }"}
    await http.post("/graphql", json=body, headers={"x-api-token": token, "x-request-id": token})
    await http.post(f"/graphql?api_token={token}", json=body, headers={"authorization": f"Bearer {token}"})
    text = log_lines.getvalue()
    assert text, "expected log lines"
    assert token not in text


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    rec = logging.LogRecord("test", logging.ERROR, __file__, 1, message, args, None)
    rec.__dict__.update(extra)
    return rec


@pytest.mark.parametrize(
    "message",
    [
        "headers {'x-api-token': '%s'}",
        "Authorization: Bearer %s",
        "GET /v1/activities?api_token=%s&start=0",
        "raw headers [(b'x-api-token', b'%s')]",
        "the configured default is %s",
    ],
)
def test_redaction_of_token_shapes(message: str) -> None:
    rec = record(message, SECRET)
    RedactingFilter([SECRET]).filter(rec)
    assert SECRET not in rec.getMessage()
    assert "[REDACTED]" in rec.getMessage()


def test_redaction_reaches_tracebacks_and_extra_fields() -> None:
    try:
        raise RuntimeError(f"upstream said no to api_token={SECRET}")
    except RuntimeError:
        rec = logging.LogRecord("test", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    rec.__dict__["path"] = f"/graphql?api_token={SECRET}"
    RedactingFilter().filter(rec)
    line = JsonFormatter().format(rec)
    assert SECRET not in line
    assert json.loads(line)["exception"].startswith("Traceback")


def test_request_id_filter_uses_the_bound_id() -> None:
    rec = record("x")
    with bind_request_id("abc"):
        RequestIdFilter().filter(rec)
    assert json.loads(JsonFormatter().format(rec))["request_id"] == "abc"
    outside = record("y")
    RequestIdFilter().filter(outside)
    assert json.loads(JsonFormatter().format(outside))["request_id"] is None


def test_logging_config_routes_uvicorn_through_the_json_handler() -> None:
    config = logging_config(Settings(api_token=SECRET, log_level="DEBUG"))
    assert config["root"] == {"level": "DEBUG", "handlers": ["json"]}
    assert config["loggers"]["uvicorn.error"]["propagate"] is True
    assert config["filters"]["redact"]["secrets"] == [SECRET]


def test_gateway_serve_writes_json_lines_without_tokens(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PIPEDRIVE_API_TOKEN": SECRET,
        "GATEWAY_SANDBOX_DB": str(tmp_path / "sandbox.sqlite3"),
        "PYTHONPATH": str(REPO),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, process)
        body = {"query": "query Mine { activityTypes { name } }"}
        response = httpx.post(f"{url}/graphql", json=body, headers={"x-request-id": "serve-1"}, timeout=10)
        assert response.headers["x-request-id"] == "serve-1"
        httpx.post(f"{url}/graphql", json=body, headers={"x-api-token": DEMO_TOKEN}, timeout=10)
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert any(line["logger"] == "uvicorn.error" for line in lines)  # uvicorn's own lines are JSON too
    ours = [line for line in lines if line["request_id"] == "serve-1"]
    assert {line["logger"] for line in ours} >= {"gateway.graphql", "gateway.access"}
    assert SECRET not in stderr
    # The start-up line names the sandbox's demo tokens for a user to try; no other line carries the one sent.
    assert [line["logger"] for line in lines if DEMO_TOKEN in json.dumps(line)] == ["gateway.serve"]


def _wait_until_up(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gateway serve exited: {process.communicate()[1]}")
        try:
            httpx.get(f"{url}/healthz", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("gateway serve did not start")
