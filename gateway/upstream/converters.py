"""Scalar converters from upstream JSON values to the records' Python values.

Upstream quirks end here: `""` for an unset value becomes None, 0/1 flags become booleans,
`"YYYY-MM-DD HH:MM:SS"` (v1) and RFC 3339 (v2) timestamps become aware UTC datetimes, `HH:MM:SS`
(v2) times become `HH:MM`, and v1 detail objects' expanded `*_id` objects become their id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Converter = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Expander:
    """Turns one upstream key's value into several record fields (a v2 `location` object, say)."""

    produces: frozenset[str]
    """Every field the expansion may give (records expand on the first read of one of them)."""
    expand: Callable[[Any], dict[str, Any]]

    def __call__(self, raw: Any) -> dict[str, Any]:
        return self.expand(raw)


PLACE_PARTS = (
    "subpremise",
    "street_number",
    "route",
    "sublocality",
    "locality",
    "admin_area_level_1",
    "admin_area_level_2",
    "country",
    "postal_code",
    "formatted_address",
)
"""The parts Pipedrive parses an address or location into (`location_route`, `address_country`, ...)."""


# The upstream's JSON decodes to dicts, lists, str, int, float, bool and None: exact class checks first,
# as these run for every field a query reads.


def to_int(value: Any) -> int | None:
    if value.__class__ is int:
        return value
    if value is None or value == "":
        return None
    if isinstance(value, dict):  # v1 detail objects expand *_id fields into {..., "value": id}
        value = value.get("value", value.get("id"))
    return int(value)


def to_bool(value: Any) -> bool | None:
    if value.__class__ is bool:
        return value
    if value is None or value == "":
        return None
    return bool(int(value)) if isinstance(value, (int, str)) else bool(value)


def to_str(value: Any) -> str | None:
    if value.__class__ is str:
        return value
    return None if value is None else str(value)


def to_text(value: Any) -> str | None:
    """Optional text: the upstream writes "unset" as `""` or null indifferently; here it is null."""
    return None if value is None or value == "" else str(value)


def to_float(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def to_int_list(value: Any) -> list[int]:
    return [int(item) for item in value or ()]


def to_date(value: Any) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(str(value)[:10])


def to_datetime(value: Any) -> dt.datetime | None:
    """v1 `YYYY-MM-DD HH:MM:SS` (UTC, no zone) or v2 RFC 3339, as an aware UTC datetime."""
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def to_hhmm(value: Any) -> str | None:
    """`HH:MM` (v1) or `HH:MM:SS` (v2) as `HH:MM`; `""` is unset."""
    if not value:
        return None
    return str(value)[:5]


def negated(name: str) -> Expander:
    """v2 `is_deleted` (or a v1 deal's `deleted`) as the v1 flag `name` (`active_flag`)."""

    def expand(raw: Any) -> dict[str, Any]:
        return {name: None if raw is None else not to_bool(raw)}

    return Expander(frozenset({name}), expand)


def place(prefix: str) -> Expander:
    """A v2 place object `{value, route, locality, ...}` as v1's flat `prefix`, `prefix_route`, ...

    A place that is null has no parts either; a plain string is just the text (parts left absent).
    """

    def expand(raw: Any) -> dict[str, Any]:
        if raw is None:
            return {prefix: None} | {f"{prefix}_{part}": None for part in PLACE_PARTS}
        if not isinstance(raw, dict):
            return {prefix: to_text(raw)}
        parts = {f"{prefix}_{part}": to_text(raw[part]) for part in PLACE_PARTS if part in raw}
        return {prefix: to_text(raw.get("value")), **parts}

    return Expander(frozenset({prefix, *(f"{prefix}_{part}" for part in PLACE_PARTS)}), expand)
