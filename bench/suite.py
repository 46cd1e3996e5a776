"""The benchmark run: servers up, a fixture found, each scenario probed and measured at each upstream
latency and concurrency, then the levers, each measured on its own.

For every scenario: one probe request (its `extensions.upstream` calls and cost, and which upstream
endpoints the gateway and the floor each hit, from the sandbox's request record), a check that the
floor answers the same `data`, then one driver process per (target, concurrency).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.processes import Server, connections_by_process, cpu_seconds, peak_rss_kib, reset_peak_rss, run_driver
from bench.scenarios import Fixture, FloorState, Scenario

COLLECTION_TARGET = 520
"""Activities the demo company should hold, so `activitiesCollection(first: 500)` is a full page."""


@dataclass(frozen=True)
class Load:
    concurrency: int
    requests: int
    seconds: float
    warmup: int


FULL_LOADS = (Load(1, 300, 5.0, 10), Load(16, 1500, 6.0, 32), Load(64, 3000, 8.0, 64))
QUICK_LOADS = (Load(1, 40, 1.0, 3), Load(16, 200, 1.5, 16), Load(64, 400, 2.0, 64))


@dataclass
class Bench:
    """The running servers and what every measurement needs."""

    sandbox: Server
    gateway: Server
    token: str
    fixture: Fixture

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(method, f"{self.sandbox.url}/_control/{path}", json=body, timeout=30.0)
        response.raise_for_status()
        return response.json()

    def set_latency(self, milliseconds: float) -> None:
        self.control("POST", "latency", {"ms": milliseconds})

    def upstream_requests(self) -> list[str]:
        recorded = self.control("GET", "requests")["requests"]
        return [f"{r['method']} {r['path']}" for r in recorded]

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")


# --- set-up ---------------------------------------------------------------------------------------


def prepare_fixture(sandbox: Server, token: str) -> Fixture:
    """Tops the demo company up to COLLECTION_TARGET activities; the ids the scenarios look up."""
    headers = {"x-api-token": token}
    with httpx.Client(base_url=f"{sandbox.url}/api/", headers=headers, timeout=30.0) as http:
        existing = http.get("v1/activities/collection", params={"limit": "500"}).json()["data"] or []
        for number in range(len(existing), COLLECTION_TARGET):
            body = {"subject": f"Seeded for the benchmark #{number}", "type": "task", "due_date": "2025-02-03"}
            http.post("v1/activities", json=body).raise_for_status()
        page = http.get("v1/activities", params={"user_id": "0", "start": "0", "limit": "100"}).json()["data"]
    ids = tuple(int(item["id"]) for item in page)
    return Fixture(activity_id=ids[0], alias_ids=ids[:50])


def missing_fields(gateway: Server, scenario: Scenario) -> list[str]:
    """The (type.field)s the scenario needs that the gateway's schema lacks."""
    missing = []
    for type_name, field_name in scenario.requires:
        query = {"query": "query($t: String!) { __type(name: $t) { fields { name } } }", "variables": {"t": type_name}}
        described = httpx.post(f"{gateway.url}/graphql", json=query, timeout=30.0).json()["data"]["__type"]
        names = {f["name"] for f in (described or {}).get("fields") or ()}
        if field_name not in names:
            missing.append(f"{type_name}.{field_name}")
    return missing


# --- probing ----------------------------------------------------------------------------------------


