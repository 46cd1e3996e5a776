"""Each server-side lever measured on its own: the gateway as served, then with one lever moved.

Every variant runs through `bench.variant` (the same uvicorn set-up as `gateway serve`), so the
rows differ by the lever alone. Measured at 0 ms upstream, where the gateway's own cost shows; the
second worker also at 50 ms, where a single worker's CPU limits throughput at concurrency 64.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.processes import Server, start_gateway, stop
from bench.scenarios import BY_NAME, Fixture
from bench.suite import Bench, Load, measure_gateway


@dataclass(frozen=True)
class Variant:
    name: str
    settings: dict[str, Any] = field(default_factory=dict)
    workers: int = 1
    latencies: tuple[float, ...] = (0.0,)
    scenarios: tuple[str, ...] = ("activity", "page100", "collection500")
    concurrencies: tuple[int, ...] = (1, 64)


WITH_ALIASES = ("activity", "page100", "collection500", "aliases50")
"""The document caches matter most where parsing and validation do: 50 aliased lookups."""

VARIANTS: tuple[Variant, ...] = (
    Variant("served", latencies=(0.0, 50.0), scenarios=WITH_ALIASES),
    Variant("served again (A/A: the noise)", scenarios=WITH_ALIASES),
    Variant("graphql-core executor (no plan)", {"executor": "plain"}),
    Variant("standard library JSON responses", {"json": "stdlib"}),
    Variant("asyncio + h11 (no uvloop, httptools)", {"loop": "asyncio", "http": "h11"}),
    Variant("no gc.freeze()", {"gc": "default"}),
    Variant("Strawberry parser+validation caches", {"caches": True}, scenarios=WITH_ALIASES),
    Variant("2 workers", workers=2, latencies=(0.0, 50.0), concurrencies=(64,)),
)
"""Each changes one thing from `served` (what `gateway serve` runs: plan executor, uvloop and httptools,
orjson, gc.freeze() after start-up, the gateway's own document cache rather than Strawberry's)."""


def _launcher(variant: Variant) -> tuple[list[str], dict[str, str]]:
    return [sys.executable, "-m", "bench.variant"], {"BENCH_VARIANT": json.dumps(variant.settings)}


def run_variant(
    sandbox: Server, token: str, fixture: Fixture, variant: Variant, loads: Sequence[Load], log_dir: Path
) -> list[dict[str, Any]]:
    argv, env = _launcher(variant)
    gateway = start_gateway(sandbox, token, log_dir, argv=argv, env=env, workers=variant.workers, name="variant")
    bench = Bench(sandbox, gateway, token, fixture)
    entries: list[dict[str, Any]] = []
    try:
        for latency in variant.latencies:
            bench.set_latency(latency)
            for name in variant.scenarios:
                for load in (load for load in loads if load.concurrency in variant.concurrencies):
                    entries.append(
                        {
                            "variant": variant.name,
                            "settings": variant.settings,
                            "workers": variant.workers,
                            "scenario": name,
                            "latency_ms": latency,
                            "concurrency": load.concurrency,
                            "result": measure_gateway(bench, BY_NAME[name], load),
                        }
                    )
    finally:
        bench.set_latency(0)
        stop(gateway)
    return entries


def run_levers(
    sandbox: Server, token: str, fixture: Fixture, loads: Sequence[Load], log_dir: Path, only: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Every available variant (or those named in `only`, and `served` to compare with)."""
    entries: list[dict[str, Any]] = []
    for variant in VARIANTS:
        if not only or variant.name in only or variant.name == "served":
            print(f"  lever: {variant.name}", flush=True)
            entries += run_variant(sandbox, token, fixture, variant, loads, log_dir)
    return entries
