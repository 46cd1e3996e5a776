"""The mutations' payload types: what a write returns, refused or not.

A refused write has its object field null (or its id list empty) and at least one `userErrors` entry.
Deleted activities are reported by their global ids (the `Activity.id` a client already holds),
whichever form of id the input used; `pipedriveId` is what a numeric id decodes to.
"""

from __future__ import annotations

import strawberry

from gateway.upstream.activities import ActivityRecord

from .types import Activity
from .user_errors import UserError

_USER_ERRORS = "Why the input was refused; empty when the mutation succeeded."
_MORE = (
    "Whether more undone activities are scheduled for the same deal, person or organization, as the upstream "
    "reports it; null when the upstream did not say (or the write was refused)."
)


@strawberry.type(description="The result of `addActivity`.")
class AddActivityPayload:
    activity: ActivityRecord | None = strawberry.field(
        default=None,
        graphql_type=Activity | None,
        description="The new activity as the upstream stored it; null when the input was refused.",
    )
    more_activities_scheduled_in_context: bool | None = strawberry.field(default=None, description=_MORE)
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=_USER_ERRORS)


@strawberry.type(description="The result of `updateActivity`.")
class UpdateActivityPayload:
    activity: ActivityRecord | None = strawberry.field(
        default=None,
        graphql_type=Activity | None,
        description="The activity after the change, as the upstream answered; null when refused.",
    )
    more_activities_scheduled_in_context: bool | None = strawberry.field(default=None, description=_MORE)
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=_USER_ERRORS)


@strawberry.type(description="The result of `deleteActivity`.")
class DeleteActivityPayload:
    deleted_activity_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global id of the deleted activity; null when nothing was deleted."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=_USER_ERRORS)


@strawberry.type(description="The result of `deleteActivities`.")
class DeleteActivitiesPayload:
    deleted_activity_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description=(
            "Global ids of the activities the upstream reports deleted, in input order; empty when the input "
            "was refused. Each id given but not deleted has a NOT_FOUND user error."
        ),
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=_USER_ERRORS)
