"""Scenario: a page of 100 activities with every linked object, against an in-process gateway + sandbox.

Prints the upstream calls and token cost of the first request (cold activity-type cache) and of the
next one (warm), which endpoints they hit, and the median latency of N warm runs. The sandbox can
add latency to every upstream request (`--upstream-latency-ms`), to see what a call saved is worth.

    .venv/bin/python bench/linked_page.py [--runs 30] [--upstream-latency-ms 0]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable from a checkout

from gateway.app import create_app  # noqa: E402
from gateway.config import Settings  # noqa: E402
from gateway.sandbox import Sandbox  # noqa: E402

QUERY = """
query LinkedPage {
  activities(first: 100, userId: 0) {
    nodes {
      pipedriveId subject
      owner { name email }
      creator { name }
      person { name emails { value primary } phones { value } }
      organization { name address }
      deal { title status value currency }
      activityType { name iconKey }
      participants { personId person { name } }
      attendees { emailAddress person { name } user { name } }
    }
  }
}
"""


@asynccontextmanager
async def gateway(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), sandbox=sandbox)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.bench") as client:
            yield client


async def run_once(client: httpx.AsyncClient) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": QUERY})
    elapsed = time.perf_counter() - started
    body = response.json()
    if response.status_code != 200 or "errors" in body:
        raise SystemExit(f"the query failed: {response.status_code} {body.get('errors')}")
    return body, elapsed


def report(label: str, body: dict[str, Any], sandbox: Sandbox, seconds: float) -> None:
    upstream = body["extensions"]["upstream"]
    endpoints = collections.Counter(f"{r.method} {r.path}" for r in sandbox.control.requests)
    print(f"{label}: {upstream['calls']} upstream calls, cost {upstream['cost']} tokens, {seconds * 1000:.1f} ms")
    for endpoint, count in sorted(endpoints.items()):
        print(f"    {count} x {endpoint}")


async def main(runs: int, upstream_latency_ms: float) -> None:
    sandbox = Sandbox(db_path=":memory:", latency_ms=upstream_latency_ms)
    try:
        async with gateway(sandbox) as client:
            for label in ("cold", "warm"):
                sandbox.control.clear()
                body, seconds = await run_once(client)
                report(label, body, sandbox, seconds)
            timings = [(await run_once(client))[1] for _ in range(runs)]
    finally:
        sandbox.close()
    print(f"warm median of {runs} runs: {statistics.median(timings) * 1000:.1f} ms "
          f"(upstream latency {upstream_latency_ms:g} ms a call)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="warm runs to time (default 30)")
    parser.add_argument("--upstream-latency-ms", type=float, default=0.0, help="added to every sandbox request")
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.upstream_latency_ms))
