"""Per-request loaders: one per kind of lookup, built for one request and one token.

Nothing here outlives the request except what `SharedCaches` holds, and that is keyed by
`Credentials.key`, so nothing fetched with one token is served to another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gateway.loaders.cache import TTLCache
from gateway.upstream import PipedriveClient
from gateway.upstream.activities import ActivityRecord, ActivityTypeRecord
from gateway.upstream.entities import DealRecord, OrganizationRecord, PersonRecord, RelatedObjects

from .activities import ActivityLoaders
from .activity_types import ActivityTypesLoader
from .entities import EntityLoader
from .linked import LinkedRecords
from .observer import LoaderObserver, NullLoaderObserver
from .users import UsersLoader


@dataclass(frozen=True)
class SharedCaches:
    """App-scoped caches that outlive a request (keyed by credentials inside)."""

    activity_types: TTLCache[list[ActivityTypeRecord]]


class Loaders:
    def __init__(self, client: Callable[[], PipedriveClient], shared: SharedCaches, observer: LoaderObserver) -> None:
        self.activities = ActivityLoaders(client, observer)
        self.activity_types = ActivityTypesLoader(client, shared.activity_types)
        self.users = UsersLoader(client)
        self.persons: EntityLoader[PersonRecord] = EntityLoader(lambda ids: client().persons_by_ids(ids))
        self.organizations: EntityLoader[OrganizationRecord] = EntityLoader(
            lambda ids: client().organizations_by_ids(ids)
        )
        self.deals: EntityLoader[DealRecord] = EntityLoader(lambda ids: client().deals_by_ids(ids))

    def remember_page(self, records: list[ActivityRecord], related: RelatedObjects | None) -> None:
        """Prime the loaders with what an upstream answer already carried (activities, linked summaries)."""
        for record in records:
            self.activities.remember(record)
        if related is not None:
            self.remember_related(related)

    def remember_related(self, related: RelatedObjects) -> None:
        self.users.prime(related.users.values())
        self.persons.prime(related.persons.values())
        self.organizations.prime(related.organizations.values())
        self.deals.prime(related.deals.values())


__all__ = [
    "LoaderObserver",
    "NullLoaderObserver",
    "ActivityLoaders",
    "ActivityTypesLoader",
    "EntityLoader",
    "LinkedRecords",
    "Loaders",
    "SharedCaches",
    "UsersLoader",
]
