"""The object types activities link to: User, Person, Organization, Deal (and their small shapes).

Their root objects are the upstream records of `gateway.upstream.entities`, whichever source they came
from (a `related_objects` summary, a v2 object, a `/v1/users` item). Every field goes through
`completable`, so a field the record's source lacked is completed in batch, never read as null.
The fields are those the complete source of each type carries (v2 objects; the `/v1/users` list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry import relay

from gateway.context import Info
from gateway.upstream.entities import (
    ContactDetail,
    DealRecord,
    OrganizationRecord,
    PersonRecord,
    UserAccess,
    UserRecord,
)

from .links import Pick, completable, completed_by, deals, link, organizations, persons, users
from .nodes import RecordNode, RecordType, load_nodes

PIPEDRIVE_ID = "The numeric id the REST API and the Pipedrive web app use."
ACTIVE_FLAG = "False once deleted (v2 `is_deleted`, negated)."
VISIBLE_TO = "Visibility group: 1 owner only, 3 owner's visibility group, 5 sub-groups, 7 whole company."
LABEL_IDS = "Ids of the labels attached."


def _field(source: Pick, name: str, graphql_type: Any, description: str, *, as_list: bool = False) -> Any:
    """A field of a linked object, completed through its type's batched loader when its source lacked it."""
    return completable(name, graphql_type, description, fallback=completed_by(source, name), as_list=as_list)


@strawberry.type(name="ContactDetail", description="An e-mail address or phone number of a person.")
class ContactDetailType(RecordType):
    record_class = ContactDetail

    label: str | None = strawberry.field(description="Kind of address or number, e.g. work, home, mobile.")
    value: str | None = strawberry.field(description="The address or number itself.")
    primary: bool = strawberry.field(description="Whether this is the person's primary one.")


@strawberry.type(name="UserAccess", description="An app a user may use, and whether as an admin.")
class UserAccessType(RecordType):
    record_class = UserAccess

    app: str = strawberry.field(description="global, sales, campaigns, projects, account_settings or partnership.")
    admin: bool = strawberry.field(description="Whether the user administers this app.")
    permission_set_id: str | None = strawberry.field(description="The permission set granting the access.")


def _u(name: str, graphql_type: Any, description: str, *, as_list: bool = False) -> Any:
    return _field(users, name, graphql_type, description, as_list=as_list)


@strawberry.type(description="A user of the Pipedrive company: an activity's owner or creator, an attendee.")
class User(RecordNode, relay.Node):
    record_class = UserRecord

    pipedrive_id: int = strawberry.field(description=PIPEDRIVE_ID)
    name = _u("name", str, "Full name.")
    email = _u("email", str | None, "Login e-mail address.")
    active_flag = _u("active_flag", bool | None, "False once the user has been deactivated.")
    phone = _u("phone", str | None, "Phone number.")
    default_currency = _u("default_currency", str | None, "Default currency code, e.g. EUR.")
    locale = _u("locale", str | None, "Locale, e.g. en_US.")
    lang = _u("lang", int | None, "Interface language id.")
    activated = _u("activated", bool | None, "Whether the user has activated the account.")
    last_login = _u("last_login", dt.datetime | None, "Last login time.")
    created = _u("created", dt.datetime | None, "When the user was created.")
    modified = _u("modified", dt.datetime | None, "When the user was last modified.")
    has_created_company = _u("has_created_company", bool | None, "Whether the user created the company.")
    timezone_name = _u("timezone_name", str | None, "Time zone, e.g. Europe/Tallinn.")
    timezone_offset = _u("timezone_offset", str | None, "Time zone offset, e.g. +03:00.")
    role_id = _u("role_id", int | None, "Role id.")
    icon_url = _u("icon_url", str | None, "Profile picture URL.")
    is_you = _u("is_you", bool | None, "Whether this is the user the request's token belongs to.")
    access = _u("access", list[UserAccessType], "The apps the user may use.", as_list=True)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # the nodes are records, not instances of the type
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[UserRecord | None]:
        return await load_nodes(info.context.loaders.users, node_ids)


def _o(name: str, graphql_type: Any, description: str, *, as_list: bool = False) -> Any:
    return _field(organizations, name, graphql_type, description, as_list=as_list)


def _address_part(part: str) -> Any:
    return _o(f"address_{part}", str | None, f"Address part `{part}`, parsed from `address`.")


