"""v1 lookups a gateway batches (REFERENCE §4, §5.1): activity types, users, the caller
(`/v1/users/me`), and the person, organization and deal detail objects.

`GET /v1/activityTypes` includes inactive types (with `active_flag: false`; UNCONFIRMED upstream).
`GET /v1/users` lists every user of the company, deactivated ones included.
`GET /v1/users/me` is the user object plus `company_id`, `company_name`, `company_domain`,
`company_country`, `company_industry` and `language` `{language_code, country_code}` (SPEC-v1
`getCurrentUser`); `access` holds one `global` entry whose `admin` says whether the caller is a
global admin (the spec's example lists more apps; which ones a user gets is UNCONFIRMED), and
`language` is read from the user's locale (`en_US` -> `en`/`US`; UNCONFIRMED).
"""

from starlette.routing import Route

from gateway.sandbox import params, shapes_v1
from gateway.sandbox.endpoint import Api, Call, JSONObject, Reply
from gateway.sandbox.errors import not_found, user_not_found
from gateway.sandbox.store import Entity, Record

LIST_COST = 20
GET_COST = 2


def lookup_routes(api: Api) -> list[Route]:
    # /users/me comes before /users/{id}, which would otherwise match it.
    return [
        api.route("/api/v1/activityTypes", list_activity_types, method="GET", cost=LIST_COST),
        api.route("/api/v1/users", list_users, method="GET", cost=LIST_COST),
        api.route("/api/v1/users/me", get_current_user, method="GET", cost=GET_COST),
        api.route("/api/v1/users/{id}", get_user, method="GET", cost=GET_COST),
        api.route("/api/v1/persons/{id}", get_person, method="GET", cost=GET_COST),
        api.route("/api/v1/organizations/{id}", get_organization, method="GET", cost=GET_COST),
        api.route("/api/v1/deals/{id}", get_deal, method="GET", cost=GET_COST),
    ]


async def list_activity_types(call: Call) -> Reply:
    rows = call.store.entities.activity_types(call.company_id)
    return Reply({"success": True, "data": [shapes_v1.activity_type(row) for row in rows]})


async def list_users(call: Call) -> Reply:
    rows = call.store.entities.users(call.company_id)
    return Reply({"success": True, "data": [_user(call, row) for row in rows]})


async def get_user(call: Call) -> Reply:
    found = call.store.entities.user(call.company_id, params.entity_id(call.path_param("id")))
    if found is None:
        raise user_not_found()
    return Reply({"success": True, "data": _user(call, found)})


async def get_current_user(call: Call) -> Reply:
    company = call.store.entities.company(call.company_id)
    assert company is not None, "a token's user belongs to a seeded company"
    return Reply({"success": True, "data": shapes_v1.current_user(_user_row(call, call.caller.user_id), company)})


async def get_person(call: Call) -> Reply:
    person = _entity(call, "person")
    owner = _user_row(call, person["owner_id"])
    org = _linked(call, "organization", person["org_id"])
    counts = call.store.entities.activity_counts(call.company_id, "person_id", person["id"])
    related: JSONObject = {"user": {str(owner["id"]): shapes_v1.user_summary(owner)}}
    if org is not None:
        related["organization"] = {str(org["id"]): _org_summary(org)}
    return Reply(
        {
            "success": True,
            "data": shapes_v1.person_detail(person, owner, org, counts),
            "additional_data": {"dropbox_email": shapes_v1.mailbox(person)},
            "related_objects": related,
        }
    )


async def get_organization(call: Call) -> Reply:
    org = _entity(call, "organization")
    owner = _user_row(call, org["owner_id"])
    counts = call.store.entities.activity_counts(call.company_id, "org_id", org["id"])
    return Reply(
        {
            "success": True,
            "data": shapes_v1.organization_detail(org, owner, counts),
            "additional_data": {"followers": {}, "dropbox_email": shapes_v1.mailbox(org)},
            "related_objects": {
                "organization": {str(org["id"]): _org_summary(org)},
                "user": {str(owner["id"]): shapes_v1.user_summary(owner)},
            },
        }
    )


async def get_deal(call: Call) -> Reply:
    deal = _entity(call, "deal")
    links = {
        "user": _user_row(call, deal["user_id"]),
        "creator": _user_row(call, deal["creator_user_id"]),
        "person": _linked(call, "person", deal["person_id"]),
        "organization": _linked(call, "organization", deal["org_id"]),
    }
    counts = call.store.entities.activity_counts(call.company_id, "deal_id", deal["id"])
    return Reply(
        {
            "success": True,
            "data": shapes_v1.deal_detail(deal, links, counts),
            "additional_data": {"dropbox_email": f"{deal['company_domain']}+deal{deal['id']}@pipedrivemail.com"},
            "related_objects": _deal_related(call, deal, links),
        }
    )


def _deal_related(call: Call, deal: Record, links: dict[str, Record | None]) -> JSONObject:
    users = [row for row in (links["user"], links["creator"]) if row is not None]
    related: JSONObject = {"user": {str(row["id"]): shapes_v1.user_summary(row) for row in users}}
    if links["organization"] is not None:
        related["organization"] = {str(deal["org_id"]): _org_summary(links["organization"])}
    if links["person"] is not None:
        related["person"] = {str(deal["person_id"]): shapes_v1.person_summary(links["person"], with_active_flag=True)}
    stage = call.store.entities.stage(call.company_id, deal["stage_id"])
    if stage is not None:
        related["stage"] = {str(stage["id"]): shapes_v1.stage_summary(stage)}
    pipeline = call.store.entities.pipeline(call.company_id, deal["pipeline_id"])
    if pipeline is not None:
        related["pipeline"] = {str(pipeline["id"]): shapes_v1.pipeline_summary(pipeline)}
    return related


def _entity(call: Call, entity: Entity) -> Record:
    found = call.store.entities.entity(entity, call.company_id, params.entity_id(call.path_param("id")))
    if found is None:
        raise not_found(entity.capitalize())
    return found


def _linked(call: Call, entity: Entity, entity_id: int | None) -> Record | None:
    return None if entity_id is None else call.store.entities.entity(entity, call.company_id, entity_id)


def _user_row(call: Call, user_id: int) -> Record:
    found = call.store.entities.user(call.company_id, user_id)
    assert found is not None, "seeded links always point inside the company"
    return found


def _user(call: Call, row: Record) -> JSONObject:
    return shapes_v1.user(row, caller_user_id=call.caller.user_id)


def _org_summary(row: Record) -> JSONObject:
    return shapes_v1.organization_summary(row, with_active_flag=True)
