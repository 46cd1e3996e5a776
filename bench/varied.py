"""The varied workload (`make bench` runs it first; `python -m bench.varied` alone): requests that all
differ, against an independent fake upstream (`bench.fake_upstream`), so no two concurrent requests
share an upstream call and the gateway's own CPU shows.

For each workload and concurrency (1, 16, 64) it reports the gateway process's CPU milliseconds per
request (from /proc, the process's own accounting, not wall time), p50/p99 latency, throughput,
errors, upstream calls per request (`extensions.upstream`), and the gateway's RSS after the warm-up
and after the run (growth would be a leak). Beside each, its floor: the same upstream calls made
directly by the driver at the same concurrency, their JSON decoded, no GraphQL (`floor_ratio` = the
floor's throughput over the gateway's: what one gateway process costs on this machine).

    python -m bench.varied [--quick] [--workloads page100_person,activity_owner] [--gateway-argv ...]
                           [--upstream-latency-ms 150] [--gateway-env GATEWAY_ADMISSION=off]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.driver import Operation, drive
from bench.processes import (
    BIN,
    HOST,
    Server,
    _spawn,
    _wait_ready,
    cpu_seconds,
    free_port,
    running,
    start_gateway,
    status_kib,
)
from bench.report import table

SCALARS = "pipedriveId subject type done dueDate dueTime userId personId"
TOKEN = "bench-token"


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    request: Callable[[int], dict[str, Any]]
    """The i-th request's body: every one differs from the next few hundred."""
    upstream: Callable[[int], tuple[str, ...]]
    """The upstream calls (paths under the fake's URL) the gateway makes for the i-th request: the floor
    makes them directly."""


PAGE = (
    f"query Page($userId: Int, $first: Int) {{ activities(userId: $userId, first: $first) {{"
    f" nodes {{ {SCALARS} person {{ pipedriveId name }} }} }} }}"
)
ACTIVITY = f"query One($id: ID!) {{ activity(id: $id) {{ {SCALARS.removesuffix(' personId')} owner {{ name }} }} }}"


