"""The object types: Activity and ActivityType, and the small shapes they carry.

Their root objects are the upstream records themselves (`gateway.upstream.activities`), so a plain field
is one attribute lookup. A field that some upstream sources leave out (the slim `/collection` item, a
v2 object) resolves through `completable`: answered from the record when present, else loaded in
batch, never answered with a wrong null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry import relay

from gateway.context import Info
from gateway.upstream.activities import (
    ActivityFile,
    ActivityRecord,
    ActivityTypeRecord,
    Attendee,
    Participant,
    SeriesItem,
)

from .descriptions import ACTIVITY_FIELD_DESCRIPTIONS as A
from .descriptions import ACTIVITY_TYPE_FIELD_DESCRIPTIONS as T
from .entities import Deal, Organization, Person, User
from .ids import parse_numeric_id
from .links import Pick, activities, completable, completed_by, deals, from_linked, link, organizations, persons, users
from .nodes import RecordNode, RecordType, load_nodes


@strawberry.type(name="ActivityParticipant", description="A person linked to an activity.")
class ParticipantType(RecordType):
    record_class = Participant

    person_id: int | None = strawberry.field(description="Pipedrive id of the person.")
    primary_flag: bool = strawberry.field(description="Whether this is the activity's primary person.")
    person = link(persons, "person_id", Person, "The person; null when unknown or not visible to the token.")


@strawberry.type(name="ActivityAttendee", description="A calendar guest of an activity.")
class AttendeeType(RecordType):
    record_class = Attendee

    email_address: str | None = strawberry.field(description="The guest's e-mail address.")
    name: str | None = strawberry.field(description="The guest's display name.")
    status: str | None = strawberry.field(description="Invitation status, e.g. noreply, accepted.")
    is_organizer: bool = strawberry.field(description="Whether the guest organises the event.")
    person_id: int | None = strawberry.field(description="Pipedrive id of the matching person, if any.")
    user_id: int | None = strawberry.field(description="Pipedrive id of the matching user, if any.")
    person = link(persons, "person_id", Person, "The matching person, if any.")
    user = link(users, "user_id", User, "The matching user, if any.")


@strawberry.type(name="ActivitySeriesItem", description="One occurrence of a recurring activity.")
class SeriesItemType(RecordType):
    record_class = SeriesItem

    due_date: dt.date | None = strawberry.field(description="Date of the occurrence.")
    due_time: str | None = strawberry.field(description="Time of the occurrence, HH:MM.")


@strawberry.type(name="ActivityFile", description="A file attached to an activity.")
class FileType(RecordType):
    record_class = ActivityFile

    id: str = strawberry.field(description="Upstream id of the file.")
    clean_name: str | None = strawberry.field(description="File name.")
    url: str | None = strawberry.field(description="Where the file can be fetched.")


async def _own_company(root: ActivityRecord, info: Info) -> int:
    """The company of the token's own user (`/v1/users/me`, cached per token): every activity a token
    reads is its company's, so a source that lacks `company_id` (v2, `/collection`) needs no other read."""
    return (await info.context.loaders.me.get()).company_id


def _c(name: str, graphql_type: Any, *, as_list: bool = False) -> Any:
    """An activity field that some sources lack: completed through the activity loaders."""
    return completable(name, graphql_type, A[name], fallback=completed_by(activities, name), as_list=as_list)


def _named(name: str, id_field: str, target: Pick, attr: str) -> Any:
    """A denormalised name (`owner_name`, ...): v1 detail objects carry it, other sources read it from
    the linked object's batched loader."""
    return completable(name, str | None, A[name], fallback=from_linked(id_field, target, attr))


def _d(name: str) -> Any:
    return strawberry.field(description=A[name])


@strawberry.type(description="A kind of activity (call, meeting, a custom type, ...).")
class ActivityType(RecordNode, relay.Node):
    record_class = ActivityTypeRecord

    pipedrive_id: int = strawberry.field(description="The numeric id the REST API uses.")
    name: str = strawberry.field(description=T["name"])
    key_string: str = strawberry.field(description=T["key_string"])
    icon_key: str | None = strawberry.field(description=T["icon_key"])
    color: str | None = strawberry.field(description=T["color"])
    order_nr: int | None = strawberry.field(description=T["order_nr"])
    active_flag: bool = strawberry.field(description=T["active_flag"])
    is_custom_flag: bool = strawberry.field(description=T["is_custom_flag"])
    add_time: dt.datetime | None = strawberry.field(description=T["add_time"])
    update_time: dt.datetime | None = strawberry.field(description=T["update_time"])

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # the nodes are records, not instances of the type
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ActivityTypeRecord | None]:
        by_id = {t.id: t for t in await info.context.loaders.activity_types.all()}
        return [by_id.get(parse_numeric_id(node_id) or 0) for node_id in node_ids]


