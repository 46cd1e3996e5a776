"""The read side of the schema: node lookups, one activity, both activity connections, activity types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated

import strawberry
from strawberry import relay

from gateway.upstream import ActivityListQuery, CollectionQuery

from .connections import ActivityConnection, CollectionSource, OffsetSource
from .ids import decode_id
from .types import Activity, ActivityType


def build_query_type() -> type:
    """A fresh Query type: Strawberry's relay field extensions mutate their fields when a schema is
    built, so each schema (one per app) needs its own copy of the type."""

    @strawberry.type(description="Reads.")
    class Query:
        node: relay.Node | None = relay.node(description="Any object by its global id; null when it does not exist.")
        nodes: list[relay.Node | None] = relay.node(
            description="Objects by their global ids, in order; null where one does not exist."
        )

        @strawberry.field(description="One activity by global or numeric id; null when it does not exist.")
        async def activity(
            self,
            info: strawberry.Info,
            id: Annotated[strawberry.ID, strawberry.argument(description="A global id, or the numeric Pipedrive id.")],
        ) -> Activity | None:
            record = await info.context.loaders.activities.by_id.load(decode_id(id, "Activity"))
            return record  # type: ignore[return-value]

        @strawberry.field(description="The activity types the token can see (upstream GET /v1/activityTypes).")
        async def activity_types(
            self,
            info: strawberry.Info,
            include_inactive: Annotated[
                bool, strawberry.argument(description="Include deleted (inactive) types.")
            ] = False,
        ) -> list[ActivityType]:
            types = await info.context.loaders.activity_types.all()
            return [t for t in types if include_inactive or t.active_flag]  # type: ignore[misc]

        @relay.connection(
            ActivityConnection, description="Activities, offset-paged (upstream GET /v1/activities); pages both ways."
        )
        def activities(
            self,
            user_id: Annotated[
                int | None,
                strawberry.argument(description="Whose activities: omitted = the token's user, 0 = all users."),
            ] = None,
            filter_id: Annotated[int | None, strawberry.argument(description="A saved filter's id.")] = None,
            types: Annotated[
                list[str] | None, strawberry.argument(description="Activity type key strings (e.g. call, meeting).")
            ] = None,
            start_date: Annotated[
                dt.date | None, strawberry.argument(description="Only activities due on or after this date.")
            ] = None,
            end_date: Annotated[
                dt.date | None, strawberry.argument(description="Only activities due on or before this date.")
            ] = None,
            done: Annotated[
                bool | None, strawberry.argument(description="Only done (true) or not done (false) activities.")
            ] = None,
        ) -> Iterable[Activity]:
            query = ActivityListQuery(user_id, filter_id, types, start_date, end_date, done)
            return OffsetSource(query)  # type: ignore[return-value]

        @relay.connection(
            ActivityConnection,
            description=(
                "All activities of the company, cursor-paged forward "
                "(upstream GET /v1/activities/collection; admins only)."
            ),
        )
        def activities_collection(
            self,
            since: Annotated[
                dt.datetime | None, strawberry.argument(description="Only activities updated at or after this time.")
            ] = None,
            until: Annotated[
                dt.datetime | None, strawberry.argument(description="Only activities updated at or before this time.")
            ] = None,
            user_id: Annotated[int | None, strawberry.argument(description="Only this user's activities.")] = None,
            types: Annotated[list[str] | None, strawberry.argument(description="Activity type key strings.")] = None,
            done: Annotated[
                bool | None, strawberry.argument(description="Only done (true) or not done (false) activities.")
            ] = None,
        ) -> Iterable[Activity]:
            return CollectionSource(CollectionQuery(since, until, user_id, types, done))  # type: ignore[return-value]

    return Query
