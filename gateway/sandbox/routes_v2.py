"""v2 batch fetches by ids (REFERENCE §5.2): `GET /api/v2/{persons,organizations,deals}?ids=`
(activities have their full v2 list, see `routes_activities_v2`).

Up to 100 ids; unknown, foreign and deleted ids are silently left out; results by id; the
envelope is `{success, data: [...], additional_data: {next_cursor: null}}` (`data` is `[]` when
empty, unlike v1). The sandbox serves these lists only as batch fetches: `ids` is required.
400s have the v2 body.
"""

from collections.abc import Callable
from typing import Any

from starlette.routing import Route

from gateway.sandbox import params, shapes_v2
from gateway.sandbox.endpoint import Api, Call, Handler, Reply, v2_errors
from gateway.sandbox.store import Entity, Record

LIST_COST = 10
MAX_IDS = 100
Shape = Callable[[Record], dict[str, Any]]


def v2_routes(api: Api) -> list[Route]:
    entity_shapes: tuple[tuple[str, Entity, Shape], ...] = (
        ("persons", "person", shapes_v2.person),
        ("organizations", "organization", shapes_v2.organization),
        ("deals", "deal", shapes_v2.deal),
    )
    return [
        api.route(f"/api/v2/{path}", v2_errors(_entity_list(entity, shape)), method="GET", cost=LIST_COST)
        for path, entity, shape in entity_shapes
    ]


def _entity_list(entity: Entity, shape: Shape) -> Handler:
    async def handler(call: Call) -> Reply:
        rows = call.store.entities.entities(entity, call.company_id, _ids(call))
        return _page([shape(row) for row in rows])

    return handler


def _ids(call: Call) -> list[int]:
    return params.id_list(call.request.query_params.get("ids"), "ids", maximum=MAX_IDS)


def _page(items: list[dict[str, Any]]) -> Reply:
    return Reply({"success": True, "data": items, "additional_data": {"next_cursor": None}})
