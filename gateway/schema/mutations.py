"""The write side of the schema: the four activity mutations. Resolvers only hand over to
`activity_writes`, which owns the steps (checks, upstream call, user errors, loader refresh)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from . import activity_writes
from .inputs import AddActivityInput, DeleteActivitiesInput, DeleteActivityInput, UpdateActivityInput
from .payloads import AddActivityPayload, DeleteActivitiesPayload, DeleteActivityPayload, UpdateActivityPayload


@strawberry.type(description="Writes. Refused input comes back as `userErrors`, and then nothing is written.")
class Mutation:
    @strawberry.mutation(
        description=(
            "Create an activity (upstream POST /v1/activities; sent again only when the upstream cannot have "
            "received it)."
        )
    )
    async def add_activity(
        self,
        info: strawberry.Info,
        input: Annotated[AddActivityInput, strawberry.argument(description="The new activity's fields.")],
    ) -> AddActivityPayload:
        return await activity_writes.add_activity(info.context, input)

    @strawberry.mutation(description="Change some fields of an activity (upstream PUT /v1/activities/{id}).")
    async def update_activity(
        self,
        info: strawberry.Info,
        input: Annotated[
            UpdateActivityInput, strawberry.argument(description="The activity and the fields to change or clear.")
        ],
    ) -> UpdateActivityPayload:
        return await activity_writes.update_activity(info.context, input)

    @strawberry.mutation(description="Delete an activity (upstream DELETE /v1/activities/{id}).")
    async def delete_activity(
        self,
        info: strawberry.Info,
        input: Annotated[DeleteActivityInput, strawberry.argument(description="The activity to delete.")],
    ) -> DeleteActivityPayload:
        return await activity_writes.delete_activity(info.context, input)

    @strawberry.mutation(
        description="Delete several activities (upstream DELETE /v1/activities?ids=, at most 100 ids a call)."
    )
    async def delete_activities(
        self,
        info: strawberry.Info,
        input: Annotated[DeleteActivitiesInput, strawberry.argument(description="The activities to delete.")],
    ) -> DeleteActivitiesPayload:
        return await activity_writes.delete_activities(info.context, input)
