"""The seven v1 activity operations (REFERENCE §2).

Choices where upstream behaviour is UNCONFIRMED:
- Lists are ordered by id. `next_start` is present only when `more_items_in_collection` is true.
  `limit` is 1-500 on both lists. An empty page is `"data": null` on both lists (the v1 rule).
- `GET /v1/activities`: `user_id` omitted means the caller's own activities, `0` all users';
  with a `filter_id` and no `user_id`, the saved filter alone decides (it "narrows down the
  user_id if supplied"). Every user sees the whole company (no visibility groups).
  `start_date`/`end_date` bound `due_date` inclusively and exclude undated activities.
- `/collection`: `since`/`until` bound `update_time` inclusively; deleted activities are left out.
- Deleted activities are gone from both lists and from v2 `ids` answers, but
  `GET /v1/activities/{id}` still returns one, with `active_flag: false`. PUT or DELETE of a
  deleted activity is 404, like an unknown id.
- Bulk delete answers the ids it actually deleted; unknown, foreign or already-deleted ids are
  skipped silently.
- PUT answers `additional_data` `{updates_story_id, more_activities_scheduled_in_context}` like
  POST (the PUT schema omits it, its description mentions the flag).

Retirement: upstream the seven were deprecated on 2025-04-14 and are out of support since
2026-08-01 (REFERENCE, "Status of the v1 activity endpoints"). When the sandbox's v1 is retired
(`Sandbox(v1_retired=True)`, `sandbox.retire_v1()`, `POST /_control/retire-v1`, `gateway
sandbox --retire-v1`) each answers 410 Gone with the standard envelope naming its v2 successor,
and does nothing (see `endpoint`). The exact status and text of the removed endpoints upstream
are UNCONFIRMED (410 is what DOC-status documents for "old resource permanently unavailable").
"""

from starlette.routing import Route

from gateway.sandbox import params, shapes_v1
from gateway.sandbox.activity_input import ActivityInput
from gateway.sandbox.endpoint import Api, Call, JSONObject, Reply
from gateway.sandbox.errors import forbidden, not_found
from gateway.sandbox.related import related_objects
from gateway.sandbox.saved_filters import saved_filter
from gateway.sandbox.store import ActivityFilter, Record, WriteResult
from gateway.sandbox.timefmt import utc_now

COSTS = {"list": 20, "collection": 10, "get": 2, "write": 10, "delete": 6, "bulk_delete": 10}


V2_LIST = "GET /api/v2/activities"
V2_ITEM = "/api/v2/activities/{id}"


def activity_routes(api: Api) -> list[Route]:
    # /collection comes before /{id}, which would otherwise match it.
    routes = (
        ("/api/v1/activities", list_activities, "GET", COSTS["list"], V2_LIST),
        ("/api/v1/activities", add_activity, "POST", COSTS["write"], "POST /api/v2/activities"),
        ("/api/v1/activities", delete_activities, "DELETE", COSTS["bulk_delete"], f"DELETE {V2_ITEM} for each id"),
        ("/api/v1/activities/collection", activities_collection, "GET", COSTS["collection"], V2_LIST),
        ("/api/v1/activities/{id}", get_activity, "GET", COSTS["get"], f"GET {V2_ITEM}"),
        ("/api/v1/activities/{id}", update_activity, "PUT", COSTS["write"], f"PATCH {V2_ITEM}"),
        ("/api/v1/activities/{id}", delete_activity, "DELETE", COSTS["delete"], f"DELETE {V2_ITEM}"),
    )
    return [
        api.route(path, handler, method=method, cost=cost, replaced_by=successor)
        for path, handler, method, cost, successor in routes
    ]


async def list_activities(call: Call) -> Reply:
    query = call.request.query_params
    start = params.optional_integer(query, "start") or 0
    limit = params.limit(query)
    filters = [_list_filter(call), *_saved_filter(call)]
    rows = call.store.activities.page(call.company_id, filters, offset=start, limit=limit + 1)
    pagination: JSONObject = {"start": start, "limit": limit, "more_items_in_collection": len(rows) > limit}
    if len(rows) > limit:
        pagination["next_start"] = start + limit
    rows = rows[:limit]
    return Reply(
        {
            "success": True,
            "data": [shapes_v1.activity(row) for row in rows] or None,
            "additional_data": {"pagination": pagination},
            "related_objects": _related(call, rows, with_active_flag=False),
        }
    )


def _list_filter(call: Call) -> ActivityFilter:
    query = call.request.query_params
    user_id = params.optional_integer(query, "user_id")
    if user_id is None and "filter_id" not in query:
        user_id = call.caller.user_id
    return ActivityFilter(
        user_id=user_id or None,
        types=params.types(query, _type_keys(call)),
        done=params.flag(query, "done", accepted=params.ZERO_ONE),
        due_from=params.day(query, "start_date"),
        due_to=params.day(query, "end_date"),
    )


