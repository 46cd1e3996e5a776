"""Opaque keyset cursors of the v2 lists.

A cursor names the first item of the next page by its sort key value and id, and the order it was
made for, as unpadded urlsafe base64 of `{"field", "fieldValue", "sortDirection", "id"}` (the
shape of SPEC-v2's example cursor). It depends only on that item, not on the page size, so the
same next item always gives the same cursor. A cursor that is not one of ours, or was made for
another `sort_by`/`sort_direction`, is a 400. The key value is the stored one (`YYYY-MM-DD
HH:MM:SS` for times, null for an undated `due_date`).
"""

import base64
import binascii
import json
import re
from typing import Any

from gateway.sandbox.errors import bad_request
from gateway.sandbox.store import ActivityOrder, Record

_KEYS = {"field", "fieldValue", "sortDirection", "id"}
_TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def direction(order: ActivityOrder) -> str:
    return "desc" if order.descending else "asc"


def encode(order: ActivityOrder, row: Record) -> str:
    """The cursor whose page starts at `row`."""
    position = {
        "field": order.sort_by,
        "fieldValue": order.key(row),
        "sortDirection": direction(order),
        "id": row["id"],
    }
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(raw: str, order: ActivityOrder) -> tuple[Any, int]:
    """The `(sort key value, id)` a cursor made for `order` starts at; 400 otherwise."""
    position = _position(raw)
    if (position["field"], position["sortDirection"]) != (order.sort_by, direction(order)):
        raise bad_request(
            f"Invalid cursor: it was made for sort_by={position['field']} "
            f"and sort_direction={position['sortDirection']}"
        )
    if not _is_key(order.sort_by, position["fieldValue"], position["id"]):
        raise bad_request("Invalid cursor")
    return position["fieldValue"], position["id"]


def _position(raw: str) -> dict[str, Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise bad_request("Invalid cursor") from exc
    if not isinstance(decoded, dict) or set(decoded) != _KEYS:
        raise bad_request("Invalid cursor")
    item_id = decoded["id"]
    if not isinstance(item_id, int) or isinstance(item_id, bool) or item_id < 1:
        raise bad_request("Invalid cursor")
    return decoded


def _is_key(sort_by: str, value: Any, item_id: int) -> bool:
    if sort_by == "id":
        return value == item_id and isinstance(value, int)
    if sort_by == "due_date":
        return value is None or (isinstance(value, str) and bool(_DATE_RE.match(value)))
    return isinstance(value, str) and bool(_TIMESTAMP_RE.match(value))
