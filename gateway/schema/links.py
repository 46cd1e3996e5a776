"""Field resolvers over the per-request loaders of linked objects (users, persons, organizations, deals).

`entity_field` answers a field of a User, Person, Organization or Deal from the record when its source
carried it, else completes the record in batch first, like `completable` does for activities: a field
a `related_objects` summary lacks is loaded, never answered with a wrong null. `link` turns an id field
(`user_id`, `person_id`, ...) into the linked object: synchronously when the request already holds it
(primed from `related_objects`), else through the batched loader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import strawberry

from gateway.loaders import EntityLoader, Loaders, UsersLoader


class Completer(Protocol):
    """A loader that can complete a record with a field its source lacked."""

    async def complete(self, record: Any, name: str) -> Any: ...


Pick = Callable[[Loaders], Any]
"""Which of the request's loaders a field uses."""


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


async def _completed_value(root: Any, name: str, source: Pick, info: strawberry.Info) -> Any:
    complete = await source(info.context.loaders).complete(root, name)
    return getattr(complete, name)


async def _completed_list(root: Any, name: str, source: Pick, info: strawberry.Info) -> Any:
    return (await _completed_value(root, name, source, info)) or []


def entity_field(source: Pick, name: str, graphql_type: Any, description: str, *, as_list: bool = False) -> Any:
    """A field read from the record when present, else after completing it through `source`."""
    load = _completed_list if as_list else _completed_value

    def resolve(root: Any, info: strawberry.Info) -> Any:
        if name in root.present:
            value = getattr(root, name)
            return (value or []) if as_list else value
        return load(root, name, source, info)

    resolve.__name__ = name
    resolve.__annotations__ = {"root": Any, "info": strawberry.Info, "return": graphql_type}
    return strawberry.field(resolver=resolve, description=description)


def _linked(target: Pick, record_id: int | None, info: strawberry.Info) -> Any:
    """The linked record: at once when already known, else an awaitable of the batched load."""
    if record_id is None:
        return None
    loader = target(info.context.loaders)
    known = loader.known(record_id)
    return known if known is not None else loader.load(record_id)


async def _linked_after_completion(root: Any, id_field: str, target: Pick, source: Pick, info: strawberry.Info) -> Any:
    record_id = await _completed_value(root, id_field, source, info)
    return None if record_id is None else await target(info.context.loaders).load(record_id)


def link(target: Pick, id_field: str, graphql_type: Any, description: str, *, source: Pick | None = None) -> Any:
    """The object `root.<id_field>` points to; `source` completes a root that lacks the id field."""

    def resolve(root: Any, info: strawberry.Info) -> Any:
        if source is None or id_field in root.present:
            return _linked(target, getattr(root, id_field), info)
        return _linked_after_completion(root, id_field, target, source, info)

    resolve.__name__ = id_field.removesuffix("_id")
    resolve.__annotations__ = {"root": Any, "info": strawberry.Info, "return": graphql_type | None}
    return strawberry.field(resolver=resolve, description=description)
