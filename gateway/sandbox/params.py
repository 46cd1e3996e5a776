"""Reading query parameters and path ids strictly: anything malformed is a 400 with the
standard envelope, as the upstream answers (REFERENCE §6.1).
"""

import base64
import binascii
import json
import re
from collections.abc import Collection, Mapping, Sequence

from gateway.sandbox.errors import bad_request
from gateway.sandbox.timefmt import is_date, parse_instant

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
"""Documented for the cursor endpoints; applied to `GET /v1/activities` too (UNCONFIRMED there)."""

_DIGITS = re.compile(r"^\d+$")
_RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
Query = Mapping[str, str]


def integer(raw: str, name: str, *, minimum: int = 0) -> int:
    """A non-negative decimal integer of at least `minimum`."""
    if not _DIGITS.match(raw) or int(raw) < minimum:
        raise bad_request(f"Invalid {name}: expected an integer of at least {minimum}")
    return int(raw)


def entity_id(raw: str) -> int:
    """A path id: a positive integer."""
    return integer(raw, "id", minimum=1)


def optional_integer(query: Query, name: str, *, minimum: int = 0) -> int | None:
    raw = query.get(name)
    return None if raw is None else integer(raw, name, minimum=minimum)


def limit(query: Query) -> int:
    """`limit`: 1 to MAX_LIMIT, DEFAULT_LIMIT when absent."""
    value = optional_integer(query, "limit", minimum=1)
    if value is None:
        return DEFAULT_LIMIT
    if value > MAX_LIMIT:
        raise bad_request(f"Invalid limit: the maximum is {MAX_LIMIT}")
    return value


def day(query: Query, name: str) -> str | None:
    """A `YYYY-MM-DD` date parameter."""
    raw = query.get(name)
    if raw is not None and not is_date(raw):
        raise bad_request(f"Invalid {name}: expected a date YYYY-MM-DD")
    return raw


def instant(query: Query, name: str) -> str | None:
    """A `YYYY-MM-DD HH:MM:SS` or ISO 8601 time, as a v1 UTC timestamp."""
    raw = query.get(name)
    if raw is None:
        return None
    parsed = parse_instant(raw)
    if parsed is None:
        raise bad_request(f"Invalid {name}: expected YYYY-MM-DD HH:MM:SS or ISO 8601")
    return parsed


def rfc3339(query: Query, name: str) -> str | None:
    """An RFC 3339 date-time with a zone (`2025-01-01T10:20:00Z`, `...+02:00`), as a v1 UTC timestamp."""
    raw = query.get(name)
    if raw is None:
        return None
    parsed = parse_instant(raw) if _RFC3339_RE.match(raw) else None
    if parsed is None:
        raise bad_request(f"Invalid {name}: expected an RFC 3339 date-time such as 2025-01-01T10:20:00Z")
    return parsed


def choice(query: Query, name: str, choices: Sequence[str]) -> str:
    """One of `choices`; the first when absent."""
    raw = query.get(name, choices[0])
    if raw not in choices:
        raise bad_request(f"Invalid {name}: expected one of {', '.join(choices)}")
    return raw


def include_fields(query: Query, known: Collection[str]) -> frozenset[str]:
    """`include_fields`: comma-separated names of optional fields, each one of `known`."""
    names = frozenset(name.strip() for name in query.get("include_fields", "").split(",") if name.strip())
    unknown = sorted(names - set(known))
    if unknown:
        raise bad_request(f"Invalid include_fields: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    return names


def flag(query: Query, name: str, *, accepted: Mapping[str, bool]) -> bool | None:
    """A boolean parameter spelled as one of `accepted` (0/1 on v1 lists, true/false elsewhere)."""
    raw = query.get(name)
    if raw is None:
        return None
    if raw not in accepted:
        raise bad_request(f"Invalid {name}: expected one of {', '.join(accepted)}")
    return accepted[raw]


ZERO_ONE = {"0": False, "1": True}
TRUE_FALSE = {"true": True, "false": False, "1": True, "0": False}


def types(query: Query, known: Collection[str]) -> tuple[str, ...]:
    """`type`: comma-separated activity type key strings, each one the company has."""
    raw = query.get("type")
    if raw is None:
        return ()
    keys = tuple(key.strip() for key in raw.split(","))
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise bad_request(f"Unknown activity type: {', '.join(unknown)}")
    return keys


def id_list(raw: str | None, name: str, *, maximum: int | None = None) -> list[int]:
    """A required comma-separated list of positive ids, duplicates removed, order kept."""
    if not raw:
        raise bad_request(f"Missing {name}: expected comma-separated ids")
    ids = list(dict.fromkeys(integer(part.strip(), name, minimum=1) for part in raw.split(",")))
    if maximum is not None and len(ids) > maximum:
        raise bad_request(f"Too many {name}: at most {maximum}")
    return ids


def encode_cursor(after_id: int) -> str:
    """An opaque cursor: the last id served, as unpadded urlsafe base64 of a small JSON."""
    raw = json.dumps({"after_id": after_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(raw: str) -> int:
    """The id after which a cursor's page starts; 400 when it is not one of ours."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise bad_request("Invalid cursor") from exc
    after_id = decoded.get("after_id") if isinstance(decoded, dict) else None
    if not isinstance(after_id, int) or isinstance(after_id, bool) or after_id < 0:
        raise bad_request("Invalid cursor")
    return after_id
