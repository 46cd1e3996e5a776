"""The processes a benchmark run starts and watches: the standalone sandbox, the gateway, the driver.

Every server listens on 127.0.0.1 only, on a port free when it starts; each is stopped by its own
id (SIGTERM, then SIGKILL of its own process group after a grace period). Peak memory is each
process's VmHWM, reset between scenarios through `/proc/PID/clear_refs`; CPU time comes from
`/proc/PID/stat`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0
STOP_GRACE_S = 10.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """One server process this run started."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def pids(self) -> list[int]:
        """The process and its descendants (uvicorn's workers)."""
        return [self.process.pid, *descendants(self.process.pid)]

    def serving_pids(self) -> list[int]:
        """The processes that serve requests: the workers when there are any, else the process."""
        workers = [pid for pid in descendants(self.process.pid) if not _is_helper(pid)]
        return workers or [self.process.pid]


def _is_helper(pid: int) -> bool:
    """multiprocessing's resource tracker, which uvicorn's supervisor may start: not a worker."""
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat_fields(int(entry.name))
            if stat:
                children.setdefault(int(stat[1]), []).append(int(entry.name))
    found, pending = [], list(children.get(root, []))
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state, ppid, ...)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def connections_by_process(port: int) -> dict[int, int]:
    """Established connections to `port`, per accepting process (`ss`; empty where it is missing)."""
    try:
        listing = subprocess.run(
            ["ss", "-tnpH", "state", "established", f"sport = :{port}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    counts: dict[int, int] = {}
    for pid in re.findall(r"pid=(\d+)", listing):
        counts[int(pid)] = counts.get(int(pid), 0) + 1
    return counts


def reset_peak_rss(pids: Sequence[int]) -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs); False where not allowed."""
    done = True
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            done = False
    return done


def status_kib(pids: Sequence[int], field: str) -> int:
    """The sum over `pids` of one /proc/PID/status field in kB ("VmRSS", "VmHWM"); a pid gone counts 0."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    total += int(line.split()[1])
    return total


def peak_rss_kib(pids: Sequence[int]) -> int:
    return status_kib(pids, "VmHWM")


def _spawn(name: str, argv: list[str], env: dict[str, str], port: int, log_dir: Path) -> Server:
    log = log_dir / f"{name}.log"
    with log.open("ab") as sink:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Server(name, process, port, log)


def _wait_ready(server: Server, path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url + path, timeout=2.0).status_code == 200:
                return
        time.sleep(0.2)
    tail = server.log.read_text(errors="replace")[-2000:]
    stop(server)
    raise RuntimeError(f"{server.name} did not start on {server.url}:\n{tail}")


def start_sandbox(db: Path, log_dir: Path) -> Server:
    port = free_port()
    argv = [str(BIN / "gateway"), "sandbox", "--host", HOST, "--port", str(port), "--db", str(db)]
    server = _spawn("sandbox", argv, dict(os.environ), port, log_dir)
    _wait_ready(server, "/_control/requests")
    return server


def start_gateway(
    upstream: Server,
    token: str,
    log_dir: Path,
    *,
    argv: list[str] | None = None,
    workers: int = 1,
    env: dict[str, str] | None = None,
    name: str = "gateway",
) -> Server:
    """`gateway serve` (what `make run` starts) against `upstream`, or `argv` (a variant launcher),
    which gets the same `--port`/`--upstream`/`--workers` options."""
    port = free_port()
    command = argv or [str(BIN / "gateway"), "serve"]
    command = [
        *command,
        "--host",
        HOST,
        "--port",
        str(port),
        "--upstream",
        f"{upstream.url}/api",
        "--workers",
        str(workers),
    ]
    environment = {**os.environ, "PIPEDRIVE_API_TOKEN": token, **(env or {})}
    server = _spawn(name, command, environment, port, log_dir)
    _wait_ready(server, "/healthz")
    return server


def stop(server: Server) -> None:
    """SIGTERM to the process; after the grace period, SIGKILL to its own process group."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(STOP_GRACE_S)


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        stop(server)


def run_driver(args: list[str], token: str) -> dict[str, Any]:
    """One driver process; its JSON line."""
    env = {**os.environ, "PIPEDRIVE_API_TOKEN": token}
    done = subprocess.run(
        [sys.executable, "-m", "bench.driver", *args], cwd=ROOT, env=env, capture_output=True, timeout=300, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"driver failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return result
