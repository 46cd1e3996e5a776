"""Typed records of the objects activities link to: users, persons, organizations and deals.

Three upstream shapes are parsed here, once, into the same records under one set of names:
- v1 `related_objects` summaries (a few fields each, REFERENCE §3.4), typed as `RelatedObjects`;
- v1 detail objects, whose `*_id` fields are expanded objects carrying the id in `value`
  (`to_int` unwraps them) and whose persons say `email`/`phone` where v2 says `emails`/`phones`;
- v2 objects (`is_deleted` instead of `active_flag`, a deal's `owner_id` instead of `user_id`,
  an organization's `address` as one object with its parts).
Like `ActivityRecord`, every record keeps `present`, the fields its payload carried, so a field a
summary lacks is completed from a fuller source instead of being read as null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .converters import (
    PLACE_PARTS,
    Converter,
    negated,
    place,
    to_bool,
    to_date,
    to_datetime,
    to_float,
    to_int,
    to_int_list,
    to_str,
    to_text,
)
from .record import Json, Record, Shape


@dataclass(slots=True)
class ContactDetail:
    """One e-mail address or phone number of a person."""

    label: str | None
    value: str | None
    primary: bool


@dataclass(slots=True)
class UserAccess:
    """One app a user may use, and whether as an admin."""

    app: str
    admin: bool
    permission_set_id: str | None


class UserRecord(Record):
    name: str | None
    email: str | None
    active_flag: bool | None
    phone: str | None
    default_currency: str | None
    locale: str | None
    lang: int | None
    activated: bool | None
    last_login: dt.datetime | None
    created: dt.datetime | None
    modified: dt.datetime | None
    has_created_company: bool | None
    timezone_name: str | None
    timezone_offset: str | None
    role_id: int | None
    icon_url: str | None
    is_you: bool | None
    access: list[UserAccess] | None


class PersonRecord(Record):
    name: str | None
    first_name: str | None
    last_name: str | None
    emails: list[ContactDetail] | None
    phones: list[ContactDetail] | None
    owner_id: int | None
    org_id: int | None
    add_time: dt.datetime | None
    update_time: dt.datetime | None
    active_flag: bool | None
    visible_to: int | None
    label_ids: list[int] | None


class OrganizationRecord(Record):
    name: str | None
    owner_id: int | None
    address: str | None
    address_subpremise: str | None
    address_street_number: str | None
    address_route: str | None
    address_sublocality: str | None
    address_locality: str | None
    address_admin_area_level_1: str | None
    address_admin_area_level_2: str | None
    address_country: str | None
    address_postal_code: str | None
    address_formatted_address: str | None
    add_time: dt.datetime | None
    update_time: dt.datetime | None
    active_flag: bool | None
    visible_to: int | None
    label_ids: list[int] | None


class DealRecord(Record):
    title: str | None
    status: str | None
    value: float | None
    currency: str | None
    stage_id: int | None
    pipeline_id: int | None
    owner_id: int | None
    person_id: int | None
    org_id: int | None
    probability: int | None
    lost_reason: str | None
    expected_close_date: dt.date | None
    add_time: dt.datetime | None
    update_time: dt.datetime | None
    stage_change_time: dt.datetime | None
    close_time: dt.datetime | None
    won_time: dt.datetime | None
    lost_time: dt.datetime | None
    active_flag: bool | None
    visible_to: int | None
    label_ids: list[int] | None


# --- converters -------------------------------------------------------------------------------------


def to_contacts(value: Any) -> list[ContactDetail]:
    return [
        ContactDetail(to_str(item.get("label")), to_str(item.get("value")), bool(to_bool(item.get("primary"))))
        for item in value or ()
        if isinstance(item, Mapping)
    ]


def to_access(value: Any) -> list[UserAccess]:
    return [
        UserAccess(str(item.get("app") or ""), bool(to_bool(item.get("admin"))), to_str(item.get("permission_set_id")))
        for item in value or ()
        if isinstance(item, Mapping)
    ]


_TIMES = {"add_time": to_datetime, "update_time": to_datetime}
_COMMON = {"id": to_int, "active_flag": to_bool, "visible_to": to_int, "label_ids": to_int_list, **_TIMES}

USER_FIELDS: dict[str, Converter] = {
    "id": to_int,
    "name": to_str,
    "email": to_str,
    "active_flag": to_bool,
    "phone": to_str,
    "default_currency": to_str,
    "locale": to_str,
    "lang": to_int,
    "activated": to_bool,
    "last_login": to_datetime,
    "created": to_datetime,
    "modified": to_datetime,
    "has_created_company": to_bool,
    "timezone_name": to_str,
    "timezone_offset": to_str,
    "role_id": to_int,
    "icon_url": to_str,
    "is_you": to_bool,
    "access": to_access,
}
PERSON_FIELDS: dict[str, Converter] = {
    **_COMMON,
    "name": to_str,
    "first_name": to_str,
    "last_name": to_str,
    "emails": to_contacts,
    "phones": to_contacts,
    "owner_id": to_int,
    "org_id": to_int,
}
ORGANIZATION_FIELDS: dict[str, Converter] = {
    **_COMMON,
    "name": to_str,
    "owner_id": to_int,
    "address": to_text,
    **{f"address_{part}": to_text for part in PLACE_PARTS},
}
DEAL_FIELDS: dict[str, Converter] = {
    **_COMMON,
    "title": to_str,
    "status": to_str,
    "value": to_float,
    "currency": to_str,
    "stage_id": to_int,
    "pipeline_id": to_int,
    "owner_id": to_int,
    "person_id": to_int,
    "org_id": to_int,
    "probability": to_int,
    "lost_reason": to_str,
    "expected_close_date": to_date,
    "stage_change_time": to_datetime,
    "close_time": to_datetime,
    "won_time": to_datetime,
    "lost_time": to_datetime,
}

R = TypeVar("R", bound=Record)


_USER = Shape(UserRecord, USER_FIELDS)
_PERSON_V1 = Shape(PersonRecord, PERSON_FIELDS, renames={"email": "emails", "phone": "phones"})
_PERSON_V2 = Shape(PersonRecord, PERSON_FIELDS, expanders={"is_deleted": negated("active_flag")})
_ORGANIZATION_V1 = Shape(OrganizationRecord, ORGANIZATION_FIELDS)
_ORGANIZATION_V2 = Shape(
    OrganizationRecord,
    ORGANIZATION_FIELDS,
    expanders={"is_deleted": negated("active_flag"), "address": place("address")},
)
_DEAL_V1 = Shape(
    DealRecord, DEAL_FIELDS, renames={"user_id": "owner_id"}, expanders={"deleted": negated("active_flag")}
)
_DEAL_V2 = Shape(DealRecord, DEAL_FIELDS, expanders={"is_deleted": negated("active_flag")})

parse_user = _USER.parse
"""A v1 user: `/v1/users` item, `related_objects.user` summary, or a detail's expanded user."""
parse_v1_person = _PERSON_V1.parse
"""A v1 person: `related_objects.person` summary, detail object, or a deal's expanded `person_id`."""
parse_v2_person = _PERSON_V2.parse
parse_v1_organization = _ORGANIZATION_V1.parse
"""A v1 organization: `related_objects.organization` summary, detail, or an expanded `org_id`."""
parse_v2_organization = _ORGANIZATION_V2.parse
parse_v1_deal = _DEAL_V1.parse
"""A v1 deal: `related_objects.deal` summary or detail object."""
parse_v2_deal = _DEAL_V2.parse


