"""The v2 activity operations (REFERENCE §5.2-5.3; SPEC-v2 `/activities`, `/activities/{id}`), on the
same store as v1: a write through one version is read through the other.

`GET /api/v2/activities` is a cursor list (keyset cursors, see `keyset`) of the company's active
activities. Filters as SPEC-v2 names them: `owner_id`, `deal_id`, `lead_id`, `person_id` (the
primary participant), `org_id`, `ids` (up to 100; unknown, foreign and deleted ids left out),
`filter_id` (a saved filter; when given, `ids`, `owner_id`, `deal_id`, `lead_id`, `person_id`
and `org_id` are ignored, as the spec says), `done` (true/false), `updated_since` (inclusive) and
`updated_until` (exclusive: "earlier than"), both RFC 3339 on `update_time`. `sort_by` `id`
(default), `update_time`, `add_time` or `due_date`, `sort_direction` `asc` (default) or `desc`;
ties by id in the same direction; undated activities last ascending, first descending
(UNCONFIRMED). `limit` 1-500, default 100. An empty `cursor` is the first page. `data` is `[]`
when nothing matches. UNCONFIRMED strictness where the spec gives only a format: `updated_*`
need a time zone (`Z` or an offset), `include_fields` names other than `attendees` are a 400,
and a `lead_id` that is no lead simply matches nothing.

Single items: `GET`, `PATCH` and `DELETE /api/v2/activities/{id}` answer SPEC-v2's 404 for an id
that does not exist, is another company's or is deleted (soft delete; the deleted activity stays
readable through `GET /v1/activities/{id}`). `POST` answers 200 (SPEC-v2, unlike v1's 201); POST
and PATCH answer `{success, data}` with `attendees` included (UNCONFIRMED: they take no
`include_fields`), DELETE `{success, data: {id}}`. Bodies are checked by `activity_input_v2`.
Malformed parameters and bodies are 400 with the v2 body (see `errors`); costs are SPEC-v2's
`x-token-cost`.
"""

from starlette.routing import Route

from gateway.sandbox import keyset, params, shapes_v2
from gateway.sandbox.activity_input_v2 import v2_activity_input
from gateway.sandbox.endpoint import Api, Call, Reply, v2_errors
from gateway.sandbox.errors import v2_not_found
from gateway.sandbox.saved_filters import saved_filter
from gateway.sandbox.store import SORT_KEYS, ActivityFilter, ActivityOrder, Record
from gateway.sandbox.timefmt import utc_now

COSTS = {"list": 10, "get": 1, "add": 5, "update": 5, "delete": 3}
MAX_IDS = 100
OPTIONAL_FIELDS = ("attendees",)
DIRECTIONS = ("asc", "desc")


def activity_routes_v2(api: Api) -> list[Route]:
    return [
        api.route("/api/v2/activities", v2_errors(list_activities), method="GET", cost=COSTS["list"]),
        api.route("/api/v2/activities", v2_errors(add_activity), method="POST", cost=COSTS["add"]),
        api.route("/api/v2/activities/{id}", v2_errors(get_activity), method="GET", cost=COSTS["get"]),
        api.route("/api/v2/activities/{id}", v2_errors(update_activity), method="PATCH", cost=COSTS["update"]),
        api.route("/api/v2/activities/{id}", v2_errors(delete_activity), method="DELETE", cost=COSTS["delete"]),
    ]


async def list_activities(call: Call) -> Reply:
    query = call.request.query_params
    order = ActivityOrder(
        params.choice(query, "sort_by", SORT_KEYS), params.choice(query, "sort_direction", DIRECTIONS) == "desc"
    )
    limit = params.limit(query)
    cursor = query.get("cursor")
    start = keyset.decode(cursor, order) if cursor else None
    attendees = _with_attendees(call)
    rows = call.store.activities.sorted_page(call.company_id, _filters(call), order, start=start, limit=limit + 1)
    next_cursor = keyset.encode(order, rows[limit]) if len(rows) > limit else None
    return Reply(
        {
            "success": True,
            "data": [shapes_v2.activity(row, attendees=attendees) for row in rows[:limit]],
            "additional_data": {"next_cursor": next_cursor},
        }
    )


def _filters(call: Call) -> list[ActivityFilter]:
    query = call.request.query_params
    common = ActivityFilter(
        done=params.flag(query, "done", accepted=params.TRUE_FALSE),
        updated_since=params.rfc3339(query, "updated_since"),
        updated_before=params.rfc3339(query, "updated_until"),
    )
    filter_id = params.optional_integer(query, "filter_id", minimum=1)
    if filter_id is not None:
        return [common, saved_filter(call.store, call.company_id, filter_id)]
    ids = query.get("ids")
    direct = ActivityFilter(
        user_id=params.optional_integer(query, "owner_id", minimum=1),
        deal_id=params.optional_integer(query, "deal_id", minimum=1),
        lead_id=query.get("lead_id"),
        person_id=params.optional_integer(query, "person_id", minimum=1),
        org_id=params.optional_integer(query, "org_id", minimum=1),
        ids=None if ids is None else tuple(params.id_list(ids, "ids", maximum=MAX_IDS)),
    )
    return [common, direct]


async def get_activity(call: Call) -> Reply:
    activity_id = params.entity_id(call.path_param("id"))
    attendees = _with_attendees(call)
    return Reply({"success": True, "data": shapes_v2.activity(_active(call, activity_id), attendees=attendees)})


async def add_activity(call: Call) -> Reply:
    body = await call.json_object()
    now = utc_now()
    values = v2_activity_input(call.store, call.caller).for_create(body, now=now)
    result = call.store.activities.insert(values, now=now)
    call.activities_changed("create", [(None, call.store.activities.get(call.company_id, result.activity_id))])
    return _written(call, result.activity_id)


async def update_activity(call: Call) -> Reply:
    activity_id = params.entity_id(call.path_param("id"))
    body = await call.json_object()
    current = _active(call, activity_id)
    now = utc_now()
    changes = v2_activity_input(call.store, call.caller).for_update(body, current, now=now)
    try:
        call.store.activities.update(call.company_id, activity_id, changes, user_id=call.caller.user_id, now=now)
    except KeyError as exc:
        raise v2_not_found() from exc
    call.activities_changed("change", [(current, call.store.activities.get(call.company_id, activity_id))])
    return _written(call, activity_id)


async def delete_activity(call: Call) -> Reply:
    activity_id = params.entity_id(call.path_param("id"))
    before = call.store.activities.get(call.company_id, activity_id)
    deleted = call.store.activities.soft_delete(
        call.company_id, [activity_id], user_id=call.caller.user_id, now=utc_now()
    )
    if not deleted:
        raise v2_not_found()
    call.activities_changed("delete", [(before, call.store.activities.get(call.company_id, activity_id))])
    return Reply({"success": True, "data": {"id": activity_id}})


def _active(call: Call, activity_id: int) -> Record:
    row = call.store.activities.get(call.company_id, activity_id)
    if row is None or not row["active_flag"]:
        raise v2_not_found()
    return row


def _written(call: Call, activity_id: int) -> Reply:
    return Reply({"success": True, "data": shapes_v2.activity(_active(call, activity_id), attendees=True)})


def _with_attendees(call: Call) -> bool:
    return "attendees" in params.include_fields(call.request.query_params, OPTIONAL_FIELDS)
