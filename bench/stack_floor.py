"""What the stack costs before the gateway does any work of its own, on this machine.

CPU per request (the server process's utime + stime from /proc, sequential requests on one keep-alive
connection, median of 5 rounds) of an empty request, `{ __typename }`, served by uvicorn on uvloop and
httptools as `gateway serve` runs it:
- a raw ASGI app that answers the same JSON without reading it (uvicorn alone);
- a bare Strawberry app (`strawberry.asgi.GraphQL`, no extensions: it parses and validates every request);
- `gateway serve` (Starlette, the gateway's middleware, admission, its Strawberry view and extensions).
Then one upstream GET made with httpx in this process on uvloop, against the independent fake upstream
(`bench.fake_upstream`): through `AsyncClient.send`, as the gateway sends, and through the client's
transport alone (`AsyncHTTPTransport.handle_async_request`), for the page of 100 (165 kB) and for one
activity. Last, in this process: orjson decoding that page, and the two JSON log lines every request
writes through `gateway serve`'s logging set-up. Together: what a request costs on this stack before the
gateway builds any of its answer (`make bench` ends with it; `--quick` for a short try).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import logging.config
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import strawberry
import uvloop
from strawberry.asgi import GraphQL

from bench.fake_upstream import answer
from bench.processes import HOST, Server, _spawn, _wait_ready, cpu_seconds, free_port, running, start_gateway
from bench.report import table
from bench.varied import TOKEN, start_fake
from gateway.config import Settings
from gateway.observability.logs import bind_request_id, log_access, logging_config

EMPTY = {"query": "query Nothing { __typename }"}
ANSWER = b'{"data":{"__typename":"Query"}}'


@strawberry.type
class _Query:
    @strawberry.field
    def ready(self) -> bool:
        return True


strawberry_app = GraphQL(strawberry.Schema(query=_Query))
"""A bare Strawberry app, as its documentation builds one."""


async def raw_app(scope: dict[str, Any], receive: Callable[[], Awaitable[Any]], send: Any) -> None:
    """The empty request's answer without Starlette, GraphQL or even reading the body."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": ANSWER})


