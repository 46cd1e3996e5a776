"""v1 JSON shapes built from store rows: the 61-field activity and the 36-field collection item,
activity types, users (and the caller with its company, for `/v1/users/me`), and the
person/organization/deal detail objects with their expanded
`*_id` objects (each carrying `value`, the plain id), per REFERENCE §3, §4 and §5.1.

Unset `due_time`, `duration` and `marked_as_done_time` are "" (as observed upstream); unset
`participants` and `attendees` are null; `file` is null unless an activity has one.
"""

from typing import Any

from gateway.sandbox.fields import V1_ACTIVITY_FIELDS, V1_COLLECTION_FIELDS
from gateway.sandbox.store import Record

JSONObject = dict[str, Any]


def mailbox(row: Record) -> str:
    """The company's Smart BCC address (`cc_email`, `person_dropbox_bcc`)."""
    return f"{row['company_domain']}@pipedrivemail.com"


def activity(row: Record) -> JSONObject:
    """The full activity of list/get/add/update."""
    values = _activity_values(row)
    return {name: values[name] for name in V1_ACTIVITY_FIELDS}


def collection_item(row: Record) -> JSONObject:
    """The slimmer activity of `/v1/activities/collection`."""
    values = _activity_values(row)
    return {name: values[name] for name in V1_COLLECTION_FIELDS}


def _activity_values(row: Record) -> Record:
    return {
        **row,
        "done": bool(row["done"]),
        "active_flag": bool(row["active_flag"]),
        "busy_flag": None if row["busy_flag"] is None else bool(row["busy_flag"]),
        "person_dropbox_bcc": mailbox(row) if row["person_id"] is not None else None,
        "deal_dropbox_bcc": (
            f"{row['company_domain']}+deal{row['deal_id']}@pipedrivemail.com" if row["deal_id"] is not None else None
        ),
        "assigned_to_user_id": row["user_id"],
    }


def activity_type(row: Record) -> JSONObject:
    return {
        "id": row["id"],
        "order_nr": row["order_nr"],
        "name": row["name"],
        "key_string": row["key_string"],
        "icon_key": row["icon_key"],
        "active_flag": bool(row["active_flag"]),
        "color": row["color"],
        "is_custom_flag": bool(row["is_custom_flag"]),
        "add_time": row["add_time"],
        "update_time": row["update_time"],
    }


def user(row: Record, *, caller_user_id: int) -> JSONObject:
    """The full user object of `/v1/users` and `/v1/users/{id}`."""
    return {
        "id": row["id"],
        "name": row["name"],
        "default_currency": row["default_currency"],
        "locale": row["locale"],
        "lang": row["lang"],
        "email": row["email"],
        "phone": row["phone"],
        "activated": bool(row["activated"]),
        "last_login": row["last_login"],
        "created": row["created"],
        "modified": row["modified"],
        "has_created_company": bool(row["has_created_company"]),
        "access": [{"app": "global", "admin": bool(row["is_admin"]), "permission_set_id": row["permission_set_id"]}],
        "active_flag": bool(row["active_flag"]),
        "timezone_name": row["timezone_name"],
        "timezone_offset": row["timezone_offset"],
        "role_id": row["role_id"],
        "icon_url": row["icon_url"],
        "is_you": row["id"] == caller_user_id,
        "is_deleted": not row["active_flag"],
    }


def current_user(row: Record, company: Record) -> JSONObject:
    """The caller as `/v1/users/me` answers: the user object plus its company and language."""
    language, _, country = row["locale"].partition("_")
    return {
        **user(row, caller_user_id=row["id"]),
        "company_id": company["id"],
        "company_name": company["name"],
        "company_domain": company["domain"],
        "company_country": company["country"],
        "company_industry": company["industry"],
        "language": {"language_code": language, "country_code": country or None},
    }


def user_summary(row: Record) -> JSONObject:
    """A user inside `related_objects.user`."""
    return {
        "id": row["id"],
        "name": row["name"],
        "email": row["email"],
        "has_pic": row["has_pic"],
        "pic_hash": row["pic_hash"],
        "active_flag": bool(row["active_flag"]),
    }


def person_summary(row: Record, *, with_active_flag: bool) -> JSONObject:
    """A person inside `related_objects.person` (POST/PUT add `active_flag`)."""
    summary: JSONObject = {"id": row["id"], "name": row["name"]}
    if with_active_flag:
        summary["active_flag"] = bool(row["active_flag"])
    summary.update(email=row["emails"], phone=row["phones"], owner_id=row["owner_id"])
    return summary


def organization_summary(row: Record, *, with_active_flag: bool) -> JSONObject:
    """An organization inside `related_objects.organization` (POST/PUT add `active_flag`)."""
    summary: JSONObject = {
        "id": row["id"],
        "name": row["name"],
        "people_count": row["people_count"],
        "owner_id": row["owner_id"],
        "address": row["address"],
    }
    if with_active_flag:
        summary["active_flag"] = bool(row["active_flag"])
    summary["cc_email"] = mailbox(row)
    return summary


