"""Per-request loaders: one per kind of lookup, built for one request and one token.

Nothing here outlives the request except what `SharedCaches` holds, and that is keyed by
`Credentials.key`, so nothing fetched with one token is served to another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gateway.activities import Activities, ApiVersion
from gateway.loaders.cache import TokenCache
from gateway.upstream import PipedriveClient
from gateway.upstream.activities import ActivityRecord, ActivityTypeRecord
from gateway.upstream.entities import DealRecord, Me, OrganizationRecord, PersonRecord, RelatedObjects

from .activities import ActivityLoaders
from .activity_types import ActivityTypesLoader
from .entities import EntityLoader
from .linked import LinkedRecords
from .observer import LoaderObserver, NullLoaderObserver
from .per_token import PerToken
from .users import UsersLoader


@dataclass(frozen=True)
class SharedCaches:
    """App-scoped caches that outlive a request (keyed by credentials inside)."""

    activity_types: TokenCache[list[ActivityTypeRecord]]
    me: TokenCache[Me]


async def _me(client: PipedriveClient) -> Me:
    return await client.me()


async def _activity_types(client: PipedriveClient) -> list[ActivityTypeRecord]:
    return await client.activity_types()


class Loaders:
    """The loaders of one request, and the activity operations (`api`) they and the schema use."""

    def __init__(
        self,
        client: Callable[[], PipedriveClient],
        shared: SharedCaches,
        observer: LoaderObserver,
        version: ApiVersion,
        max_scan_pages: int,
    ) -> None:
        self.me: PerToken[Me] = PerToken(client, shared.me, _me)
        self.api = Activities(client, version, self.me.get, max_scan_pages=max_scan_pages)
        self.activities = ActivityLoaders(client, self.api, observer, self.remember_related)
        self.activity_types = ActivityTypesLoader(client, shared.activity_types, _activity_types)
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

    def release(self) -> None:
        """Drop everything this request loaded (see `Context.release`)."""
        for loader in (
            self.activities,
            self.me,
            self.activity_types,
            self.users,
            self.persons,
            self.organizations,
            self.deals,
        ):
            loader.release()

    def remember_related(self, related: RelatedObjects) -> None:
        self.users.prime_summaries(related.users)
        self.persons.prime_summaries(related.persons)
        self.organizations.prime_summaries(related.organizations)
        self.deals.prime_summaries(related.deals)


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
