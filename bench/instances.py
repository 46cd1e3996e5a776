"""`python -m bench.instances` (`make bench-instances`): one gateway against two, with and without a shared
Redis, at 64 connections over the standalone sandbox.

For each set-up (1 instance, 1 with Redis, 2 instances, 2 sharing a Redis) it starts a fresh sandbox
(`--latency-ms`, 20 by default) and fresh `gateway serve` processes on 127.0.0.1 (and Debian's
redis-server on a free port, when the set-up has one), spreads the connections evenly over the instances
(as a load balancer would), and sends requests that all differ: pages of 10 to 29 activities with their
type and owner, and single activities with their type. After a warm-up from cold caches it reports, per
set-up, the median over `--runs` of throughput, p50 and p99 latency, and the errors; the upstream calls
of the whole set-up, cold start included, by endpoint (activity types: with Redis fetched once, not once
per instance); and, over the measured runs, the gateways' CPU and the Redis commands per request.

Prints the figures and writes them as JSON to bench/results/. Bounded in count and time; every process
it starts, it stops. Figures only: nothing here asserts a timing.

    python -m bench.instances [--quick] [--seconds 10] [--runs 3] [--connections 64] [--latency-ms 20]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import redis

from bench.driver import TIMEOUT_S, Operation, drive, gateway_operation, health_check
from bench.processes import HOST, ROOT, Server, cpu_seconds, free_port, running, start_gateway, start_sandbox
from gateway.sandbox import DEMO_TOKEN

PAGE = (
    "query Page($first: Int) { activities(userId: 0, first: $first) {"
    " nodes { pipedriveId subject dueDate done activityType { name } owner { name } } } }"
)
ONE = "query One($id: ID!) { activity(id: $id) { pipedriveId subject dueDate activityType { name } } }"


@dataclass(frozen=True)
class Setup:
    name: str
    instances: int
    redis: bool


SETUPS = (
    Setup("1 instance", 1, False),
    Setup("1 instance, Redis", 1, True),
    Setup("2 instances", 2, False),
    Setup("2 instances, shared Redis", 2, True),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.instances", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one short run per set-up")
    parser.add_argument("--seconds", type=float, default=10.0, help="each measured run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup-seconds", type=float, default=3.0, help="unmeasured, from cold caches")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--latency-ms", type=float, default=20.0, help="the sandbox's added latency")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    return parser


def bodies(ids: list[int]) -> Iterator[bytes]:
    """Requests that all differ from their neighbours: a page, then an activity, in turn."""
    for number in itertools.count():
        if number % 2:
            yield json.dumps({"query": ONE, "variables": {"id": str(ids[number // 2 % len(ids)])}}).encode()
        else:
            yield json.dumps({"query": PAGE, "variables": {"first": 10 + number // 2 % 20}}).encode()


@contextlib.contextmanager
def redis_server(log_dir: Path) -> Iterator[int]:
    """Debian's redis-server on 127.0.0.1 and a free port, keeping nothing; its port. Stopped by its pid."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is missing: `make redis` installs Debian's (apt-get, as root)")
    port = free_port()
    argv = [binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", str(log_dir)]
    with (log_dir / "redis.log").open("ab") as sink:
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def _answers(port: int) -> bool:
    try:
        with redis.Redis(host=HOST, port=port, socket_timeout=1) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def _commands(port: int | None) -> int:
    if port is None:
        return 0
    with redis.Redis(host=HOST, port=port, socket_timeout=2) as client:
        return int(client.info("stats")["total_commands_processed"])


async def _load(urls: list[str], connections: int, seconds: float, ids: list[int]) -> dict[str, Any]:
    """`connections` clients, each on one instance (in turn), each request its own body."""
    requests = bodies(ids)
    async with contextlib.AsyncExitStack() as stack:
        operations: list[Operation] = []
        openers: list[Operation] = []
        for number in range(connections):
            url = f"{urls[number % len(urls)]}/graphql"
            client = await stack.enter_async_context(
                httpx.AsyncClient(limits=httpx.Limits(max_connections=1), timeout=TIMEOUT_S)
            )
            operations.append(_rotating(client, url, requests))
            openers.append(health_check(client, url))
        return await drive(operations, requests=10**9, seconds=seconds, warmup=connections, openers=openers)


def _rotating(client: httpx.AsyncClient, url: str, requests: Iterator[bytes]) -> Operation:
    async def send() -> tuple[int, bytes]:
        return await gateway_operation(client, url, next(requests))()

    return send


def _upstream_calls(sandbox: Server) -> dict[str, int]:
    recorded = httpx.get(f"{sandbox.url}/_control/requests", timeout=30).json()["requests"]
    by_endpoint = Counter(_template(r["method"], r["path"]) for r in recorded)
    return dict(sorted(by_endpoint.items()))


def _template(method: str, path: str) -> str:
    return f"{method} " + "/".join("{id}" if part.isdigit() else part for part in path.split("/"))


def _run_setup(setup: Setup, args: argparse.Namespace, logs: Path) -> dict[str, Any]:
    with contextlib.ExitStack() as stack:
        port = stack.enter_context(redis_server(logs)) if setup.redis else None
        sandbox = stack.enter_context(running(start_sandbox(logs / f"{setup.name}.sqlite3", logs)))
        httpx.post(f"{sandbox.url}/_control/latency", json={"ms": args.latency_ms}, timeout=10).raise_for_status()
        ids = _activity_ids(sandbox)
        env = {"GATEWAY_LOG_LEVEL": "WARNING"} | ({"GATEWAY_REDIS_URL": f"redis://{HOST}:{port}/0"} if port else {})
        gateways = [
            stack.enter_context(running(start_gateway(sandbox, DEMO_TOKEN, logs, env=env, name=f"gateway-{n}")))
            for n in range(setup.instances)
        ]
        urls = [gateway.url for gateway in gateways]
        httpx.delete(f"{sandbox.url}/_control/requests", timeout=10)
        warm = asyncio.run(_load(urls, args.connections, args.warmup_seconds, ids))  # the caches fill here
        commands, cpu = _commands(port), cpu_seconds([pid for g in gateways for pid in g.pids()])
        runs = [asyncio.run(_load(urls, args.connections, args.seconds, ids)) for _ in range(args.runs)]
        served = sum(run["requests"] for run in runs) + args.connections * args.runs  # and one warm-up each
        cpu = cpu_seconds([pid for g in gateways for pid in g.pids()]) - cpu
        commands = _commands(port) - commands
        upstream = _upstream_calls(sandbox)  # from the cold start on
        everything = served + warm["requests"] + args.connections
        return {
            "setup": setup.name,
            "rps": statistics.median(run["rps"] for run in runs),
            "p50_ms": statistics.median(run["p50_ms"] for run in runs),
            "p99_ms": statistics.median(run["p99_ms"] for run in runs),
            "errors": sum(run["errors"] for run in runs),
            "requests": served,
            "requests_with_warm_up": everything,
            "upstream_calls": sum(upstream.values()),
            "upstream_calls_per_1000_requests": round(sum(upstream.values()) * 1000 / everything, 1),
            "upstream_by_endpoint": upstream,
            "gateway_cpu_ms_per_request": round(cpu * 1000 / served, 2),
            "redis_commands_per_request": round(commands / served, 4) if port else None,
            "machine_busy_pct": statistics.median(run["machine_busy_pct"] or 0 for run in runs),
            "runs": runs,
        }


def _activity_ids(sandbox: Server) -> list[int]:
    answer = httpx.get(
        f"{sandbox.url}/api/v1/activities", params={"user_id": 0, "limit": 200}, headers={"x-api-token": DEMO_TOKEN}
    ).json()
    return [item["id"] for item in answer["data"]]


def _table(results: list[dict[str, Any]]) -> str:
    base = results[0]["rps"] or 1
    lines = [
        "| set-up | req/s (median) | x 1 instance | p50 ms | p99 ms | errors | upstream calls / 1000 req"
        " | activityTypes fetches | gateway CPU ms / req | Redis commands / req |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        types = r["upstream_by_endpoint"].get("GET /api/v1/activityTypes", 0)
        lines.append(
            f"| {r['setup']} | {r['rps']} | {r['rps'] / base:.2f} | {r['p50_ms']} | {r['p99_ms']} | {r['errors']}"
            f" | {r['upstream_calls_per_1000_requests']} | {types} | {r['gateway_cpu_ms_per_request']}"
            f" | {r['redis_commands_per_request']} |"
        )
    return "\n".join(lines)


def main() -> None:
    args = _parser().parse_args()
    if args.quick:
        args.seconds, args.runs, args.warmup_seconds = 3.0, 1, 1.0
    with tempfile.TemporaryDirectory(prefix="gateway-bench-instances-") as scratch:
        results = [_run_setup(setup, args, Path(scratch)) for setup in SETUPS]
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / time.strftime("instances-%Y%m%d-%H%M%S.json")
    settings = {"connections": args.connections, "seconds": args.seconds, "runs": args.runs}
    path.write_text(json.dumps({"settings": settings | {"latency_ms": args.latency_ms}, "results": results}, indent=2))
    print(_table(results))
    print(f"figures: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