def _page(i: int) -> dict[str, Any]:
    """Page sizes 91 to 100 in turn, for 13 owners: 130 distinct requests, sent as a frontend sends them
    (one document, its variables differing)."""
    return {"query": PAGE, "variables": {"first": 91 + i % 10, "userId": (i // 10) % 13}}


def _activity(i: int) -> dict[str, Any]:
    return {"query": ACTIVITY, "variables": {"id": str(1 + i % 500)}}


def _typename(i: int) -> dict[str, Any]:
    return {"query": "query Nothing { __typename }"}


def _page_calls(i: int) -> tuple[str, ...]:
    variables = _page(i)["variables"]
    return (f"/api/v1/activities?user_id={variables['userId']}&start=0&limit={variables['first']}",)


def _activity_calls(i: int) -> tuple[str, ...]:
    return (f"/api/v1/activities/{_activity(i)['variables']['id']}",)


WORKLOADS = {
    w.name: w
    for w in (
        Workload(
            "page100_person",
            "activities(first: 91-100) { 8 scalars, person { pipedriveId name } }",
            _page,
            _page_calls,
        ),
        Workload("activity_owner", "activity(id:) { 7 scalars, owner { name } }", _activity, _activity_calls),
        Workload(
            "typename",
            "{ __typename }: no upstream call, the gateway's own cost of a request",
            _typename,
            lambda _i: (),
        ),
    )
}
FULL = ((1, 400, 8.0, 20), (16, 2000, 10.0, 64), (64, 4000, 12.0, 128))
QUICK = ((1, 60, 2.0, 5), (16, 300, 3.0, 32), (64, 600, 4.0, 64))


def start_fake(log_dir: Path, latency_ms: float = 0.0) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "bench.fake_upstream", "--host", HOST, "--port", str(port)]
    argv += ["--latency-ms", str(latency_ms)]
    server = _spawn("fake-upstream", argv, {}, port, log_dir)
    _wait_ready(server, "/api/v1/users")
    return server


# --- the driver process ----------------------------------------------------------------------------


async def _drive(
    url: str, workload: Workload, concurrency: int, requests: int, seconds: float, warmup: int, floor: bool
) -> dict[str, Any]:
    """GraphQL requests to the gateway at `url`; with `floor`, the same upstream calls straight to the fake
    at `url`, their JSON decoded (the least any gateway does with them), no GraphQL."""
    counter = 0
    headers = {"content-type": "application/json", "accept": "application/json"}
    async with contextlib.AsyncExitStack() as stack:
        operations: list[Operation] = []
        for _ in range(concurrency):
            client = await stack.enter_async_context(
                httpx.AsyncClient(limits=httpx.Limits(max_connections=1), timeout=60.0)
            )

            async def send(client: httpx.AsyncClient = client) -> tuple[int, bytes]:
                nonlocal counter
                counter += 1
                body = json.dumps(workload.request(counter)).encode()
                response = await client.post(url, content=body, headers=headers)
                return response.status_code, response.content

            async def call_upstream(client: httpx.AsyncClient = client) -> tuple[int, bytes]:
                nonlocal counter
                counter += 1
                status, content = 200, b""
                for path in workload.upstream(counter):
                    response = await client.get(url + path)
                    orjson.loads(response.content)
                    status, content = response.status_code, response.content
                return status, content

            operations.append(call_upstream if floor else send)
        return await drive(operations, requests, seconds, warmup)


def _driver_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--workload", required=True, choices=sorted(WORKLOADS))
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--floor", action="store_true", help="--url is the fake upstream's: make the calls directly")
    args = parser.parse_args(argv)
    workload = WORKLOADS[args.workload]
    load = (args.concurrency, args.requests, args.seconds, args.warmup)
    result = asyncio.run(_drive(args.url, workload, *load, args.floor))
    print(json.dumps(result))


# --- the run ---------------------------------------------------------------------------------------


def _driven(url: str, workload: Workload, load: tuple[int, int, float, int], *, floor: bool) -> dict[str, Any]:
    """One run of the driver process (its own process, so that its CPU is not the gateway's)."""
    concurrency, requests, seconds, warmup = load
    argv = [
        sys.executable, "-m", "bench.varied", "drive", "--url", url, "--workload", workload.name,
        "--concurrency", str(concurrency), "--requests", str(requests), "--seconds", str(seconds),
        "--warmup", str(warmup), *(["--floor"] if floor else []),
    ]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, timeout=600, check=True)
    result: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return result


def measure(gateway: Server, workload: Workload, load: tuple[int, int, float, int]) -> dict[str, Any]:
    warmup = load[3]
    pids = gateway.serving_pids()
    before = cpu_seconds(pids)
    result = _driven(f"{gateway.url}/graphql", workload, load, floor=False)
    served = result["requests"] + warmup
    result["gateway_cpu_ms_per_request"] = round((cpu_seconds(pids) - before) * 1000 / served, 2) if served else None
    result["rss_mib_after"] = round(status_kib(pids, "VmRSS") / 1024, 1)
    return result


def run(
    workloads: list[Workload],
    loads: tuple[tuple[int, int, float, int], ...],
    gateway_argv: list[str] | None,
    workers: int,
    *,
    latency_ms: float = 0.0,
    env: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="gateway-bench-varied-") as scratch:
        logs = Path(scratch)
        with running(start_fake(logs, latency_ms)) as fake:
            for workload in workloads:
                started = start_gateway(fake, TOKEN, logs, argv=gateway_argv, workers=workers, env=env)
                with running(started) as gateway:
                    probe = httpx.post(f"{gateway.url}/graphql", json=workload.request(0), timeout=60).json()
                    upstream = (probe.get("extensions") or {}).get("upstream", {})
                    warm = measure(gateway, workload, loads[0])  # warm-up run, its RSS is the baseline
                    rss_warm = warm["rss_mib_after"]
                    for load in loads:
                        result = measure(gateway, workload, load)
                        floor = _driven(fake.url, workload, load, floor=True) if workload.upstream(0) else {}
                        rows.append({
                            "workload": workload.name, "concurrency": load[0],
                            "calls": upstream.get("calls"), "cost": upstream.get("cost"),
                            "cpu_ms": result["gateway_cpu_ms_per_request"], "p50_ms": result["p50_ms"],
                            "p99_ms": result["p99_ms"], "rps": result["rps"], "errors": result["errors"],
                            "rss_mib_warm": rss_warm, "rss_mib_after": result["rss_mib_after"],
                            "first_error": result.get("first_error"),
                            "floor_p50_ms": floor.get("p50_ms"), "floor_p99_ms": floor.get("p99_ms"),
                            "floor_rps": floor.get("rps"),
                            "floor_ratio": round(floor["rps"] / result["rps"], 2) if floor.get("rps") else None,
                        })  # fmt: skip
                        print(json.dumps(rows[-1]), flush=True)
    return rows


COLUMNS = ["workload", "concurrency", "calls", "cost", "cpu_ms", "p50_ms", "p99_ms", "rps", "errors",
           "rss_mib_warm", "rss_mib_after", "floor_p50_ms", "floor_p99_ms", "floor_rps", "floor_ratio"]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["drive"]:
        _driver_main(argv[1:])
        return
    parser = argparse.ArgumentParser(prog="python -m bench.varied", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--gateway-argv", default="", help="another gateway command line (for a before/after run)")
    parser.add_argument("--out", type=Path, default=None, help="write the rows as JSON here")
    parser.add_argument("--upstream-latency-ms", type=float, default=0.0, help="the fake answers this late")
    parser.add_argument("--gateway-env", action="append", default=[], help="NAME=VALUE for the gateway process")
    args = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in args.gateway_env)
    chosen = [WORKLOADS[name] for name in args.workloads.split(",") if name]
    gateway_argv = args.gateway_argv.split() or [str(BIN / "gateway"), "serve"]
    started = time.time()
    loads = QUICK if args.quick else FULL
    rows = run(chosen, loads, gateway_argv, args.workers, latency_ms=args.upstream_latency_ms, env=env)
    print()
    print(table(COLUMNS, [[row[c] for c in COLUMNS] for row in rows]))
    print(f"\n({time.time() - started:.0f} s)")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
