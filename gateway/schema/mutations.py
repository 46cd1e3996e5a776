"""The write side of the schema: the four activity mutations. Resolvers only hand over to
`activity_writes`, which owns the steps (checks, upstream call, user errors, loader refresh)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info

from . import activity_writes
from .inputs import AddActivityInput, DeleteActivitiesInput, DeleteActivityInput, UpdateActivityInput
from .payloads import AddActivityPayload, DeleteActivitiesPayload, DeleteActivityPayload, UpdateActivityPayload

Described = strawberry.argument


async def add_activity(
    info: Info, input: Annotated[AddActivityInput, Described(description="The new activity's fields.")]
) -> AddActivityPayload:
    return await activity_writes.add_activity(info.context, input)


async def update_activity(
    info: Info,
    input: Annotated[UpdateActivityInput, Described(description="The activity and the fields to change or clear.")],
) -> UpdateActivityPayload:
    return await activity_writes.update_activity(info.context, input)


async def delete_activity(
    info: Info, input: Annotated[DeleteActivityInput, Described(description="The activity to delete.")]
) -> DeleteActivityPayload:
    return await activity_writes.delete_activity(info.context, input)


async def delete_activities(
    info: Info, input: Annotated[DeleteActivitiesInput, Described(description="The activities to delete.")]
) -> DeleteActivitiesPayload:
    return await activity_writes.delete_activities(info.context, input)


@strawberry.type(description="Writes. Refused input comes back as `userErrors`, and then nothing is written.")
class Mutation:
    add_activity: AddActivityPayload = strawberry.mutation(
        resolver=add_activity,
        description=(
            "Create an activity (upstream POST /v1/activities; sent again only when the upstream cannot have "
            "received it)."
        ),
    )
    update_activity: UpdateActivityPayload = strawberry.mutation(
        resolver=update_activity, description="Change some fields of an activity (upstream PUT /v1/activities/{id})."
    )
    delete_activity: DeleteActivityPayload = strawberry.mutation(
        resolver=delete_activity, description="Delete an activity (upstream DELETE /v1/activities/{id})."
    )
    delete_activities: DeleteActivitiesPayload = strawberry.mutation(
        resolver=delete_activities,
        description="Delete several activities (upstream DELETE /v1/activities?ids=, at most 100 ids a call).",
    )