# --- the token's own user ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Me:
    """The user a token belongs to (`GET /v1/users/me`): whose activities `userId` omitted means, the
    company every activity the token reads belongs to, and whether it may read the whole company's."""

    user_id: int
    company_id: int
    is_admin: bool


def parse_me(data: Json) -> Me:
    access = to_access(data.get("access"))
    is_admin = any(a.app == "global" and a.admin for a in access) or bool(to_bool(data.get("is_admin")))
    return Me(user_id=int(data["id"]), company_id=int(data["company_id"]), is_admin=is_admin)


# --- related_objects --------------------------------------------------------------------------------


class Summaries(Mapping[int, R]):
    """The summaries of one kind in an answer's `related_objects`, parsed when first read: a page
    names far more linked objects than a query usually reads."""

    def __init__(self, raw: Mapping[str, Any], parse: Callable[[Json], R]) -> None:
        self.raw = raw
        self._parse = parse
        self._parsed: dict[int, R] = {}

    def __getitem__(self, record_id: int) -> R:
        record = self._parsed.get(record_id)
        if record is None:
            value = self.raw[str(record_id)]
            if not isinstance(value, dict):
                raise KeyError(record_id)
            record = self._parsed[record_id] = self._parse({"id": record_id, **value})
        return record

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, int) and isinstance(self.raw.get(str(record_id)), dict)

    def __iter__(self) -> Iterator[int]:
        return (int(key) for key, value in self.raw.items() if isinstance(value, dict))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def merged(self, newer: Summaries[R]) -> Summaries[R]:
        return Summaries({**self.raw, **newer.raw}, self._parse)


@dataclass(slots=True)
class RelatedObjects:
    """The `related_objects` of a v1 answer: summaries keyed by id (each lacks most fields)."""

    users: Summaries[UserRecord] = field(default_factory=lambda: Summaries({}, parse_user))
    persons: Summaries[PersonRecord] = field(default_factory=lambda: Summaries({}, parse_v1_person))
    organizations: Summaries[OrganizationRecord] = field(default_factory=lambda: Summaries({}, parse_v1_organization))
    deals: Summaries[DealRecord] = field(default_factory=lambda: Summaries({}, parse_v1_deal))

    def merged(self, other: RelatedObjects) -> RelatedObjects:
        """Both answers' summaries (`other`'s win for an id in both)."""
        return RelatedObjects(
            users=self.users.merged(other.users),
            persons=self.persons.merged(other.persons),
            organizations=self.organizations.merged(other.organizations),
            deals=self.deals.merged(other.deals),
        )


def parse_related_objects(data: Json | None) -> RelatedObjects:
    data = data or {}
    return RelatedObjects(
        users=_summaries(data.get("user"), parse_user),
        persons=_summaries(data.get("person"), parse_v1_person),
        organizations=_summaries(data.get("organization"), parse_v1_organization),
        deals=_summaries(data.get("deal"), parse_v1_deal),
    )


def _summaries(raw: Any, parse: Callable[[Json], R]) -> Summaries[R]:
    """A map keyed by the id as a string; the key stands in for a summary's missing `id`."""
    return Summaries(raw if isinstance(raw, dict) else {}, parse)
