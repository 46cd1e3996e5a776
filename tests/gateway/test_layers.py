"""The layering rules that a reading cannot check and import-linter's static view does not cover."""

from __future__ import annotations

import subprocess
import sys


def test_the_app_imports_the_sandbox_only_when_it_runs_on_it() -> None:
    """Importing the app and building it for a real upstream leaves the emulator unloaded; building it
    with no upstream loads it."""
    probe = (
        "import sys\n"
        "from gateway.app import create_app\n"
        "from gateway.config import Settings\n"
        "create_app(Settings(upstream_url='https://example.test/api'))\n"
        "print('gateway.sandbox' in sys.modules)\n"
        "create_app(Settings(sandbox_db=':memory:'))\n"
        "print('gateway.sandbox' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.split() == ["False", "True"]
