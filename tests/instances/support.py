"""Driving several gateway processes: their environment, their logs, and what a test asks of them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from gateway.config import ApiMode
from gateway.sandbox import DEMO_TOKEN, Sandbox
from tests.live.support import WEBHOOK_PASSWORD, WEBHOOK_USER
from tests.support import gateway_process

INHERITED_SETTINGS = ("PIPEDRIVE_", "GATEWAY_")


@dataclass
class Upstream:
    url: str
    sandbox: Sandbox

    def requests(self, path: str | None = None) -> list[tuple[str, str, int]]:
        """(method, path, status) of each request the sandbox served, on `path` (prefix with "*") if given."""
        recorded = list(self.sandbox.control.requests)
        return [
            (r.method, r.path, r.status)
            for r in recorded
            if path is None or r.path == path or (path.endswith("*") and r.path.startswith(path[:-1]))
        ]


class Gateways:
    """`gateway serve` processes over one upstream, each with its own log file."""

    def __init__(self, upstream: Upstream, workdir: Path, api_version: ApiMode) -> None:
        self.upstream = upstream
        self.workdir = workdir
        self.api_version = api_version
        self.logs: dict[str, Path] = {}

    def env(self, redis_url: str | None, prefix: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(INHERITED_SETTINGS)}
        env.update(
            PIPEDRIVE_BASE_URL=f"{self.upstream.url}/api",
            PIPEDRIVE_API_VERSION=self.api_version,
            GATEWAY_WEBHOOK_USER=WEBHOOK_USER,
            GATEWAY_WEBHOOK_PASSWORD=WEBHOOK_PASSWORD,
            GATEWAY_REDIS_PREFIX=prefix,
            GATEWAY_LOG_LEVEL="INFO",
        )
        if redis_url is not None:
            env["GATEWAY_REDIS_URL"] = redis_url
        return env

    @contextlib.contextmanager
    def start(self, count: int, redis_url: str | None, prefix: str) -> Iterator[list[str]]:
        """`count` instances, one after another; their base URLs."""
        with contextlib.ExitStack() as stack:
            urls = [stack.enter_context(self.one(redis_url, prefix)) for _ in range(count)]
            yield urls

    @contextlib.contextmanager
    def one(self, redis_url: str | None, prefix: str) -> Iterator[str]:
        log = self.workdir / f"gateway-{len(self.logs)}.log"
        argv = [sys.executable, "-m", "gateway", "serve"]
        with (
            log.open("w") as sink,
            gateway_process(argv, cwd=self.workdir, env=self.env(redis_url, prefix), log=sink) as url,
        ):
            self.logs[url] = log
            yield url

    def log_lines(self, url: str, logger: str | None = None) -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in self.logs[url].read_text().splitlines() if line.startswith("{")]
        return [line for line in lines if logger is None or line.get("logger") == logger]


async def graphql(url: str, query: str, token: str = DEMO_TOKEN, timeout: float = 30) -> dict[str, Any]:
    """POST `query` to the instance at `url`; the body, which must be a 200."""
    async with httpx.AsyncClient(base_url=url, timeout=timeout) as http:
        response = await http.post("/graphql", json={"query": query}, headers={"x-api-token": token})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def data(url: str, query: str, token: str = DEMO_TOKEN) -> dict[str, Any]:
    body = await graphql(url, query, token)
    assert "errors" not in body, body["errors"]
    found: dict[str, Any] = body["data"]
    return found


async def readiness(url: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        response = await http.get("/readyz")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def until_ready(url: str, timeout: float = 20, **expected: str) -> None:
    """Until `/readyz` of `url` says what `expected` says (`redis="ok"`, `apiVersion="v2"`)."""
    async with asyncio.timeout(timeout):
        while True:
            ready = await readiness(url)
            if all(ready.get(key) == value for key, value in expected.items()):
                return
            await asyncio.sleep(0.05)
