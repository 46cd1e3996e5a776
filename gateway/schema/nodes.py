"""What every Node type here shares: its root objects are upstream records of one class, with `id`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import Any, ClassVar, Protocol, TypeVar

from gateway.context import Info
from gateway.upstream.record import Record

from .ids import parse_numeric_id

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
