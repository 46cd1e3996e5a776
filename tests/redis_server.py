"""A redis-server of the tests' own: Debian's package (`make test` installs it, like chromium), on
127.0.0.1 and a free port, keeping nothing on disk, stopped by its pid. `kill` and `start` again on the
same port stand for Redis going away and coming back."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.support import free_port

REDIS_SERVER = Path("/usr/bin/redis-server")
START_TIMEOUT_S = 15.0


def redis_server_binary() -> Path:
    """Debian's redis-server; the test is skipped without it, except in CI, where it fails."""
    found = shutil.which("redis-server")
    if found:
        return Path(found)
    message = f"{REDIS_SERVER} is missing: `make redis` installs Debian's redis-server (apt-get, as root)"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI has root and apt (`make test` installs it): there the tests must run
    pytest.skip(message)


class RedisServer:
    def __init__(self, binary: Path, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (again), and wait until it answers PING."""
        assert self.process is None, "already running"
        argv = [str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(self.workdir), "--daemonize", "no", "--protected-mode", "yes"]
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        """Gone at once, as a crashed Redis is (SIGKILL to its own pid)."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
            self.process = None

    def client(self) -> redis.Redis:
        """A plain (synchronous) client of this server, for the tests' own looks into it."""
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def ping(self) -> bool:
        try:
            with self.client() as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def keys(self) -> list[str]:
        with self.client() as client:
            return sorted(key.decode() for key in client.keys("*"))