@strawberry.type(description="An organization (company) in the CRM.")
class Organization(RecordNode, relay.Node):
    record_class = OrganizationRecord

    pipedrive_id: int = strawberry.field(description=PIPEDRIVE_ID)
    name = _o("name", str, "Name.")
    owner_id = _o("owner_id", int | None, "Id of the user who owns the organization.")
    owner = link(users, "owner_id", User, "The user who owns the organization.", source=organizations)
    address = _o("address", str | None, "Full address as entered.")
    address_subpremise = _address_part("subpremise")
    address_street_number = _address_part("street_number")
    address_route = _address_part("route")
    address_sublocality = _address_part("sublocality")
    address_locality = _address_part("locality")
    address_admin_area_level_1 = _address_part("admin_area_level_1")
    address_admin_area_level_2 = _address_part("admin_area_level_2")
    address_country = _address_part("country")
    address_postal_code = _address_part("postal_code")
    address_formatted_address = _address_part("formatted_address")
    add_time = _o("add_time", dt.datetime | None, "Creation time.")
    update_time = _o("update_time", dt.datetime | None, "Last update time.")
    active_flag = _o("active_flag", bool | None, ACTIVE_FLAG)
    visible_to = _o("visible_to", int | None, VISIBLE_TO)
    label_ids = _o("label_ids", list[int], LABEL_IDS, as_list=True)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # the nodes are records, not instances of the type
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[OrganizationRecord | None]:
        return await load_nodes(info.context.loaders.organizations, node_ids)


def _p(name: str, graphql_type: Any, description: str, *, as_list: bool = False) -> Any:
    return _field(persons, name, graphql_type, description, as_list=as_list)


@strawberry.type(description="A person (contact) in the CRM.")
class Person(RecordNode, relay.Node):
    record_class = PersonRecord

    pipedrive_id: int = strawberry.field(description=PIPEDRIVE_ID)
    name = _p("name", str, "Full name.")
    first_name = _p("first_name", str | None, "First name.")
    last_name = _p("last_name", str | None, "Last name.")
    emails = _p("emails", list[ContactDetailType], "E-mail addresses.", as_list=True)
    phones = _p("phones", list[ContactDetailType], "Phone numbers.", as_list=True)
    owner_id = _p("owner_id", int | None, "Id of the user who owns the person.")
    owner = link(users, "owner_id", User, "The user who owns the person.", source=persons)
    org_id = _p("org_id", int | None, "Id of the organization the person belongs to.")
    organization = link(
        organizations, "org_id", Organization, "The organization the person belongs to.", source=persons
    )
    add_time = _p("add_time", dt.datetime | None, "Creation time.")
    update_time = _p("update_time", dt.datetime | None, "Last update time.")
    active_flag = _p("active_flag", bool | None, ACTIVE_FLAG)
    visible_to = _p("visible_to", int | None, VISIBLE_TO)
    label_ids = _p("label_ids", list[int], LABEL_IDS, as_list=True)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # the nodes are records, not instances of the type
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PersonRecord | None]:
        return await load_nodes(info.context.loaders.persons, node_ids)


def _d(name: str, graphql_type: Any, description: str, *, as_list: bool = False) -> Any:
    return _field(deals, name, graphql_type, description, as_list=as_list)


@strawberry.type(description="A deal in a sales pipeline.")
class Deal(RecordNode, relay.Node):
    record_class = DealRecord

    pipedrive_id: int = strawberry.field(description=PIPEDRIVE_ID)
    title = _d("title", str, "Title.")
    status = _d("status", str | None, "open, won, lost or deleted.")
    value = _d("value", float | None, "Value of the deal, in `currency`.")
    currency = _d("currency", str | None, "Currency code of `value`, e.g. EUR.")
    stage_id = _d("stage_id", int | None, "Id of the pipeline stage the deal is in.")
    pipeline_id = _d("pipeline_id", int | None, "Id of the pipeline the deal is in.")
    owner_id = _d("owner_id", int | None, "Id of the user who owns the deal (v1 `user_id`).")
    owner = link(users, "owner_id", User, "The user who owns the deal.", source=deals)
    person_id = _d("person_id", int | None, "Id of the deal's contact person.")
    person = link(persons, "person_id", Person, "The deal's contact person.", source=deals)
    org_id = _d("org_id", int | None, "Id of the deal's organization.")
    organization = link(organizations, "org_id", Organization, "The deal's organization.", source=deals)
    probability = _d("probability", int | None, "Success probability, in percent.")
    lost_reason = _d("lost_reason", str | None, "Why the deal was lost.")
    expected_close_date = _d("expected_close_date", dt.date | None, "When the deal is expected to close.")
    add_time = _d("add_time", dt.datetime | None, "Creation time.")
    update_time = _d("update_time", dt.datetime | None, "Last update time.")
    stage_change_time = _d("stage_change_time", dt.datetime | None, "When the deal last changed stage.")
    close_time = _d("close_time", dt.datetime | None, "When the deal was closed.")
    won_time = _d("won_time", dt.datetime | None, "When the deal was won.")
    lost_time = _d("lost_time", dt.datetime | None, "When the deal was lost.")
    active_flag = _d("active_flag", bool | None, ACTIVE_FLAG)
    visible_to = _d("visible_to", int | None, VISIBLE_TO)
    label_ids = _d("label_ids", list[int], LABEL_IDS, as_list=True)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # the nodes are records, not instances of the type
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DealRecord | None]:
        return await load_nodes(info.context.loaders.deals, node_ids)


ENTITY_TYPES: tuple[type, ...] = (User, Person, Organization, Deal)
