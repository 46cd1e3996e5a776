"""The standalone server on a real port: API, control routes (v1 retirement too), a dropped
connection, and `serve` (with `retire_v1`) in its own process."""

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from gateway.sandbox import DEMO_TOKEN, Sandbox
from gateway.sandbox.server import create_standalone_app

STARTUP_TIMEOUT_S = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    sandbox = Sandbox(db_path=str(tmp_path / "served.sqlite3"))
    port = free_port()
    # uvicorn binds the port itself: handing it a pre-bound socket costs ~40 ms per keep-alive request.
    config = uvicorn.Config(
        create_standalone_app(sandbox), host="127.0.0.1", port=port, log_level="critical", lifespan="on", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        _wait_until_started(server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT_S)
        sandbox.close()


def _wait_until_started(server: uvicorn.Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline:
            raise AssertionError("uvicorn did not start")
        time.sleep(0.01)


def test_real_requests(base_url: str) -> None:
    with httpx.Client(base_url=base_url, headers={"x-api-token": DEMO_TOKEN}) as http:
        listed = http.get("/api/v1/activities", params={"limit": 3})
        assert listed.status_code == 200 and len(listed.json()["data"]) == 3
        assert listed.headers["x-ratelimit-limit"] == "100000"
        created = http.post("/api/v1/activities", json={"subject": "Over the wire"})
        assert created.status_code == 201
        assert http.get("/api/v1/activities/collection", params={"limit": 1}).status_code == 200
        assert http.get("/api/v1/activities", headers={"x-api-token": "nope"}).status_code == 401


def test_control_routes(base_url: str) -> None:
    with httpx.Client(base_url=base_url, headers={"x-api-token": DEMO_TOKEN}) as http:
        fault = {"kind": "status", "status": 503, "method": "GET", "path": "/api/v1/users*", "retry_after": 1}
        assert http.post("/_control/faults", json=fault).status_code == 201
        refused = http.get("/api/v1/users")
        assert (refused.status_code, refused.headers["Retry-After"]) == (503, "1")
        assert http.get("/api/v1/users").status_code == 200
        recorded = http.get("/_control/requests").json()
        assert recorded["count"] == 2
        assert [entry["status"] for entry in recorded["requests"]] == [503, 200]
        assert recorded["requests"][0]["path"] == "/api/v1/users"
        assert http.post("/_control/faults", json={"kind": "nope"}).status_code == 400
        assert http.post("/_control/latency", json={"ms": 20}).json() == {"latency_ms": 20.0}
        assert http.post("/_control/latency", json={"ms": "fast"}).status_code == 400
        assert http.delete("/_control/requests").status_code == 200
        assert http.get("/_control/requests").json()["count"] == 0
        assert http.post("/_control/reset").status_code == 200
        assert http.get("/_control/requests").json()["count"] == 0


def test_retiring_v1_over_the_control_route(base_url: str) -> None:
    with httpx.Client(base_url=base_url, headers={"x-api-token": DEMO_TOKEN}) as http:
        assert http.post("/_control/retire-v1").json() == {"v1_retired": True}
        gone = http.get("/api/v1/activities")
        assert gone.status_code == 410 and gone.json()["success"] is False
        assert http.get("/api/v2/activities", params={"limit": 1}).status_code == 200
        assert http.delete("/_control/retire-v1").json() == {"v1_retired": False}
        assert http.get("/api/v1/activities").status_code == 200


@pytest.mark.parametrize("kind", ["drop", "refuse"])
def test_dropped_connection_over_a_socket(base_url: str, kind: str) -> None:
    with httpx.Client(base_url=base_url, headers={"x-api-token": DEMO_TOKEN}) as http:
        http.post("/_control/faults", json={"kind": kind, "path": "/api/v1/users"})
        with pytest.raises(httpx.RemoteProtocolError):
            http.get("/api/v1/users")
        assert http.get("/api/v1/users").status_code == 200


def test_serve_runs_the_standalone_app_in_its_own_process(tmp_path: Path) -> None:
    port = free_port()
    db_path = tmp_path / "cli" / "sandbox.sqlite3"
    code = f"from gateway.sandbox.server import serve; serve('127.0.0.1', {port}, {str(db_path)!r}, retire_v1=True)"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        response = _first_answer(f"http://127.0.0.1:{port}/api/v1/users/1", process)
        assert response.status_code == 200 and response.json()["data"]["id"] == 1
        assert db_path.exists()
        retired = httpx.get(f"http://127.0.0.1:{port}/api/v1/activities", headers={"x-api-token": DEMO_TOKEN})
        assert retired.status_code == 410
    finally:
        process.terminate()
        process.wait(STARTUP_TIMEOUT_S)


def _first_answer(url: str, process: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return httpx.get(url, headers={"x-api-token": DEMO_TOKEN})
        except httpx.ConnectError:
            time.sleep(0.05)
    raise AssertionError("the sandbox server did not answer")
