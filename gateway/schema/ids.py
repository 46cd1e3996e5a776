"""Reading the ids clients send: a Relay global id of a given type, or the plain numeric Pipedrive id.

Every decoder here is bounded and total: any string gives an id or a `BadUserInput`, never another
exception. Lengths are checked before anything is converted (Python refuses `int()` of more than 4,300
digits, and decoding a megabyte of base64 helps nobody).
"""

from __future__ import annotations

import strawberry
from strawberry.relay import GlobalID, GlobalIDValueError

from gateway.errors import BadUserInput

MAX_PIPEDRIVE_ID = 2**31 - 1
MAX_ID_DIGITS = len(str(MAX_PIPEDRIVE_ID))
MAX_ID_LENGTH = 200
"""Longer than any id this API hands out (a global id is the base64 of `TypeName:number`, under 40
characters): a longer one is refused before it is decoded."""
SHOWN_CHARACTERS = 64
"""How much of a refused id an error message repeats."""


def shown(raw: str) -> str:
    """`raw` as an error message quotes it: its start, escaped."""
    return repr(raw[:SHOWN_CHARACTERS]) + ("…" if len(raw) > SHOWN_CHARACTERS else "")


def parse_numeric_id(raw: str) -> int | None:
    """A positive 32-bit id from its decimal text (leading zeros and surrounding spaces allowed), else None."""
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        return None
    significant = text.lstrip("0")
    if len(significant) > MAX_ID_DIGITS:
        return None
    value = int(significant or "0")
    return value if 0 < value <= MAX_PIPEDRIVE_ID else None


def parse_global_id(raw: str) -> GlobalID | None:
    """The (type name, node id) of a global id, or None when `raw` is not one (or is longer than any)."""
    if len(raw) > MAX_ID_LENGTH:
        return None
    try:
        return GlobalID.from_id(raw)
    except GlobalIDValueError:
        return None


def decode_id(raw: str, type_name: str) -> int:
    """The numeric id behind `raw` (a global id of `type_name`, or plain digits); BAD_USER_INPUT otherwise."""
    numeric = parse_numeric_id(raw)
    if numeric is not None:
        return numeric
    text = raw.strip()
    if text.isascii() and text.isdigit():
        raise BadUserInput(f"Id {shown(raw)} is out of range: a numeric {type_name} id is 1 to {MAX_PIPEDRIVE_ID}.")
    global_id = parse_global_id(raw)
    if global_id is None:
        raise BadUserInput(f"Malformed id {shown(raw)}: expected a global id or a numeric {type_name} id.")
    if global_id.type_name != type_name:
        raise BadUserInput(f"Id {shown(raw)} is a {global_id.type_name[:32]!r} id where a {type_name} id is expected.")
    numeric = parse_numeric_id(global_id.node_id)
    if numeric is None:
        raise BadUserInput(f"Malformed id {shown(raw)}: its {type_name} number is not valid.")
    return numeric


def encode_id(type_name: str, pipedrive_id: int) -> strawberry.ID:
    return strawberry.ID(str(GlobalID(type_name=type_name, node_id=str(pipedrive_id))))
