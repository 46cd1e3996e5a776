"""The load driver, run as its own process: N concurrent async httpx clients send one operation,
bounded in requests and in time, and print one JSON line of figures.

    python -m bench.driver --target gateway --url http://127.0.0.1:8000/graphql --scenario page100 \
        --fixture '{"activity_id": 3, "alias_ids": [3]}' --concurrency 16 --requests 800 --seconds 5

`--target floor` runs the scenario's floor against the sandbox (`--url http://127.0.0.1:8001/api/`)
instead: the same upstream calls, reshaped by hand and encoded, in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.scenarios import BY_NAME, Fixture, FloorState, Scenario

Operation = Callable[[], Awaitable[tuple[int, bytes]]]
"""One request: (HTTP status, body)."""
TIMEOUT_S = 60.0
ERROR_MARK = b'"errors"'


@dataclass
class Tally:
    """What the workers saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    graphql_errors: int = 0
    transport_errors: int = 0
    first_error: str | None = None
    upstream: list[dict[str, Any]] = field(default_factory=list)

    def note(self, status: int, body: bytes, seconds: float) -> None:
        self.latencies.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status != 200 or (ERROR_MARK in body and "errors" in json.loads(body)):
            self.graphql_errors += 1
            self.first_error = self.first_error or body[:300].decode("utf-8", "replace")
        elif len(self.upstream) < 3:
            self.upstream.append(json.loads(body).get("extensions", {}).get("upstream", {}))


def encode(data: Any) -> bytes:
    """The floor's encoder: the one the gateway's responses use (Strawberry's: the standard library)."""
    return json.dumps({"data": data}, separators=(",", ":")).encode()


def gateway_operation(client: httpx.AsyncClient, url: str, body: bytes) -> Operation:
    headers = {"content-type": "application/json", "accept": "application/json"}

    async def send() -> tuple[int, bytes]:
        response = await client.post(url, content=body, headers=headers)
        return response.status_code, response.content

    return send


def health_check(client: httpx.AsyncClient, graphql_url: str) -> Operation:
    """The gateway's cheapest request: opens the client's connection."""
    url = graphql_url.rsplit("/graphql", 1)[0] + "/healthz"

    async def send() -> tuple[int, bytes]:
        response = await client.get(url)
        return response.status_code, response.content

    return send


def floor_operation(client: httpx.AsyncClient, scenario: Scenario, fixture: Fixture) -> Operation:
    state = FloorState()

    async def send() -> tuple[int, bytes]:
        return 200, encode(await scenario.floor(client, fixture, state))

    return send


async def drive(
    operations: list[Operation], requests: int, seconds: float, warmup: int, openers: list[Operation] | None = None
) -> dict[str, Any]:
    """One worker per operation (each with its own client and connection): open the connections,
    warm up, then run until `requests` are sent or `seconds` have passed.

    `openers` (a cheap request per client) open the connections one after the other, quickly: opened
    all at once, one uvicorn worker accepts most of them (an event loop accepts every pending
    connection when it wakes) and a second worker idles."""
    for opener in openers or ():
        await opener()
    rounds = max(1, -(-warmup // len(operations))) if warmup else 0
    await asyncio.gather(*(_warm(operation, rounds) for operation in operations))
    tally = Tally()
    issued = 0
    deadline = time.perf_counter() + seconds

    async def worker(operation: Operation) -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < deadline:
            issued += 1
            started = time.perf_counter()
            try:
                status, body = await operation()
            except httpx.HTTPError as exc:
                tally.transport_errors += 1
                tally.first_error = tally.first_error or f"{type(exc).__name__}: {exc!r}"
                continue
            tally.note(status, body, time.perf_counter() - started)

    cpu_before, ticks_before = _cpu_seconds(), _machine_ticks()
    started = time.perf_counter()
    await asyncio.gather(*(worker(operation) for operation in operations))
    elapsed = time.perf_counter() - started
    result = summary(tally, elapsed, _cpu_seconds() - cpu_before, len(operations))
    result["machine_busy_pct"] = _busy_percent(ticks_before, _machine_ticks())
    return result


async def _warm(operation: Operation, rounds: int) -> None:
    for _ in range(rounds):
        await operation()


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the machine (/proc/stat; zeros elsewhere)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _busy_percent(before: tuple[int, int], after: tuple[int, int]) -> float | None:
    """How busy all cores were while measuring: 100 is every core all the time."""
    total = after[1] - before[1]
    return round(100 * (after[0] - before[0]) / total, 1) if total else None


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(tally: Tally, elapsed: float, cpu: float, concurrency: int) -> dict[str, Any]:
    ordered = sorted(tally.latencies)
    count = len(ordered)
    return {
        "concurrency": concurrency,
        "requests": count,
        "seconds": round(elapsed, 3),
        "rps": round(count / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 2),
        "p90_ms": round(percentile(ordered, 0.90) * 1000, 2),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
        "max_ms": round((ordered[-1] if ordered else 0.0) * 1000, 2),
        "errors": tally.graphql_errors + tally.transport_errors,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "first_error": tally.first_error,
        "upstream": tally.upstream[:1],
        "driver_cpu_ms_per_request": round(cpu * 1000 / count, 3) if count else None,
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """One httpx client per worker: a single pool of 64 connections costs the driver more CPU per
    request than the gateway spends (httpcore scans its pool on every request)."""
    scenario = BY_NAME[args.scenario]
    fixture = Fixture.from_json(args.fixture)
    headers = {"x-api-token": os.environ["PIPEDRIVE_API_TOKEN"]} if args.target == "floor" else {}
    body = json.dumps(scenario.request(fixture)).encode()
    async with contextlib.AsyncExitStack() as stack:
        operations, openers = [], []
        for _ in range(args.concurrency):
            client = await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=args.url, limits=httpx.Limits(max_connections=1), timeout=TIMEOUT_S, headers=headers
                )
            )
            if args.target == "floor":
                operations.append(floor_operation(client, scenario, fixture))
            else:
                operations.append(gateway_operation(client, args.url, body))
                openers.append(health_check(client, args.url))
        return await drive(operations, args.requests, args.seconds, args.warmup, openers)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("gateway", "floor"), required=True)
    parser.add_argument("--url", required=True, help="the gateway's /graphql, or the sandbox's /api/ for a floor")
    parser.add_argument("--scenario", choices=sorted(BY_NAME), required=True)
    parser.add_argument("--fixture", required=True, help="Fixture as JSON")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200, help="at most this many measured requests")
    parser.add_argument("--seconds", type=float, default=5.0, help="and for at most this long")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests first")
    return parser


def _run() -> None:
    args = _parser().parse_args()
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(main(args))
    else:
        result = uvloop.run(main(args))
    print(json.dumps(result))


if __name__ == "__main__":
    _run()
