"""The command line for real: `gateway serve` on a port from the environment answers GraphQL from the
embedded sandbox with no token and no other set-up; `gateway export-schema` prints schema.graphql."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "GATEWAY_PORT": str(port), "GATEWAY_SANDBOX_DB": str(tmp_path / "sandbox.sqlite3")}
    for name in ("PIPEDRIVE_BASE_URL", "PIPEDRIVE_API_TOKEN", "GATEWAY_HOST"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "gateway serve did not start"
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_answers_from_the_sandbox_with_no_token(served: str, tmp_path: Path) -> None:
    answer = httpx.post(f"{served}/graphql", json={"query": "{ activityTypes { name } }"})
    assert answer.status_code == 200
    names = [t["name"] for t in answer.json()["data"]["activityTypes"]]
    assert "Call" in names and "Meeting" in names
    assert (tmp_path / "sandbox.sqlite3").exists()  # created and seeded on first start


def test_export_schema_prints_the_committed_sdl() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "gateway", "export-schema"], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert printed == (ROOT / "schema.graphql").read_text()