def _start_app(name: str, target: str, log_dir: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", target, "--host", HOST, "--port", str(port), "--loop", "uvloop"]
    argv += ["--http", "httptools", "--no-access-log", "--log-level", "warning"]
    server = _spawn(name, argv, dict(os.environ), port, log_dir)
    _wait_ready(server, "/graphql?query=%7B__typename%7D")
    return server


def empty_request_cpu_ms(server: Server, requests: int, rounds: int) -> list[float]:
    """CPU ms per `{ __typename }` of `server`'s process, one figure per round."""
    pids = server.serving_pids()
    figures = []
    with httpx.Client(base_url=server.url) as client:
        for _ in range(requests // 4):  # warm-up
            client.post("/graphql", json=EMPTY).raise_for_status()
        for _ in range(rounds):
            before = cpu_seconds(pids)
            for _ in range(requests):
                client.post("/graphql", json=EMPTY).raise_for_status()
            figures.append((cpu_seconds(pids) - before) * 1000 / requests)
    return figures


async def _upstream_get_cpu_ms(url: str, requests: int, rounds: int) -> dict[str, list[float]]:
    transport = httpx.AsyncHTTPTransport()
    timeout = httpx.Timeout(10.0)
    async with httpx.AsyncClient(base_url=f"{url}/api", transport=transport, timeout=timeout) as client:

        def page(i: int) -> httpx.Request:
            params = {"user_id": str(i % 13), "start": "0", "limit": str(91 + i % 10)}
            return client.build_request("GET", "/v1/activities", params=params, headers={"x-api-token": TOKEN})

        def one(i: int) -> httpx.Request:
            return client.build_request("GET", f"/v1/activities/{1 + i % 500}", headers={"x-api-token": TOKEN})

        async def through_client(request: httpx.Request) -> bytes:
            return (await client.send(request)).content

        async def through_transport(request: httpx.Request) -> bytes:
            response = await transport.handle_async_request(request)
            try:
                return await response.aread()
            finally:
                await response.aclose()

        figures: dict[str, list[float]] = {}
        for kind, build in (("page of 100", page), ("one activity", one)):
            for i in range(requests // 4):  # warm-up: the pool's connection, the fake's caches
                await through_client(build(i))
            for _ in range(rounds):  # the two ways alternate, so that a noisy moment hits both
                for way, send in (("AsyncClient.send", through_client), ("transport alone", through_transport)):
                    started = time.process_time()
                    for i in range(requests):
                        await send(build(i))
                    figures.setdefault(f"{kind}: {way}", []).append((time.process_time() - started) * 1000 / requests)
        return figures


def decode_cpu_ms(requests: int, rounds: int) -> list[float]:
    """orjson decoding the fake's page of 100 (what the gateway decodes of every page answer), in process."""
    _status, envelope = answer("GET", "/api/v1/activities", {"user_id": "1", "start": "0", "limit": "100"})
    body = orjson.dumps(envelope)
    return _in_process_cpu_ms(lambda: orjson.loads(body), requests, rounds)


def log_lines_cpu_ms(requests: int, rounds: int) -> list[float]:
    """The two JSON lines a GraphQL request writes (access and operation), through `gateway serve`'s logging
    set-up (request id, redaction, JSON) into /dev/null, in this process; CPU ms per request."""
    operation = logging.getLogger("gateway.graphql")
    extra = {"operation": "One", "operation_type": "query", "outcome": "ok", "duration_ms": 1.23,
             "upstream_calls": 1, "upstream_cost": 1}  # fmt: skip

    def both_lines() -> None:
        log_access("POST", "/graphql", 200, 0.00123)
        operation.info("graphql %s %s", "One", "ok", extra=extra)

    with open(os.devnull, "w") as sink:
        config = logging_config(Settings(api_token=TOKEN))
        config["handlers"]["json"]["stream"] = sink
        logging.config.dictConfig(config)
        with bind_request_id("5f0c6c1e6a8e4f7e9d3b2a1c0e9f8d7c"):
            figures = _in_process_cpu_ms(both_lines, requests, rounds)
        logging.config.dictConfig({"version": 1})  # nothing left writing to the closed sink
    return figures


def _in_process_cpu_ms(work: Callable[[], object], requests: int, rounds: int) -> list[float]:
    """This process's CPU ms per call of `work`, one figure per round of `requests` calls."""
    figures = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            work()
        figures.append((time.process_time() - started) * 1000 / requests)
    return figures


def run(requests: int, rounds: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def row(what: str, figures: list[float]) -> None:
        rows.append({"what": what, "cpu_ms_median": round(statistics.median(figures), 3),
                     "cpu_ms_rounds": [round(f, 3) for f in figures]})  # fmt: skip
        print(json.dumps(rows[-1]), flush=True)

    with tempfile.TemporaryDirectory(prefix="gateway-bench-floor-") as scratch:
        logs = Path(scratch)
        with running(start_fake(logs)) as fake:
            for name, target in (("raw ASGI on uvicorn", "bench.stack_floor:raw_app"),
                                 ("bare Strawberry app", "bench.stack_floor:strawberry_app")):  # fmt: skip
                with running(_start_app(name, target, logs)) as server:
                    row(f"{{ __typename }}: {name}", empty_request_cpu_ms(server, requests, rounds))
            with running(start_gateway(fake, TOKEN, logs)) as gateway:  # INFO logs on, as deployed
                row("{ __typename }: gateway serve", empty_request_cpu_ms(gateway, requests, rounds))
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                for what, figures in runner.run(_upstream_get_cpu_ms(fake.url, requests // 2, rounds)).items():
                    row(f"upstream GET, {what}", figures)
    row("decoding the page of 100 (165 kB, orjson), in process", decode_cpu_ms(requests, rounds))
    row("the two log lines of a request, in process", log_lines_cpu_ms(requests * 10, rounds))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stack_floor", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests a round (noisier)")
    parser.add_argument("--out", type=Path, default=None, help="write the rows as JSON here")
    args = parser.parse_args(argv)
    requests = 200 if args.quick else 1000
    rows = run(requests, rounds=5)
    print()
    print(table(["what", "CPU ms a request (median)", "rounds"], [list(row.values()) for row in rows]))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
