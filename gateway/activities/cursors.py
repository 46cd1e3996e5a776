"""The cursors of both activity connections, over either API version: opaque to clients, bounded and
total to decode (any string gives a cursor or a BAD_USER_INPUT, never an exception).

- v1 `activities` (offset pages): the item's offset, and its id.
- v1 `activitiesCollection`: the upstream cursor of the item's page, how many items of it to skip,
  and the item's id.
- v2, both connections (`gateway.activities.scan`): where the upstream scan goes on (the upstream
  cursor of a page at or before the item), the order it was made for, and the item's keys (`Anchor`).

Every cursor carries the id of its item, so a v1 cursor handed out before an `auto` move to v2 goes
on working there: the v2 scan resumes after that id (`V2Activities`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from strawberry.relay.utils import from_base64, to_base64

from gateway.errors import BadUserInput
from gateway.upstream.client import MAX_LIST_LIMIT

Connection = Literal["activities", "collection"]
Sort = Literal["id", "due_date"]
Direction = Literal["asc", "desc"]

MAX_CURSOR_CHARS = 1024
MAX_ID = 2**31 - 1
MALFORMED = "Malformed cursor: pass back a cursor this API returned."
_PREFIXES: dict[tuple[Connection, str], str] = {
    ("activities", "v1"): "offset",
    ("collection", "v1"): "collection",
    ("activities", "v2"): "activities.v2",
    ("collection", "v2"): "collection.v2",
}
_CONNECTION_OF = {prefix: connection for (connection, _), prefix in _PREFIXES.items()}
_FIELD = {"activities": "activities", "collection": "activitiesCollection"}


@dataclass(frozen=True, slots=True)
class Anchor:
    """An item as its order sees it: its id, and its due date when the order is by due date."""

    id: int
    due_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class OffsetCursor:
    offset: int
    anchor: Anchor | None


@dataclass(frozen=True, slots=True)
class V1CollectionCursor:
    upstream: str | None
    skip: int
    anchor: Anchor | None


@dataclass(frozen=True, slots=True)
class ScanCursor:
    sort: Sort
    direction: Direction
    upstream: str | None
    anchor: Anchor | None


Cursor = OffsetCursor | V1CollectionCursor | ScanCursor


def encode(connection: Connection, cursor: Cursor) -> str:
    if isinstance(cursor, OffsetCursor):
        return to_base64(_PREFIXES[connection, "v1"], f"{cursor.offset}:{_id_text(cursor.anchor)}")
    if isinstance(cursor, V1CollectionCursor):
        value = f"{cursor.skip}:{_id_text(cursor.anchor)}:{cursor.upstream or ''}"
        return to_base64(_PREFIXES[connection, "v1"], value)
    fields: dict[str, Any] = {"s": cursor.sort, "d": cursor.direction, "c": cursor.upstream}
    if cursor.anchor is not None:
        fields["i"] = cursor.anchor.id
        if cursor.anchor.due_date is not None:
            fields["t"] = cursor.anchor.due_date.isoformat()
    return to_base64(_PREFIXES[connection, "v2"], json.dumps(fields, separators=(",", ":")))


def decode(connection: Connection, cursor: str) -> Cursor:
    """The cursor behind `cursor`, which must belong to `connection`; BAD_USER_INPUT otherwise."""
    if len(cursor) > MAX_CURSOR_CHARS:
        raise BadUserInput(MALFORMED)
    try:
        prefix, value = from_base64(cursor)
    except (ValueError, UnicodeDecodeError):
        raise BadUserInput(MALFORMED) from None
    owner = _CONNECTION_OF.get(prefix)
    if owner is None:
        raise BadUserInput(MALFORMED)
    if owner != connection:
        raise BadUserInput(f"This cursor belongs to `{_FIELD[owner]}`; it cannot page this connection.")
    if prefix == _PREFIXES[connection, "v2"]:
        return _scan(value)
    if connection == "activities":
        offset, _, anchor = value.partition(":")
        return OffsetCursor(_number(offset, MAX_ID), _anchor_id(anchor))
    return _v1_collection(value)


def _v1_collection(value: str) -> V1CollectionCursor:
    if value.count(":") >= 2:
        skip, anchor, upstream = value.split(":", 2)
        return V1CollectionCursor(upstream or None, _number(skip, MAX_LIST_LIMIT), _anchor_id(anchor))
    # A cursor made before the item's id was added: `skip:upstream`.
    skip, _, upstream = value.partition(":")
    return V1CollectionCursor(upstream or None, _number(skip, MAX_LIST_LIMIT), None)


def _scan(value: str) -> ScanCursor:
    try:
        fields = json.loads(value)
    except (ValueError, RecursionError):
        raise BadUserInput(MALFORMED) from None
    if not isinstance(fields, dict) or not fields.keys() <= {"s", "d", "c", "i", "t"}:
        raise BadUserInput(MALFORMED)
    sort, direction, upstream = fields.get("s"), fields.get("d"), fields.get("c")
    if sort not in ("id", "due_date") or direction not in ("asc", "desc"):
        raise BadUserInput(MALFORMED)
    if upstream is not None and not isinstance(upstream, str):
        raise BadUserInput(MALFORMED)
    return ScanCursor(sort, direction, upstream, _scan_anchor(fields))


def _scan_anchor(fields: dict[str, Any]) -> Anchor | None:
    item, due = fields.get("i"), fields.get("t")
    if item is None:
        return None
    if not isinstance(item, int) or isinstance(item, bool) or not 0 < item <= MAX_ID:
        raise BadUserInput(MALFORMED)
    if due is None:
        return Anchor(item)
    if not isinstance(due, str) or len(due) != 10:
        raise BadUserInput(MALFORMED)
    try:
        return Anchor(item, dt.date.fromisoformat(due))
    except ValueError:
        raise BadUserInput(MALFORMED) from None


def _number(text: str, maximum: int) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > maximum:
        raise BadUserInput(MALFORMED)
    return int(text)


def _anchor_id(text: str) -> Anchor | None:
    return Anchor(_number(text, MAX_ID)) if text else None


def _id_text(anchor: Anchor | None) -> str:
    return str(anchor.id) if anchor is not None else ""
