"""What every Node type here shares (its root objects are upstream records of one class, with `id`),
and the `node(id:)`/`nodes(ids:)` lookups across them.

The lookups decode global ids themselves (`gateway.schema.ids`, bounded) rather than through Strawberry's
`GlobalID` argument, whose refusal of one malformed id fails the whole `nodes` list: here a malformed
id fails only its own entry (an error whose path ends in its index), and an id that is well formed but
names nothing is a plain null.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Iterable
from typing import Annotated, Any, ClassVar, Protocol, TypeVar

import strawberry
from strawberry import relay
from strawberry.relay import GlobalIDValueError

from gateway.context import Info
from gateway.errors import BadUserInput
from gateway.upstream.record import Record

from .ids import parse_global_id, parse_numeric_id, shown

R = TypeVar("R", bound=Record, covariant=True)
L = TypeVar("L", bound=Record)


class RecordLoader(Protocol[R]):
    def load(self, key: int) -> Awaitable[R | None]: ...


class RecordType:
    """Mixed into a Strawberry type whose root objects are upstream records of `record_class`."""

    record_class: ClassVar[type]

    @classmethod
    def is_type_of(cls, obj: object, _info: Any) -> bool:
        return isinstance(obj, cls.record_class)


class RecordNode(RecordType):
    """Mixed into a `relay.Node` type: a `RecordType` whose global id comes from `record.id`."""

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info) -> str:
        return str(root.id)


async def load_nodes(loader: RecordLoader[L], node_ids: Iterable[str]) -> list[L | None]:
    """The records behind `node(id:)`/`nodes(ids:)`, batched; null for unknown or malformed ids."""
    numeric = [parse_numeric_id(node_id) for node_id in node_ids]
    found = await asyncio.gather(*(loader.load(n) for n in numeric if n is not None))
    by_id = {record.id: record for record in found if record is not None}
    return [by_id.get(n) if n is not None else None for n in numeric]


# --- node(id:) and nodes(ids:) -----------------------------------------------------------------------


def _node_type(raw: str, info: Info) -> tuple[type[relay.Node], str]:
    """The Node type a global id names, and its node id; BAD_USER_INPUT when it names none."""
    global_id = parse_global_id(raw)
    if global_id is None:
        raise BadUserInput(f"Malformed id {shown(raw)}: not a global id of this API.")
    try:
        return global_id.resolve_type(info), global_id.node_id
    except GlobalIDValueError:
        raise BadUserInput(f"Id {shown(raw)} names no object type of this API.") from None


async def _resolve(node_type: type[relay.Node], info: Info, node_ids: list[str]) -> list[Any]:
    found = node_type.resolve_nodes(info=info, node_ids=node_ids, required=False)
    return list(await found if inspect.isawaitable(found) else found)


async def resolve_node(
    info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The ID of the object.")]
) -> Any:
    node_type, node_id = _node_type(id, info)
    (found,) = await _resolve(node_type, info, [node_id])
    return found


async def resolve_nodes(
    info: Info, ids: Annotated[list[strawberry.ID], strawberry.argument(description="The IDs of the objects.")]
) -> list[Any]:
    """Each id's object, in order, batched per type; a malformed id's entry is its error (graphql-core
    reports an exception in a list as that item's error, path `["nodes", index]`, and nulls only it)."""
    entries: list[Any] = [None] * len(ids)
    wanted: dict[type[relay.Node], dict[int, str]] = {}
    for index, raw in enumerate(ids):
        try:
            node_type, node_id = _node_type(raw, info)
        except BadUserInput as error:
            entries[index] = error
        else:
            wanted.setdefault(node_type, {})[index] = node_id
    found = await asyncio.gather(*(_resolve(t, info, list(by_index.values())) for t, by_index in wanted.items()))
    for by_index, records in zip(wanted.values(), found, strict=True):
        for index, record in zip(by_index, records, strict=True):
            entries[index] = record
    return entries
