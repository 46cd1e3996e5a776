"""Helpers for driving the gateway over HTTP in tests: in-process (ASGITransport) or on a real socket."""

from __future__ import annotations

import contextlib
import html.parser
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from gateway.config import ApiMode
from gateway.edge.admission import Admitted
from gateway.edge.view import GatewayGraphQL

API_VERSIONS: tuple[ApiMode, ...] = ("v1", "v2")
"""The versions a folder's tests run on when its `api_version` fixture takes them as params."""


def v1_only(reason: str) -> pytest.MarkDecorator:
    """Runs a test on API v1 alone in a folder whose tests run on both: for behaviour v2 has not, or
    answers otherwise by design; `reason` says which (`pytest -m v1_only` lists them)."""
    return pytest.mark.parametrize("api_version", [pytest.param("v1", marks=pytest.mark.v1_only(reason))])


@dataclass(frozen=True, slots=True)
class ActivityPaths:
    """The sandbox paths the gateway's activity operations call on one API version (README, "Upstream
    API versions"): what a test counts, or injects a fault on, whichever version it runs on."""

    list: str
    """`activities` pages."""
    collection: str
    """`activitiesCollection` pages."""
    one: str
    """One activity (GET, the update, DELETE), as a pattern: `path("…/*")` of `sandbox.control`."""
    add: str
    update: str
    """The method of an update: PUT on v1, PATCH on v2."""
    list_cost: int
    """The rate-limit tokens of one `activities` page."""
    bulk_delete: str
    """Where `deleteActivities` sends its DELETEs: v1's bulk endpoint (`?ids=`), v2's one per id."""
    admin_check: tuple[str, ...]
    """What `activitiesCollection` asks first, once per token: on v2 whether the token's user is an
    admin (v1's upstream refuses a non-admin itself)."""

    def of(self, activity_id: int) -> str:
        return self.one.replace("*", str(activity_id))


ACTIVITY_PATHS: dict[ApiMode, ActivityPaths] = {
    "v1": ActivityPaths(
        list="/api/v1/activities",
        collection="/api/v1/activities/collection",
        one="/api/v1/activities/*",
        add="/api/v1/activities",
        update="PUT",
        list_cost=20,
        bulk_delete="/api/v1/activities",
        admin_check=(),
    ),
    "v2": ActivityPaths(
        list="/api/v2/activities",
        collection="/api/v2/activities",
        one="/api/v2/activities/*",
        add="/api/v2/activities",
        update="PATCH",
        list_cost=10,
        bulk_delete="/api/v2/activities/*",
        admin_check=("/api/v1/users/me",),
    ),
}


class FakeClock:
    """Monotonic seconds that move only when someone sleeps; every sleep is recorded."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def sandbox_rest(sandbox: Any, token: str) -> httpx.AsyncClient:
    """The sandbox's REST API asked directly with `token`: what the gateway's answers are checked against."""
    return httpx.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox", headers={"x-api-token": token})


@contextlib.asynccontextmanager
async def running(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan entered, and an httpx client wired to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield client


def graphql_view(app: Starlette) -> GatewayGraphQL:
    """The app's GraphQL view, under the admission that wraps it."""
    for route in app.routes:
        if isinstance(route, Route) and route.path == "/graphql":
            view = route.app.app if isinstance(route.app, Admitted) else route.app
            assert isinstance(view, GatewayGraphQL)
            return view
    raise LookupError("no /graphql route")


class GraphQLClient:
    """POSTs operations to /graphql and returns the decoded response body."""

    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str] | None = None) -> None:
        self.http = http
        self.headers = headers or {}

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={**self.headers, **(headers or {})},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """The `data` of a response that must have no errors."""
        body = await self(query, variables, **kwargs)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


class _Assets(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        url = attributes.get("src") if tag == "script" else None
        if tag == "link" and attributes.get("rel") == "stylesheet":
            url = attributes.get("href")
        if url:
            self.found[url] = attributes.get("integrity")


def page_assets(page: str) -> dict[str, str | None]:
    """Every script and stylesheet an HTML page references: its URL and its `integrity` (None if none)."""
    parser = _Assets()
    parser.feed(page)
    return parser.found


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def serve_in_thread(app: Any, port: int | None = None) -> Iterator[str]:
    """Run `app` under uvicorn on 127.0.0.1 in a thread; yields its base URL; stops it on exit."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def gateway_process(
    argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], log: TextIO | int = subprocess.DEVNULL
) -> Iterator[str]:
    """`gateway serve` (as `argv` starts it) on 127.0.0.1 and a free port, its stderr to `log`; yields its
    base URL once `/healthz` answers, and stops the process (by its pid) on exit."""
    port = free_port()
    env = {**env, "GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(port)}
    process = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_health(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_for_health(base: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"gateway serve did not start (exit status {process.poll()})")
        time.sleep(0.1)