def _saved_filter(call: Call) -> list[ActivityFilter]:
    filter_id = params.optional_integer(call.request.query_params, "filter_id", minimum=1)
    return [] if filter_id is None else [saved_filter(call.store, call.company_id, filter_id)]


async def activities_collection(call: Call) -> Reply:
    if not call.caller.is_admin:
        raise forbidden()
    query = call.request.query_params
    cursor = query.get("cursor")
    after_id = params.decode_cursor(cursor) if cursor is not None else 0
    limit = params.limit(query)
    activity_filter = ActivityFilter(
        user_id=params.optional_integer(query, "user_id", minimum=1),
        types=params.types(query, _type_keys(call)),
        done=params.flag(query, "done", accepted=params.TRUE_FALSE),
        updated_since=params.instant(query, "since"),
        updated_until=params.instant(query, "until"),
    )
    rows = call.store.activities.after(call.company_id, [activity_filter], after_id=after_id, limit=limit + 1)
    next_cursor = params.encode_cursor(rows[limit - 1]["id"]) if len(rows) > limit else None
    return Reply(
        {
            "success": True,
            "data": [shapes_v1.collection_item(row) for row in rows[:limit]] or None,
            "additional_data": {"next_cursor": next_cursor},
        }
    )


async def get_activity(call: Call) -> Reply:
    row = _activity(call, include_deleted=True)
    return Reply(
        {
            "success": True,
            "data": shapes_v1.activity(row),
            "related_objects": _related(call, [row], with_active_flag=False),
        }
    )


async def add_activity(call: Call) -> Reply:
    body = await call.json_object()
    now = utc_now()
    values = ActivityInput(call.store, call.caller).for_create(body, now=now)
    result = call.store.activities.insert(values, now=now)
    call.activities_changed("create", [(None, call.store.activities.get(call.company_id, result.activity_id))])
    return _written(call, result, status=201)


async def update_activity(call: Call) -> Reply:
    activity_id = params.entity_id(call.path_param("id"))
    body = await call.json_object()
    current = _activity(call, include_deleted=False, activity_id=activity_id)
    now = utc_now()
    changes = ActivityInput(call.store, call.caller).for_update(body, current, now=now)
    try:
        result = call.store.activities.update(
            call.company_id, activity_id, changes, user_id=call.caller.user_id, now=now
        )
    except KeyError as exc:
        raise not_found("Activity") from exc
    call.activities_changed("change", [(current, call.store.activities.get(call.company_id, activity_id))])
    return _written(call, result, status=200)


async def delete_activity(call: Call) -> Reply:
    activity_id = params.entity_id(call.path_param("id"))
    if not _delete(call, [activity_id]):
        raise not_found("Activity")
    return Reply({"success": True, "data": {"id": activity_id}})


async def delete_activities(call: Call) -> Reply:
    ids = params.id_list(call.request.query_params.get("ids"), "ids")
    return Reply({"success": True, "data": {"id": _delete(call, ids, bulk=True)}})


def _delete(call: Call, ids: list[int], *, bulk: bool = False) -> list[int]:
    """Soft-delete the active ones among `ids` and tell the webhooks; the ids deleted."""
    before = {i: call.store.activities.get(call.company_id, i) for i in dict.fromkeys(ids)}
    deleted = call.store.activities.soft_delete(call.company_id, ids, user_id=call.caller.user_id, now=utc_now())
    rows = [(before[i], call.store.activities.get(call.company_id, i)) for i in deleted]
    call.activities_changed("delete", rows, bulk=bulk)
    return deleted


def _activity(call: Call, *, include_deleted: bool, activity_id: int | None = None) -> Record:
    if activity_id is None:
        activity_id = params.entity_id(call.path_param("id"))
    row = call.store.activities.get(call.company_id, activity_id)
    if row is None or not (include_deleted or row["active_flag"]):
        raise not_found("Activity")
    return row


def _written(call: Call, result: WriteResult, *, status: int) -> Reply:
    row = _activity(call, include_deleted=False, activity_id=result.activity_id)
    return Reply(
        {
            "success": True,
            "data": shapes_v1.activity(row),
            "additional_data": {
                "updates_story_id": result.story_id,
                "more_activities_scheduled_in_context": call.store.activities.has_undone_in_context(row),
            },
            "related_objects": _related(call, [row], with_active_flag=True),
        },
        status,
    )


def _related(call: Call, rows: list[Record], *, with_active_flag: bool) -> JSONObject:
    return related_objects(call.store.entities, call.company_id, rows, with_active_flag=with_active_flag)


def _type_keys(call: Call) -> set[str]:
    return {row["key_string"] for row in call.store.entities.activity_types(call.company_id)}