async def _activity_type(root: ActivityRecord, info: Info) -> ActivityTypeRecord | None:
    if not root.type:
        return None
    return await info.context.loaders.activity_types.by_key(root.type)


@strawberry.type(description="A call, meeting, task or other activity on the CRM calendar.")
class Activity(RecordNode, relay.Node):
    record_class = ActivityRecord

    pipedrive_id: int = strawberry.field(description="The numeric id the REST API and the Pipedrive web app use.")
    user_id: int = _d("user_id")
    done: bool = _d("done")
    type: str = _d("type")
    subject: str = _d("subject")
    due_date: dt.date | None = _d("due_date")
    due_time: str | None = _d("due_time")
    duration: str | None = _d("duration")
    busy_flag: bool | None = _d("busy_flag")
    add_time: dt.datetime = _d("add_time")
    update_time: dt.datetime = _d("update_time")
    marked_as_done_time: dt.datetime | None = _d("marked_as_done_time")
    active_flag: bool = _d("active_flag")
    conference_meeting_client: str | None = _d("conference_meeting_client")
    conference_meeting_url: str | None = _d("conference_meeting_url")
    conference_meeting_id: str | None = _d("conference_meeting_id")
    public_description: str | None = _d("public_description")
    location: str | None = _d("location")
    location_subpremise: str | None = _d("location_subpremise")
    location_street_number: str | None = _d("location_street_number")
    location_route: str | None = _d("location_route")
    location_sublocality: str | None = _d("location_sublocality")
    location_locality: str | None = _d("location_locality")
    location_admin_area_level_1: str | None = _d("location_admin_area_level_1")
    location_admin_area_level_2: str | None = _d("location_admin_area_level_2")
    location_country: str | None = _d("location_country")
    location_postal_code: str | None = _d("location_postal_code")
    org_id: int | None = _d("org_id")
    person_id: int | None = _d("person_id")
    deal_id: int | None = _d("deal_id")
    lead_id: str | None = _d("lead_id")
    project_id: int | None = _d("project_id")

    company_id = completable("company_id", int, A["company_id"], fallback=_own_company)
    update_user_id = _c("update_user_id", int | None)
    source_timezone = _c("source_timezone", str | None)
    location_formatted_address = _c("location_formatted_address", str | None)
    note = _c("note", str | None)
    created_by_user_id = _c("created_by_user_id", int)
    assigned_to_user_id = _c("assigned_to_user_id", int)
    participants = _c("participants", list[ParticipantType], as_list=True)
    attendees = _c("attendees", list[AttendeeType], as_list=True)
    reference_type = _c("reference_type", str | None)
    reference_id = _c("reference_id", int | None)
    last_notification_time = _c("last_notification_time", dt.datetime | None)
    last_notification_user_id = _c("last_notification_user_id", int | None)
    notification_language_id = _c("notification_language_id", int | None)
    calendar_sync_include_context = _c("calendar_sync_include_context", str | None)
    gcal_event_id = _c("gcal_event_id", str | None)
    google_calendar_id = _c("google_calendar_id", str | None)
    google_calendar_etag = _c("google_calendar_etag", str | None)
    rec_rule = _c("rec_rule", str | None)
    rec_rule_extension = _c("rec_rule_extension", str | None)
    rec_master_activity_id = _c("rec_master_activity_id", int | None)
    series = _c("series", list[SeriesItemType], as_list=True)
    org_name = _named("org_name", "org_id", organizations, "name")
    person_name = _named("person_name", "person_id", persons, "name")
    deal_title = _named("deal_title", "deal_id", deals, "title")
    owner_name = completable("owner_name", str, A["owner_name"], fallback=from_linked("user_id", users, "name"))
    person_dropbox_bcc = _c("person_dropbox_bcc", str | None)
    deal_dropbox_bcc = _c("deal_dropbox_bcc", str | None)
    file = _c("file", FileType | None)

    owner = link(users, "user_id", User, "The user the activity is assigned to (`userId`).", source=activities)
    creator = link(
        users, "created_by_user_id", User, "The user who created the activity (`createdByUserId`).", source=activities
    )
    deal = link(deals, "deal_id", Deal, "The linked deal (`dealId`).", source=activities)
    person = link(persons, "person_id", Person, "The linked (primary) person (`personId`).", source=activities)
    organization = link(organizations, "org_id", Organization, "The linked organization (`orgId`).", source=activities)

    activity_type = strawberry.field(
        resolver=_activity_type,
        graphql_type=ActivityType | None,
        description="The activity's type (from `type`, the type's key string).",
    )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # the nodes are records, not instances of the type
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ActivityRecord | None]:
        return await load_nodes(info.context.loaders.activities.by_id, node_ids)
