"""The read side of the schema: node lookups, one activity, both activity connections, activity types.

Resolvers are typed functions over the records the upstream client returns; `graphql_type` names the
GraphQL type a record is served as.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated

import strawberry
from strawberry import relay

from gateway.context import Info
from gateway.upstream import ActivityListQuery, CollectionQuery
from gateway.upstream.activities import ActivityRecord, ActivityTypeRecord

from .connections import ActivityConnection, CollectionSource, ListSource
from .ids import decode_id
from .nodes import resolve_node, resolve_nodes
from .types import Activity, ActivityType

Described = strawberry.argument


async def resolve_activity(
    info: Info,
    id: Annotated[strawberry.ID, Described(description="A global id, or the numeric Pipedrive id.")],
) -> ActivityRecord | None:
    return await info.context.loaders.activities.by_id.load(decode_id(id, "Activity"))


async def resolve_activity_types(
    info: Info,
    include_inactive: Annotated[bool, Described(description="Include deleted (inactive) types.")] = False,
) -> list[ActivityTypeRecord]:
    types = await info.context.loaders.activity_types.all()
    return [t for t in types if include_inactive or t.active_flag]


def resolve_activities(
    user_id: Annotated[
        int | None, Described(description="Whose activities: omitted = the token's user, 0 = all users.")
    ] = None,
    filter_id: Annotated[int | None, Described(description="A saved filter's id.")] = None,
    types: Annotated[list[str] | None, Described(description="Activity type key strings (e.g. call, meeting).")] = None,
    start_date: Annotated[dt.date | None, Described(description="Only activities due on or after this date.")] = None,
    end_date: Annotated[dt.date | None, Described(description="Only activities due on or before this date.")] = None,
    done: Annotated[bool | None, Described(description="Only done (true) or not done (false) activities.")] = None,
) -> Iterable[ActivityRecord]:
    return ListSource(ActivityListQuery(user_id, filter_id, types, start_date, end_date, done))


def resolve_activities_collection(
    since: Annotated[
        dt.datetime | None, Described(description="Only activities updated at or after this time.")
    ] = None,
    until: Annotated[
        dt.datetime | None, Described(description="Only activities updated at or before this time.")
    ] = None,
    user_id: Annotated[int | None, Described(description="Only this user's activities.")] = None,
    types: Annotated[list[str] | None, Described(description="Activity type key strings.")] = None,
    done: Annotated[bool | None, Described(description="Only done (true) or not done (false) activities.")] = None,
) -> Iterable[ActivityRecord]:
    return CollectionSource(CollectionQuery(since, until, user_id, types, done))


def build_query_type() -> type:
    """A fresh Query type: Strawberry's relay field extensions mutate their fields when a schema is
    built, so each schema (one per app) needs its own copy of the type."""

    @strawberry.type(description="Reads.")
    class Query:
        node = strawberry.field(
            resolver=resolve_node,
            graphql_type=relay.Node | None,
            description="Any object by its global id; null when it does not exist.",
        )
        nodes = strawberry.field(
            resolver=resolve_nodes,
            graphql_type=list[relay.Node | None],
            description="Objects by their global ids, in order; null where one does not exist.",
        )
        activity = strawberry.field(
            resolver=resolve_activity,
            graphql_type=Activity | None,
            description="One activity by global or numeric id; null when it does not exist.",
        )
        activity_types = strawberry.field(
            resolver=resolve_activity_types,
            graphql_type=list[ActivityType],
            description="The activity types the token can see (upstream GET /v1/activityTypes).",
        )
        activities = relay.connection(
            ActivityConnection,
            resolver=resolve_activities,
            description="Activities, offset-paged (upstream GET /v1/activities); pages both ways.",
        )
        activities_collection = relay.connection(
            ActivityConnection,
            resolver=resolve_activities_collection,
            description=(
                "All activities of the company, cursor-paged forward "
                "(upstream GET /v1/activities/collection; admins only)."
            ),
        )

    return Query