def first_difference(left: Any, right: Any, path: str = "data") -> str | None:
    """Where two JSON values first differ, as `path: left != right`; None when equal."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in [*left, *(k for k in right if k not in left)]:
            found = first_difference(left.get(key), right.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return next(
            (
                d
                for i, (a, b) in enumerate(zip(left, right, strict=True))
                if (d := first_difference(a, b, f"{path}[{i}]"))
            ),
            None,
        )
    return None if left == right else f"{path}: {left!r:.60} != {right!r:.60}"


def _without(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


async def _floor_once(bench: Bench, scenario: Scenario) -> dict[str, Any]:
    headers = {"x-api-token": bench.token}
    async with httpx.AsyncClient(base_url=f"{bench.sandbox.url}/api/", headers=headers, timeout=60.0) as http:
        state = FloorState()
        await scenario.floor(
            http, bench.fixture, state
        )  # fills the floor's activity-type cache, as the gateway's is warm
        bench.clear_requests()
        return await scenario.floor(http, bench.fixture, state)


def probe(bench: Bench, scenario: Scenario) -> dict[str, Any]:
    """Calls, cost and endpoints of the gateway's first request of the scenario (caches maybe cold) and
    of the next (warm, what the measurement sees), one floor operation's endpoints, and whether the
    floor's data agree with the gateway's."""
    request = scenario.request(bench.fixture)
    bench.clear_requests()
    first = httpx.post(f"{bench.gateway.url}/graphql", json=request, timeout=60.0).json()  # warms the caches
    first_calls = bench.upstream_requests()
    bench.clear_requests()
    body = httpx.post(f"{bench.gateway.url}/graphql", json=request, timeout=60.0).json()
    gateway_calls = bench.upstream_requests()
    floor_data = asyncio.run(_floor_once(bench, scenario))
    floor_calls = bench.upstream_requests()
    difference = first_difference(
        _without(body.get("data"), scenario.volatile_keys), _without(floor_data, scenario.volatile_keys)
    )
    upstream = (body.get("extensions") or {}).get("upstream") or {}
    return {
        "calls": upstream.get("calls"),
        "cost": upstream.get("cost"),
        "errors": body.get("errors"),
        "gateway_upstream": gateway_calls,
        "first_request": {**((first.get("extensions") or {}).get("upstream") or {}), "upstream": first_calls},
        "floor_upstream": floor_calls,
        "floor_matches_gateway": difference is None,
        "floor_difference": difference,
    }


# --- measuring --------------------------------------------------------------------------------------


def _driver_args(target: str, url: str, scenario: Scenario, fixture: Fixture, load: Load) -> list[str]:
    return [
        "--target",
        target,
        "--url",
        url,
        "--scenario",
        scenario.name,
        "--fixture",
        fixture.as_json(),
        "--concurrency",
        str(load.concurrency),
        "--requests",
        str(load.requests),
        "--seconds",
        str(load.seconds),
        "--warmup",
        str(load.warmup),
    ]


def measure_gateway(bench: Bench, scenario: Scenario, load: Load) -> dict[str, Any]:
    """One driver run against the gateway, with the CPU the gateway and the sandbox spent on it."""
    bench.clear_requests()
    gateway_pids, sandbox_pids = bench.gateway.pids(), bench.sandbox.pids()
    before = cpu_seconds(gateway_pids), cpu_seconds(sandbox_pids)
    with ConnectionWatch(bench.gateway, len(bench.gateway.serving_pids()) > 1) as watch:
        result = run_driver(
            _driver_args("gateway", f"{bench.gateway.url}/graphql", scenario, bench.fixture, load), bench.token
        )
    if watch.split:
        result["connections_per_worker"] = watch.split
    total = result["requests"] + load.warmup
    if total:
        result["gateway_cpu_ms_per_request"] = round((cpu_seconds(gateway_pids) - before[0]) * 1000 / total, 3)
        result["sandbox_cpu_ms_per_request"] = round((cpu_seconds(sandbox_pids) - before[1]) * 1000 / total, 3)
        # Below one at concurrency: identical GETs in flight share one upstream request (UpstreamTransport).
        result["upstream_requests_per_op"] = round(bench.control("GET", "requests")["count"] / total, 3)
    return result


class ConnectionWatch:
    """With several workers: how the driver's connections were shared among them (the largest
    sample taken every half second while the driver runs)."""

    def __init__(self, server: Server, on: bool) -> None:
        self._server, self._on = server, on
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self.split: list[int] = []

    def __enter__(self) -> ConnectionWatch:
        if self._on:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        if self._on:
            self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(0.5):
            counts = connections_by_process(self._server.port)
            if sum(counts.values()) > sum(self.split):
                self.split = sorted(counts.values(), reverse=True)


def measure_floor(bench: Bench, scenario: Scenario, load: Load) -> dict[str, Any]:
    bench.clear_requests()
    return run_driver(_driver_args("floor", f"{bench.sandbox.url}/api/", scenario, bench.fixture, load), bench.token)


def measure(bench: Bench, scenario: Scenario, loads: Sequence[Load]) -> dict[str, Any]:
    """Gateway and floor at each load, and the gateway's peak RSS over the scenario."""
    serving = bench.gateway.serving_pids()
    rss_reset = reset_peak_rss(serving)
    runs = []
    for load in loads:
        gateway = measure_gateway(bench, scenario, load)
        floor = measure_floor(bench, scenario, load)
        runs.append(
            {
                "concurrency": load.concurrency,
                "gateway": gateway,
                "floor": floor,
                "p50_ratio": _ratio(gateway["p50_ms"], floor["p50_ms"]),
            }
        )
    return {
        "runs": runs,
        "peak_rss_mib": round(peak_rss_kib(serving) / 1024, 1),
        "rss_reset": rss_reset,
        "serving_processes": len(serving),
    }


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 2) if denominator else None


def machine() -> dict[str, Any]:
    load1, load5, load15 = os.getloadavg()
    return {"cpus": os.cpu_count(), "loadavg_at_start": [round(load1, 2), round(load5, 2), round(load15, 2)]}


def write_results(results: dict[str, Any], directory: Path, stamp: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bench-{stamp}.json"
    text = json.dumps(results, indent=2)
    path.write_text(text)
    (directory / "latest.json").write_text(text)
    return path
