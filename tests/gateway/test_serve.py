"""The command line for real: `gateway serve` on a port from the environment answers GraphQL from the
embedded sandbox with no token and no other set-up, and says so once at start-up (where GraphiQL is,
which upstream, which token applies; never a configured token); `gateway export-schema` prints
schema.graphql; `gateway --version` prints the installed distribution's version."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.__main__ import DISTRIBUTION, main
from gateway.app import YOUNG_GENERATION_THRESHOLD, create_app_from_env
from gateway.sandbox import DEMO_NONADMIN_TOKEN, DEMO_TOKEN
from tests.support import free_port, gateway_process

ROOT = Path(__file__).resolve().parents[2]
SECRET = "0123456789abcdef0123456789abcdef01234567"


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "GATEWAY_SANDBOX_DB": str(tmp_path / "sandbox.sqlite3"), **extra}
    for name in ("PIPEDRIVE_BASE_URL", "PIPEDRIVE_API_TOKEN", "GATEWAY_HOST", "GATEWAY_LOG_LEVEL"):
        if name not in extra:
            env.pop(name, None)
    return env


def start_up_lines(log: Path) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    return [line for line in lines if line["logger"] == "gateway.serve"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    log = tmp_path / "stderr.log"
    with (
        log.open("w") as sink,
        gateway_process(
            [sys.executable, "-m", "gateway", "serve"], cwd=tmp_path, env=clean_env(tmp_path), log=sink
        ) as base,
    ):
        yield base, log


def test_serve_answers_from_the_sandbox_with_no_token(served: tuple[str, Path], tmp_path: Path) -> None:
    base, _ = served
    answer = httpx.post(f"{base}/graphql", json={"query": "{ activityTypes { name } }"})
    assert answer.status_code == 200
    names = [t["name"] for t in answer.json()["data"]["activityTypes"]]
    assert "Call" in names and "Meeting" in names
    assert (tmp_path / "sandbox.sqlite3").exists()  # created and seeded on first start


def test_serve_says_once_where_graphiql_is_and_which_demo_tokens_answer(served: tuple[str, Path]) -> None:
    base, log = served
    [line] = start_up_lines(log)
    assert line["level"] == "INFO"
    assert line["graphiql"] == f"{base}/graphql" and f"GraphiQL at {base}/graphql" in line["message"]
    assert line["upstream"] == "sandbox" and "embedded sandbox" in line["message"]
    assert "without a token use the sandbox's demo admin token" in line["message"]
    assert line["demo_tokens"] == {"admin": DEMO_TOKEN, "non_admin": DEMO_NONADMIN_TOKEN}
    assert DEMO_TOKEN in line["message"] and DEMO_NONADMIN_TOKEN in line["message"]


def test_on_a_real_upstream_the_start_up_line_names_it_but_never_the_token(tmp_path: Path) -> None:
    upstream = f"http://127.0.0.1:{free_port()}/api"  # nothing listens: start-up does not call it
    env = clean_env(tmp_path, PIPEDRIVE_BASE_URL=upstream, PIPEDRIVE_API_TOKEN=SECRET)
    log = tmp_path / "stderr.log"
    argv = [sys.executable, "-m", "gateway", "serve", "--workers", "2"]
    with log.open("w") as sink, gateway_process(argv, cwd=tmp_path, env=env, log=sink) as base:
        httpx.get(f"{base}/healthz")
    [line] = start_up_lines(log)  # once in all, not once per worker
    assert line["upstream"] == upstream and f"on the upstream {upstream}" in line["message"]
    assert line["graphiql"] == f"{base}/graphql"
    assert "without a token use PIPEDRIVE_API_TOKEN" in line["message"]
    assert "demo_tokens" not in line
    assert SECRET not in log.read_text() and DEMO_TOKEN not in log.read_text()


def test_version_prints_the_installed_distributions_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"{DISTRIBUTION} {metadata.version(DISTRIBUTION)}\n"
    printed = subprocess.run([sys.executable, "-m", "gateway", "--version"], capture_output=True, text=True, check=True)
    assert printed.stdout.split() == [DISTRIBUTION, metadata.version(DISTRIBUTION)]


def test_export_schema_prints_the_committed_sdl() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "gateway", "export-schema"], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert printed == (ROOT / "schema.graphql").read_text()


@pytest.mark.parametrize(
    ("environment", "workers", "runs"),
    [
        ({}, 2, False),  # the embedded sandbox: live updates on, each worker its own broker
        (
            {
                "PIPEDRIVE_BASE_URL": "http://127.0.0.1:9/api",
                "GATEWAY_WEBHOOK_USER": "hook",
                "GATEWAY_WEBHOOK_PASSWORD": "pw",
            },
            2,
            False,
        ),
        ({"PIPEDRIVE_BASE_URL": "http://127.0.0.1:9/api"}, 2, True),  # no live updates: nothing to miss
        ({"GATEWAY_REDIS_URL": "redis://127.0.0.1:9/0"}, 2, True),  # events shared through Redis
        ({}, 1, True),
        ({}, 0, False),
    ],
)
def test_several_workers_need_redis_while_live_updates_are_on(
    environment: dict[str, str],
    workers: int,
    runs: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("PIPEDRIVE_BASE_URL", "GATEWAY_REDIS_URL", "GATEWAY_WEBHOOK_USER", "GATEWAY_WEBHOOK_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    served: list[int] = []
    monkeypatch.setattr("gateway.__main__.run_server", lambda settings, *, workers: served.append(workers))
    code = main(["serve", "--workers", str(workers)])
    assert (code, served) == ((0, [workers]) if runs else (2, []))
    if not runs:
        assert "--workers" in capsys.readouterr().err


def test_the_served_app_freezes_its_start_up_objects_and_collects_young_objects_less_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What uvicorn builds in each worker: start-up objects out of the collector's sight, and a young
    generation of 10,000 allocations (a page request makes thousands that live as long as it does)."""
    monkeypatch.setenv("PIPEDRIVE_BASE_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", SECRET)
    previous = gc.get_threshold()
    try:
        create_app_from_env()
        assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, *previous[1:])
        assert YOUNG_GENERATION_THRESHOLD == 10_000 and gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()
