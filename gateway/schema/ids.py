"""Reading the ids clients send: a Relay global id of a given type, or the plain numeric Pipedrive id."""

from __future__ import annotations

import strawberry
from strawberry.relay import GlobalID, GlobalIDValueError

from gateway.errors import BadUserInput

MAX_PIPEDRIVE_ID = 2**31 - 1


def parse_numeric_id(raw: str) -> int | None:
    """A positive 32-bit id from its decimal text, else None."""
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= MAX_PIPEDRIVE_ID else None


def decode_id(raw: str, type_name: str) -> int:
    """The numeric id behind `raw` (a global id of `type_name`, or plain digits); BAD_USER_INPUT otherwise."""
    numeric = parse_numeric_id(raw)
    if numeric is not None:
        return numeric
    try:
        global_id = GlobalID.from_id(raw)
    except GlobalIDValueError:
        raise BadUserInput(f"Malformed id {raw[:64]!r}: expected a global id or a numeric {type_name} id.") from None
    if global_id.type_name != type_name:
        raise BadUserInput(f"Id {raw[:64]!r} is a {global_id.type_name[:32]} id where a {type_name} id is expected.")
    numeric = parse_numeric_id(global_id.node_id)
    if numeric is None:
        raise BadUserInput(f"Malformed id {raw[:64]!r}: its {type_name} number is not valid.")
    return numeric


def encode_id(type_name: str, pipedrive_id: int) -> strawberry.ID:
    return strawberry.ID(str(GlobalID(type_name=type_name, node_id=str(pipedrive_id))))
