"""`python -m bench.live` (`make bench-live`): live updates through the gateway, from webhook to subscriber.

Starts the standalone sandbox and `gateway serve` on 127.0.0.1 (as `bench` does) with webhook credentials,
opens subscribers over WebSocket (graphql-transport-ws, each reading its events' activity with the demo
token), then POSTs a burst of activity webhooks to `/webhooks/pipedrive` and measures:

- throughput: deliveries (events x subscribers) per second, from the first POST to the last event received;
- latency: from sending a webhook to a subscriber receiving its event, p50 and p99 over every delivery
  (the read window, 20 ms by default, is part of it: that is what batches the reads);
- memory per idle subscriber: the gateway's RSS before and after opening that many idle subscriptions.

Prints the figures and writes them as JSON to bench/results/. Bounded in count and time; every process
it starts, it stops. Figures only: nothing here asserts a timing.

    python -m bench.live [--subscribers 100] [--events 200] [--idle 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from bench.processes import ROOT, Server, running, start_gateway, start_sandbox
from gateway.sandbox import DEMO_TOKEN

USER, PASSWORD = "bench", "bench-webhook-password"
QUERY = "subscription { activityEvents { action pipedriveId activity { subject dueDate } } }"
IDLE_QUERY = "subscription { activityEvents { pipedriveId } }"
PROTOCOL = Subprotocol("graphql-transport-ws")
TIMEOUT_S = 120.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--idle", type=int, default=500, help="idle subscriptions for the memory figure")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    return parser


def rss_kib(server: Server) -> int:
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _subscriber(url: str, query: str) -> ClientConnection:
    ws = await connect(url, subprotocols=[PROTOCOL], open_timeout=30, max_queue=None)
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
    return ws


async def _subscribers(url: str, count: int, query: str) -> list[ClientConnection]:
    found: list[ClientConnection] = []
    for start in range(0, count, 50):  # 50 handshakes at a time
        found += await asyncio.gather(*(_subscriber(url, query) for _ in range(start, min(count, start + 50))))
    return found


async def _wait_for(http: httpx.AsyncClient, count: int) -> None:
    async with asyncio.timeout(TIMEOUT_S):
        while f"gateway_live_subscribers {float(count)}" not in (await http.get("/metrics")).text:
            await asyncio.sleep(0.05)


def _webhook(activity_id: int, number: int) -> dict[str, Any]:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    meta = {
        "action": "change",
        "entity": "activity",
        "entity_id": str(activity_id),
        "id": str(uuid.uuid4()),
        "company_id": "1",
        "user_id": "1",
        "timestamp": stamp,
        "version": "2.0",
        "attempt": 1,
    }
    return {"meta": meta, "data": {"id": activity_id, "owner_id": 1}, "previous": {"subject": f"before {number}"}}


async def _receive(ws: ClientConnection, count: int, arrivals: list[float]) -> None:
    for _ in range(count):
        message = json.loads(await ws.recv())
        assert message["type"] == "next", message
        arrivals.append(time.perf_counter())


async def _burst(base: str, ws_url: str, subscribers: int, events: int, ids: list[int]) -> dict[str, Any]:
    auth = httpx.BasicAuth(USER, PASSWORD)
    async with httpx.AsyncClient(base_url=base, auth=auth, timeout=30) as http:
        clients = await _subscribers(ws_url, subscribers, QUERY)
        await _wait_for(http, subscribers)
        arrivals: list[list[float]] = [[] for _ in clients]
        readers = [asyncio.create_task(_receive(ws, events, arrivals[n])) for n, ws in enumerate(clients)]
        sent: list[float] = []
        started = time.perf_counter()
        for number in range(events):  # one after another: each event's send time is known
            sent.append(time.perf_counter())
            (await http.post("/webhooks/pipedrive", json=_webhook(ids[number % len(ids)], number))).raise_for_status()
        async with asyncio.timeout(TIMEOUT_S):
            await asyncio.gather(*readers)
        finished = max(max(a) for a in arrivals)
        for ws in clients:
            await ws.close()
    latencies = sorted((a[n] - sent[n]) * 1000 for a in arrivals for n in range(events))
    return {
        "subscribers": subscribers,
        "events": events,
        "deliveries": len(latencies),
        "seconds": round(finished - started, 3),
        "deliveries_per_second": round(len(latencies) / (finished - started)),
        "webhooks_per_second": round(events / (sent[-1] - started + 1e-9)),
        "latency_ms_p50": round(statistics.median(latencies), 2),
        "latency_ms_p99": round(latencies[int(len(latencies) * 0.99) - 1], 2),
    }


async def _idle_memory(gateway: Server, ws_url: str, count: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        await asyncio.sleep(1)
        before = rss_kib(gateway)
        clients = await _subscribers(ws_url, count, IDLE_QUERY)
        await _wait_for(http, count)
        await asyncio.sleep(1)
        after = rss_kib(gateway)
        for ws in clients:
            await ws.close()
    return {
        "idle": count,
        "rss_before_kib": before,
        "rss_after_kib": after,
        "kib_per_idle_subscriber": round((after - before) / count, 1),
    }


async def _activity_ids(sandbox: Server) -> list[int]:
    async with httpx.AsyncClient(base_url=sandbox.url, headers={"x-api-token": DEMO_TOKEN}) as http:
        body = (await http.get("/api/v2/activities", params={"limit": 20})).json()
    return [item["id"] for item in body["data"]]


def main() -> None:
    args = _parser().parse_args()
    env = {"GATEWAY_WEBHOOK_USER": USER, "GATEWAY_WEBHOOK_PASSWORD": PASSWORD, "GATEWAY_LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryDirectory(prefix="gateway-bench-live-") as scratch:
        logs = Path(scratch)
        with running(start_sandbox(logs / "sandbox.sqlite3", logs)) as sandbox:
            ids = asyncio.run(_activity_ids(sandbox))
            with running(start_gateway(sandbox, DEMO_TOKEN, logs, env=env)) as gateway:
                ws_url = gateway.url.replace("http://", "ws://") + "/graphql"
                memory = asyncio.run(_idle_memory(gateway, ws_url, args.idle))
            with running(start_gateway(sandbox, DEMO_TOKEN, logs, env=env)) as gateway:
                ws_url = gateway.url.replace("http://", "ws://") + "/graphql"
                burst = asyncio.run(_burst(gateway.url, ws_url, args.subscribers, args.events, ids))
                reads = httpx.get(f"{sandbox.url}/_control/requests").json()["requests"]
                burst["upstream_activity_reads"] = sum(1 for r in reads if r["path"].startswith("/api/v2/activities"))
    results = {"burst": burst, "memory": memory}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / time.strftime("live-%Y%m%d-%H%M%S.json")
    path.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    print(f"figures: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
