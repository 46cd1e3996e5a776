"""Dates and times as the two API versions spell them.

v1 writes timestamps as `YYYY-MM-DD HH:MM:SS` in UTC (no zone suffix); v2 as RFC 3339 with `Z`;
`due_time`/`duration` are `HH:MM` on v1 and `HH:MM:SS` on v2. The store keeps the v1 spelling,
which also sorts correctly as text.
"""

import re
from datetime import UTC, date, datetime

V1_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def utc_now() -> str:
    """The current UTC time, v1-formatted."""
    return datetime.now(UTC).strftime(V1_TIMESTAMP_FORMAT)


def is_date(raw: str) -> bool:
    """Whether `raw` is a real calendar date written `YYYY-MM-DD`."""
    if not _DATE_RE.match(raw):
        return False
    try:
        date.fromisoformat(raw)
    except ValueError:
        return False
    return True


def is_hhmm(raw: str) -> bool:
    """Whether `raw` is a clock time `HH:MM` (00:00 to 23:59)."""
    return bool(_HHMM_RE.match(raw))


def parse_instant(raw: str) -> str | None:
    """Read `YYYY-MM-DD HH:MM:SS` or ISO 8601 (`T`, `Z`, offsets, date only) as a v1 UTC timestamp.

    A value without a zone is taken as UTC. None when `raw` is not such a value.
    """
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(V1_TIMESTAMP_FORMAT)


def to_rfc3339(v1_timestamp: str | None) -> str | None:
    """`2025-02-20 08:01:12` -> `2025-02-20T08:01:12Z`; empty or None -> None."""
    if not v1_timestamp:
        return None
    return v1_timestamp.replace(" ", "T") + "Z"


def to_hhmmss(hhmm: str | None) -> str | None:
    """`09:30` -> `09:30:00`; empty or None -> None."""
    if not hhmm:
        return None
    return f"{hhmm}:00"
