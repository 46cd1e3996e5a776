"""The day the demo data is anchored to, and moving generated dates onto it.

The generators write their rows around a fixed reference day, SEED_TEST_DAY (2025-01-06; the
seed's "now" is 09:00 UTC that day). `moved` then shifts every date (`YYYY-MM-DD`) and timestamp
(`YYYY-MM-DD HH:MM:SS`) value of a row by whole days, also inside JSON lists such as `series`, so
a database seeded for another day has the same rows, ids and counts with every date moved by
exactly the difference. The random draws never depend on the day.

The day of a new database is, in order: `Sandbox(seed_day=...)`; the environment variable
GATEWAY_SANDBOX_SEED_DAY (`YYYY-MM-DD`, for test runs and reproducible demos); today in UTC.
The database stores its day (`sandbox_meta.seed_day`), so a file keeps its dates across
restarts whatever day it is reopened on.
"""

import os
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from gateway.sandbox.store import Store
from gateway.sandbox.timefmt import V1_TIMESTAMP_FORMAT, is_date

SEED_TEST_DAY = date(2025, 1, 6)
"""The reference day of the generators, and the day tests pin (their expectations were written for it)."""
SEED_DAY_ENV = "GATEWAY_SANDBOX_SEED_DAY"
SEED_DAY_KEY = "seed_day"
"""Its key in the `sandbox_meta` table."""

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def default_seed_day(environ: Mapping[str, str] = os.environ) -> date:
    """GATEWAY_SANDBOX_SEED_DAY when set, else today (UTC); ValueError naming the variable when malformed."""
    raw = environ.get(SEED_DAY_ENV, "").strip()
    if not raw:
        return datetime.now(UTC).date()
    if not is_date(raw):
        raise ValueError(f"{SEED_DAY_ENV} must be a date YYYY-MM-DD, got {raw!r}")
    return date.fromisoformat(raw)


def stored_seed_day(store: Store) -> date:
    """The day a database was seeded for (every schema-2 database stores it)."""
    stored = store.meta(SEED_DAY_KEY)
    if stored is None:
        raise RuntimeError("the sandbox database has no seed day; delete the file to recreate it")
    return date.fromisoformat(stored)


def moved(value: Any, days: int) -> Any:
    """`value` with every date and v1 timestamp in it moved by `days` (lists and dicts recursively)."""
    if isinstance(value, str):
        return _moved_text(value, days)
    if isinstance(value, list):
        return [moved(item, days) for item in value]
    if isinstance(value, dict):
        return {key: moved(item, days) for key, item in value.items()}
    return value


def _moved_text(text: str, days: int) -> str:
    if _DATE_RE.match(text):
        return (date.fromisoformat(text) + timedelta(days=days)).isoformat()
    if _TIMESTAMP_RE.match(text):
        moment = datetime.strptime(text, V1_TIMESTAMP_FORMAT) + timedelta(days=days)
        return moment.strftime(V1_TIMESTAMP_FORMAT)
    return text
