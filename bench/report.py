"""The printed tables: one row per (scenario, upstream latency, concurrency), and one per lever."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

SCENARIO_COLUMNS = (
    "scenario",
    "upstream",
    "calls",
    "cost",
    "c",
    "p50 ms",
    "p99 ms",
    "rps",
    "errors",
    "floor p50",
    "floor p99",
    "floor rps",
    "p50 ratio",
    "gw CPU ms/op",
    "upstream req/op",
    "RSS MiB",
)
SUMMARY_COLUMNS = (
    "scenario",
    "upstream",
    "calls",
    "cost",
    "p50 ms (c=1)",
    "p99 ms (c=1)",
    "floor p50",
    "ratio",
    "rps c=1",
    "rps c=16",
    "rps c=64",
    "errors",
    "RSS MiB",
)
LEVER_COLUMNS = (
    "variant",
    "scenario",
    "upstream",
    "c",
    "p50 ms",
    "p99 ms",
    "rps",
    "errors",
    "gw CPU ms/op",
    "machine busy %",
    "p50 vs served",
    "rps vs served",
    "conns/worker",
)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return str(value)


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table (readable as plain text too)."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) if cells else len(c) for i, c in enumerate(columns)]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |",
        "| " + " | ".join("-" * w for w in widths) + " |",
    ]
    lines += ["| " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) + " |" for row in cells]
    return "\n".join(lines)


def scenario_rows(results: Sequence[dict[str, Any]]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for entry in results:
        if entry.get("skipped"):
            rows.append(
                [entry["scenario"], f"{entry['latency_ms']:g} ms", "skipped: " + entry["skipped"]]
                + [None] * (len(SCENARIO_COLUMNS) - 3)
            )
            continue
        for run in entry["runs"]:
            gw, floor = run["gateway"], run["floor"]
            rows.append(
                [
                    entry["scenario"],
                    f"{entry['latency_ms']:g} ms",
                    entry["probe"]["calls"],
                    entry["probe"]["cost"],
                    run["concurrency"],
                    gw["p50_ms"],
                    gw["p99_ms"],
                    gw["rps"],
                    gw["errors"],
                    floor["p50_ms"],
                    floor["p99_ms"],
                    floor["rps"],
                    run["p50_ratio"],
                    gw.get("gateway_cpu_ms_per_request"),
                    gw.get("upstream_requests_per_op"),
                    entry["peak_rss_mib"],
                ]
            )
    return rows


def summary_rows(results: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """One row per (scenario, latency): latency at concurrency 1 beside the floor's, throughput at each."""
    rows: list[list[Any]] = []
    for entry in results:
        if entry.get("skipped"):
            rows.append(
                [entry["scenario"], f"{entry['latency_ms']:g} ms", "skipped: " + entry["skipped"]]
                + [None] * (len(SUMMARY_COLUMNS) - 3)
            )
            continue
        by_c = {run["concurrency"]: run for run in entry["runs"]}
        first = entry["runs"][0]
        rps = [by_c[c]["gateway"]["rps"] if c in by_c else None for c in (1, 16, 64)]
        errors = sum(run["gateway"]["errors"] for run in entry["runs"])
        rows.append(
            [
                entry["scenario"],
                f"{entry['latency_ms']:g} ms",
                entry["probe"]["calls"],
                entry["probe"]["cost"],
                first["gateway"]["p50_ms"],
                first["gateway"]["p99_ms"],
                first["floor"]["p50_ms"],
                first["p50_ratio"],
                *rps,
                errors,
                entry["peak_rss_mib"],
            ]
        )
    return rows


def lever_rows(levers: Sequence[dict[str, Any]]) -> list[list[Any]]:
    served = {(e["scenario"], e["latency_ms"], e["concurrency"]): e for e in levers if e["variant"] == "served"}
    rows: list[list[Any]] = []
    for entry in levers:
        base = served.get((entry["scenario"], entry["latency_ms"], entry["concurrency"]))
        result = entry["result"]
        p50_vs = result["p50_ms"] / base["result"]["p50_ms"] if base and base["result"]["p50_ms"] else None
        rps_vs = result["rps"] / base["result"]["rps"] if base and base["result"]["rps"] else None
        rows.append(
            [
                entry["variant"],
                entry["scenario"],
                f"{entry['latency_ms']:g} ms",
                entry["concurrency"],
                result["p50_ms"],
                result["p99_ms"],
                result["rps"],
                result["errors"],
                result.get("gateway_cpu_ms_per_request"),
                result.get("machine_busy_pct"),
                p50_vs,
                rps_vs,
                "/".join(map(str, result.get("connections_per_worker") or ())) or None,
            ]
        )
    return rows
