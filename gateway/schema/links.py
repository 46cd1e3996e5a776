"""Field resolvers over the per-request loaders: the one way a field that a record may lack is
completed, and the links from an id field to the object it names.

`completable` answers a field from the record when its payload carried it, else through a fallback
that loads it in batch: by default the record's own loader completes the record (`completed_by`:
activities through the v2 batch or the v1 detail, users from the user list, persons, organizations
and deals from their v2 batches); the denormalised names come from the linked object instead. A
field a source lacks is loaded, never answered with a wrong null. `link` turns an id field
(`user_id`, `person_id`, ...) into the linked object: synchronously when the request already holds it
(primed from `related_objects`), else through the batched loader.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import strawberry

from gateway.context import Context, Info
from gateway.engine.execution import IN_HAND, NotInHand
from gateway.loaders import EntityLoader, Loaders, UsersLoader
from gateway.upstream.record import Record


class Completer(Protocol):
    """A loader that can complete a record with a field its source lacked."""

    async def complete(self, record: Any, name: str) -> Any: ...


Pick = Callable[[Loaders], Any]
"""Which of the request's loaders a field uses."""
Fallback = Callable[[Any, Info], Awaitable[Any]]
"""How a field a record lacks is loaded."""


def users(loaders: Loaders) -> UsersLoader:
    return loaders.users


def persons(loaders: Loaders) -> EntityLoader[Any]:
    return loaders.persons


def organizations(loaders: Loaders) -> EntityLoader[Any]:
    return loaders.organizations


def deals(loaders: Loaders) -> EntityLoader[Any]:
    return loaders.deals


def activities(loaders: Loaders) -> Completer:
    return loaders.activities


def completed_by(source: Pick, name: str) -> Fallback:
    """`name` read after `source`'s loader has completed the record."""

    async def load(root: Record, info: Info) -> Any:
        return getattr(await source(info.context.loaders).complete(root, name), name)

    return load


def from_linked(id_field: str, target: Pick, attr: str) -> Fallback:
    """`attr` of the object `id_field` links to, through that type's batched loader."""

    async def load(root: Record, info: Info) -> Any:
        linked_id = getattr(root, id_field)
        records = target(info.context.loaders)
        record = await records.load(linked_id) if linked_id is not None else None
        return None if record is None else getattr(await records.complete(record, attr), attr)

    return load


async def _or_empty(pending: Awaitable[Any]) -> Any:
    return (await pending) or []


def completable(name: str, graphql_type: Any, description: str, *, fallback: Fallback, as_list: bool = False) -> Any:
    """A field answered from the record when its payload had it, else from `fallback`."""

    def in_hand(root: Record, context: Context) -> Any:
        if not root.has(name):
            raise NotInHand
        value = getattr(root, name)
        return (value or []) if as_list else value

    def resolve(root: Record, info: Info) -> Any:
        if root.has(name):
            return in_hand(root, info.context)
        return _or_empty(fallback(root, info)) if as_list else fallback(root, info)

    resolve.__name__ = name
    resolve.__annotations__ = {"root": Record, "info": Info, "return": graphql_type}
    return strawberry.field(resolver=resolve, description=description, metadata={IN_HAND: in_hand})


def _linked(target: Pick, record_id: int | None, info: Info) -> Any:
    """The linked record: at once when already known, else an awaitable of the batched load."""
    if record_id is None:
        return None
    loader = target(info.context.loaders)
    known = loader.known(record_id)
    return known if known is not None else loader.load(record_id)


async def _linked_after_completion(root: Record, id_field: str, target: Pick, source: Pick, info: Info) -> Any:
    record_id = await completed_by(source, id_field)(root, info)
    return None if record_id is None else await target(info.context.loaders).load(record_id)


def link(target: Pick, id_field: str, graphql_type: Any, description: str, *, source: Pick | None = None) -> Any:
    """The object `root.<id_field>` points to; `source` completes a root that lacks the id field."""

    def in_hand(root: Record, context: Context) -> Any:
        if source is not None and not root.has(id_field):
            raise NotInHand
        record_id = getattr(root, id_field)
        if record_id is None:
            return None
        known = target(context.loaders).known(record_id)
        if known is None:
            raise NotInHand
        return known

    def resolve(root: Record, info: Info) -> Any:
        if source is None or root.has(id_field):
            return _linked(target, getattr(root, id_field), info)
        return _linked_after_completion(root, id_field, target, source, info)

    resolve.__name__ = id_field.removesuffix("_id")
    resolve.__annotations__ = {"root": Record, "info": Info, "return": graphql_type | None}
    return strawberry.field(resolver=resolve, description=description, metadata={IN_HAND: in_hand})