def deal_summary(row: Record) -> JSONObject:
    """A deal inside `related_objects.deal`."""
    return {
        "id": row["id"],
        "title": row["title"],
        "status": row["status"],
        "value": row["value"],
        "currency": row["currency"],
        "stage_id": row["stage_id"],
        "pipeline_id": row["pipeline_id"],
    }


def stage_summary(row: Record) -> JSONObject:
    """A stage inside a deal's `related_objects.stage`."""
    return {key: row[key] for key in ("id", "name", "order_nr", "pipeline_id", "deal_probability")}


def pipeline_summary(row: Record) -> JSONObject:
    """A pipeline inside a deal's `related_objects.pipeline`."""
    return {"id": row["id"], "name": row["name"], "order_nr": row["order_nr"], "active": bool(row["active"])}


def expanded_user(row: Record) -> JSONObject:
    """A user expanded into a detail object's `owner_id`/`user_id`/`creator_user_id`."""
    return {**user_summary(row), "value": row["id"]}


def expanded_organization(row: Record) -> JSONObject:
    """An organization expanded into a detail object's `org_id`."""
    summary = organization_summary(row, with_active_flag=True)
    del summary["id"]
    return {**summary, "value": row["id"]}


def expanded_person(row: Record) -> JSONObject:
    """A person expanded into a deal's `person_id`."""
    summary = person_summary(row, with_active_flag=True)
    del summary["id"]
    return {**summary, "value": row["id"]}


def activity_counts(counts: Record) -> JSONObject:
    return {
        "activities_count": counts["total"],
        "done_activities_count": counts["done"],
        "undone_activities_count": counts["total"] - counts["done"],
    }


def person_detail(row: Record, owner: Record, org: Record | None, counts: Record) -> JSONObject:
    primary = next((email["value"] for email in row["emails"] if email["primary"]), None)
    return {
        "id": row["id"],
        "company_id": row["company_id"],
        "owner_id": expanded_user(owner),
        "org_id": expanded_organization(org) if org else None,
        "name": row["name"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        **activity_counts(counts),
        "email": row["emails"],
        "phone": row["phones"],
        "first_char": row["name"][:1].lower(),
        "add_time": row["add_time"],
        "update_time": row["update_time"],
        "visible_to": row["visible_to"],
        "active_flag": bool(row["active_flag"]),
        "label": None,
        "label_ids": [],
        "picture_id": None,
        "org_name": row["org_name"],
        "owner_name": row["owner_name"],
        "primary_email": primary,
        "cc_email": mailbox(row),
    }


def organization_detail(row: Record, owner: Record, counts: Record) -> JSONObject:
    address_parts = {key: value for key, value in row.items() if key.startswith("address_")}
    return {
        "id": row["id"],
        "company_id": row["company_id"],
        "owner_id": expanded_user(owner),
        "name": row["name"],
        "people_count": row["people_count"],
        **activity_counts(counts),
        "first_char": row["name"][:1].lower(),
        "add_time": row["add_time"],
        "update_time": row["update_time"],
        "visible_to": row["visible_to"],
        "active_flag": bool(row["active_flag"]),
        "label": None,
        "label_ids": [],
        "picture_id": None,
        "address": row["address"],
        **address_parts,
        "owner_name": row["owner_name"],
        "cc_email": mailbox(row),
    }


def deal_detail(row: Record, links: dict[str, Record | None], counts: Record) -> JSONObject:
    """`links` holds the `user`, `creator`, `person` and `organization` rows."""
    person, org = links["person"], links["organization"]
    assert links["user"] is not None and links["creator"] is not None
    return {
        "id": row["id"],
        "company_id": row["company_id"],
        "creator_user_id": expanded_user(links["creator"]),
        "user_id": expanded_user(links["user"]),
        "person_id": expanded_person(person) if person else None,
        "org_id": expanded_organization(org) if org else None,
        "stage_id": row["stage_id"],
        "title": row["title"],
        "value": row["value"],
        "currency": row["currency"],
        "add_time": row["add_time"],
        "update_time": row["update_time"],
        "stage_change_time": row["stage_change_time"],
        "active": row["status"] == "open",
        "deleted": not row["active_flag"],
        "status": row["status"],
        "probability": row["probability"],
        "lost_reason": row["lost_reason"],
        "visible_to": row["visible_to"],
        "close_time": row["close_time"],
        "pipeline_id": row["pipeline_id"],
        "won_time": row["won_time"],
        "lost_time": row["lost_time"],
        "expected_close_date": row["expected_close_date"],
        **activity_counts(counts),
        "person_name": row["person_name"],
        "org_name": row["org_name"],
        "owner_name": row["owner_name"],
        "cc_email": mailbox(row),
    }
