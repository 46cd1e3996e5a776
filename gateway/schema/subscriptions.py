"""The subscription side of the schema: `activityEvents`, fed by Pipedrive's activity webhooks.

Subscriptions run over WebSocket (graphql-transport-ws on /graphql, `gateway.edge.live_socket`), whose
connection has been authenticated by then: the resolver registers a subscriber under its token's company
(`/v1/users/me`, cached per token) and yields each `Delivery` the live updates hand it. An event's fields
come from the webhook; its `activity` is read with the subscriber's own token, batched per token and
burst (`gateway.live.reads`), and the delivery executes with that window's context.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncGenerator, Iterable
from functools import cache
from typing import Annotated, Any, cast

import strawberry
from strawberry.types import get_object_definition
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection
from strawberry.utils.str_converters import to_camel_case

from gateway.context import Info
from gateway.errors import BadUserInput
from gateway.live import Delivery, EventFilter
from gateway.upstream.activities import ActivityRecord
from gateway.upstream.webhooks import Action

from .ids import encode_id
from .types import Activity

NOT_OVER_WEBSOCKET = "Subscriptions run over WebSocket: the graphql-transport-ws protocol on /graphql."


@strawberry.enum(description="What happened to an activity.")
class ActivityAction(enum.Enum):
    CREATED = strawberry.enum_value("create", description="The activity was added.")
    UPDATED = strawberry.enum_value("change", description="Some of its fields changed (`changedFields`).")
    DELETED = strawberry.enum_value("delete", description="The activity was deleted.")


@cache
def _graphql_names() -> dict[str, str]:
    """Activity's record field names -> its GraphQL field names, in the type's order."""
    fields = get_object_definition(Activity, strict=True).fields
    return {f.python_name: f.graphql_name or to_camel_case(f.python_name) for f in fields}


def changed_field_names(changed: Iterable[str]) -> list[str]:
    """The GraphQL names of the Activity fields behind record fields `changed`, in the type's order."""
    wanted = set(changed)
    return [graphql for python, graphql in _graphql_names().items() if python in wanted]


def _action(root: Delivery) -> ActivityAction:
    return ActivityAction(root.event.action)


def _activity_id(root: Delivery) -> strawberry.ID:
    return encode_id("Activity", root.event.activity_id)


def _pipedrive_id(root: Delivery) -> int:
    return root.event.activity_id


async def _activity(root: Delivery) -> ActivityRecord | None:
    return await root.activity()


def _changed_fields(root: Delivery) -> list[str]:
    return changed_field_names(root.event.changed)


def _occurred_at(root: Delivery) -> dt.datetime:
    return root.event.occurred_at


@strawberry.type(
    name="ActivityEvent",
    description="A change to an activity of the subscriber's company, as Pipedrive's webhook reported it.",
)
class ActivityEventType:
    action: ActivityAction = strawberry.field(resolver=_action, description="What happened.")
    activity_id: strawberry.ID = strawberry.field(resolver=_activity_id, description="The activity's global id.")
    pipedrive_id: int = strawberry.field(resolver=_pipedrive_id, description="The activity's numeric Pipedrive id.")
    activity = strawberry.field(
        resolver=_activity,
        graphql_type=Activity | None,
        description=(
            "The activity now, read with the subscriber's own token; null when it was deleted or the token "
            "cannot read it. The reads of a burst of events are batched per token."
        ),
    )
    changed_fields: list[str] = strawberry.field(
        resolver=_changed_fields,
        description=(
            "On UPDATED, the Activity fields that changed (camelCase, e.g. `dueDate`, `busyFlag`); empty otherwise."
        ),
    )
    occurred_at: dt.datetime = strawberry.field(
        resolver=_occurred_at, description="When it happened (the webhook's timestamp)."
    )


def selects(selections: Iterable[Selection], name: str) -> bool:
    """Whether `name` is selected directly among `selections` (fragments included)."""
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name == name:
            return True
        if isinstance(selection, FragmentSpread | InlineFragment) and selects(selection.selections, name):
            return True
    return False


async def activity_events(
    info: Info,
    actions: Annotated[
        list[ActivityAction] | None,
        strawberry.argument(description="Only these actions (left out: all)."),
    ] = None,
    user_id: Annotated[
        int | None,
        strawberry.argument(description="Only activities owned by this user, before or after the change."),
    ] = None,
) -> AsyncGenerator[Any, None]:
    connection = info.context.live
    if connection is None:
        raise BadUserInput(NOT_OVER_WEBSOCKET)
    if actions is not None and not actions:
        raise BadUserInput("`actions` must name at least one action, or be left out for all of them.")
    me = await info.context.loaders.me.get()
    event_filter = EventFilter(None if actions is None else frozenset(cast(Action, a.value) for a in actions), user_id)
    wants_activity = any(selects(field.selections, "activity") for field in info.selected_fields)
    credentials = info.context.client.credentials
    async with connection.subscribe(credentials, me.company_id, event_filter, wants_activity=wants_activity) as sub:
        async for delivery in sub:
            yield delivery


@strawberry.type(description="Live updates, over WebSocket (graphql-transport-ws on /graphql).")
class Subscription:
    activity_events = strawberry.subscription(
        resolver=activity_events,
        graphql_type=ActivityEventType,
        description=(
            "Every change to the activities of the token's company, as it happens: created, updated, deleted. "
            "Fed by Pipedrive's activity webhooks."
        ),
    )
