"""A fresh clone needs python3, make and git, nothing else: `make run`, really run in a copy of the files
git would commit, with `node`, `npm` and `npx` shadowed on PATH by commands that fail and record that
they were called, sets up (installing what serving needs, not the test tools) and serves GraphiQL with
every file it pins, and nothing ever calls node or npm.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.edge.explorer import STATIC_PATH, sri
from tests.installed import LEAKY, fresh_copy
from tests.support import free_port, page_assets

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
SHADOWED = ("node", "npm", "npx", "corepack")
SET_UP_SECONDS = 300  # a cold pip cache on a slow line; about 30 s here


def shadow(folder: Path, calls: Path) -> Path:
    folder.mkdir()
    for name in SHADOWED:
        script = folder / name
        script.write_text(
            f'#!/bin/sh\necho "{name} $*" >> "{calls}"\necho "{name}: not on this machine" >&2\nexit 127\n'
        )
        script.chmod(0o755)
    return folder


@pytest.fixture
def without_node(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """An environment whose PATH finds only failing node/npm/npx, and the file that records their calls."""
    calls = tmp_path / "node-calls.log"
    env = {k: v for k, v in os.environ.items() if k not in LEAKY and not k.startswith(("GATEWAY_", "MAKE", "MFLAGS"))}
    env["PATH"] = f"{shadow(tmp_path / 'shadow', calls)}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHON", None)  # the Makefile's own default, python3
    probe = subprocess.run(["sh", "-c", "npm --version"], env=env, capture_output=True)
    assert probe.returncode == 127 and calls.read_text().startswith("npm"), "the shadow is first on PATH"
    calls.unlink()
    yield env, calls


def test_make_run_in_a_fresh_clone_serves_graphiql_without_node_or_npm(
    tmp_path: Path, without_node: tuple[dict[str, str], Path]
) -> None:
    env, calls = without_node
    clone = fresh_copy(tmp_path / "clone")
    port = free_port()
    env |= {"GATEWAY_PORT": str(port)}
    log = tmp_path / "make-run.log"
    with log.open("w") as sink:
        make = subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=sink, stderr=sink, start_new_session=True)
        try:
            base = wait_until_serving(f"http://127.0.0.1:{port}", make, log)
            check_graphiql(base)
        finally:
            os.killpg(make.pid, signal.SIGTERM)  # make's process group: make and the gateway it started
            make.wait(timeout=20)
    assert not calls.exists(), f"node/npm were called: {calls.read_text()}"
    installed = clone / ".venv" / "bin"
    assert (installed / "gateway").exists()
    assert not (installed / "pytest").exists() and not (installed / "playwright").exists(), "serving only"
    assert "GraphiQL at" in log.read_text(), "the start-up line says where GraphiQL is"


def wait_until_serving(base: str, make: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + SET_UP_SECONDS
    while time.monotonic() < deadline:
        assert make.poll() is None, f"make run stopped ({make.returncode}):\n{log.read_text()[-4000:]}"
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return base
        except httpx.TransportError:
            time.sleep(0.5)
    raise AssertionError(f"make run did not serve within {SET_UP_SECONDS} s:\n{log.read_text()[-4000:]}")


def check_graphiql(base: str) -> None:
    page = httpx.get(f"{base}/graphql", headers=BROWSER, timeout=10)
    assert page.status_code == 200, page.text
    assets = page_assets(page.text)
    assert assets and all(url.startswith(STATIC_PATH + "/") for url in assets)
    for url, integrity in assets.items():
        served = httpx.get(f"{base}{url}", timeout=10)
        assert served.status_code == 200 and integrity == sri(served.content), url
