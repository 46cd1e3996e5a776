"""`python -m bench` (`make bench`): what a query costs through the gateway, against the bare floor.

Starts the standalone sandbox (`gateway sandbox`, a throwaway SQLite file) and the gateway as
`make run` does (`gateway serve --upstream ...` with PIPEDRIVE_API_TOKEN set), both on 127.0.0.1,
measures every scenario of `bench.scenarios` at each upstream latency (the sandbox's added latency)
and concurrency, then each lever of `bench.levers`; prints the tables and writes the figures as JSON
to bench/results/ (git-ignored). Every load is bounded in requests and in seconds; every process it
starts, it stops.

    python -m bench [--quick] [--scenarios page100,activity] [--latencies 0,50] [--no-levers]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import levers, report
from bench.processes import ROOT, Server, running, start_gateway, start_sandbox
from bench.scenarios import SCENARIOS, Fixture, Scenario
from bench.suite import (
    FULL_LOADS,
    QUICK_LOADS,
    Bench,
    Load,
    machine,
    measure,
    missing_fields,
    prepare_fixture,
    probe,
    write_results,
)
from gateway.sandbox import DEMO_TOKEN

BUSY_LOAD = 0.5
"""A one-minute load average above this (per core) means someone else is using the machine."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short loads, for trying the suite out")
    parser.add_argument("--scenarios", default="", help="comma-separated names (default all)")
    parser.add_argument("--latencies", default="0,50", help="upstream latencies in ms (default 0,50)")
    parser.add_argument("--no-levers", action="store_true", help="skip the per-lever runs")
    parser.add_argument("--levers", default="", help="comma-separated lever names (default all)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    return parser


def _scenario_entry(bench: Bench, scenario: Scenario, latency: float, loads: tuple[Load, ...]) -> dict[str, Any]:
    entry: dict[str, Any] = {"scenario": scenario.name, "title": scenario.title, "latency_ms": latency}
    missing = missing_fields(bench.gateway, scenario)
    if missing:
        return {**entry, "skipped": "schema lacks " + ", ".join(missing)}
    entry["probe"] = probe(bench, scenario)
    return {**entry, **measure(bench, scenario, loads)}


def _scenario_entries(
    sandbox: Server, fixture: Fixture, logs: Path, names: list[str], latencies: list[float], loads: tuple[Load, ...]
) -> list[dict[str, Any]]:
    """Each scenario at each latency, on a gateway process of its own (its own peak RSS)."""
    chosen = [s for s in SCENARIOS if not names or s.name in names]
    ordered = [s for s in chosen if not s.writes] + [s for s in chosen if s.writes]  # writes grow the data: last
    entries = []
    for latency in latencies:
        for scenario in ordered:
            print(f"  {scenario.name} at {latency:g} ms", flush=True)
            with running(start_gateway(sandbox, DEMO_TOKEN, logs)) as gateway:
                bench = Bench(sandbox, gateway, DEMO_TOKEN, fixture)
                bench.set_latency(latency)
                entries.append(_scenario_entry(bench, scenario, latency, loads))
                bench.set_latency(0)
    return entries


def _print_tables(scenarios: list[dict[str, Any]], lever_entries: list[dict[str, Any]]) -> None:
    print()
    print(report.table(report.SCENARIO_COLUMNS, report.scenario_rows(scenarios)))
    print()
    print(report.table(report.SUMMARY_COLUMNS, report.summary_rows(scenarios)))
    if lever_entries:
        print()
        print(report.table(report.LEVER_COLUMNS, report.lever_rows(lever_entries)))
    for entry in scenarios:
        probe_info = entry.get("probe")
        if probe_info and probe_info["first_request"].get("calls") != probe_info["calls"]:
            first = probe_info["first_request"]
            print(
                f"note: {entry['scenario']} at {entry['latency_ms']:g} ms: the first request made {first['calls']} "
                f"upstream calls (cost {first.get('cost')}: {', '.join(first['upstream'])}), the next ones "
                f"{probe_info['calls']}"
            )
        if probe_info and not probe_info["floor_matches_gateway"]:
            difference = probe_info["floor_difference"]
            print(f"note: {entry['scenario']}: the floor's data differ from the gateway's: {difference}")


def main() -> None:
    args = _parser().parse_args()
    loads = QUICK_LOADS if args.quick else FULL_LOADS
    names = [n for n in args.scenarios.split(",") if n]
    latencies = [float(v) for v in args.latencies.split(",") if v]
    started = machine()
    if started["loadavg_at_start"][0] > BUSY_LOAD * (os.cpu_count() or 1):
        print(f"warning: load average {started['loadavg_at_start']}: figures will be noisy", flush=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with tempfile.TemporaryDirectory(prefix="gateway-bench-") as scratch:
        logs = Path(scratch)
        with running(start_sandbox(logs / "sandbox.sqlite3", logs)) as sandbox:
            fixture = prepare_fixture(sandbox, DEMO_TOKEN)
            scenarios = _scenario_entries(sandbox, fixture, logs, names, latencies, loads)
            lever_entries = (
                []
                if args.no_levers
                else levers.run_levers(
                    sandbox, DEMO_TOKEN, fixture, loads, logs, [n for n in args.levers.split(",") if n]
                )
            )
    results = {
        "machine": started,
        "loadavg_at_end": [round(v, 2) for v in os.getloadavg()],
        "quick": args.quick,
        "loads": [vars(load) for load in loads],
        "scenarios": scenarios,
        "levers": lever_entries,
    }
    path = write_results(results, args.out, stamp)
    _print_tables(scenarios, lever_entries)
    print(f"\nfigures: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
