"""Helpers of the mutation tests: the operations, and questions put to the sandbox's REST API."""

from __future__ import annotations

from typing import Any

import httpx

ACTIVITY_FIELDS = """
  id pipedriveId subject type done dueDate dueTime duration busyFlag userId dealId leadId personId
  projectId orgId location publicDescription note participants { personId primaryFlag }
  attendees { emailAddress personId }
"""
USER_ERRORS = "userErrors { field message code }"

ADD = f"""
mutation Add($input: AddActivityInput!) {{
  addActivity(input: $input) {{ activity {{ {ACTIVITY_FIELDS} }} moreActivitiesScheduledInContext {USER_ERRORS} }}
}}
"""
UPDATE = f"""
mutation Update($input: UpdateActivityInput!) {{
  updateActivity(input: $input) {{ activity {{ {ACTIVITY_FIELDS} }} moreActivitiesScheduledInContext {USER_ERRORS} }}
}}
"""
DELETE = f"""
mutation Delete($input: DeleteActivityInput!) {{
  deleteActivity(input: $input) {{ deletedActivityId {USER_ERRORS} }}
}}
"""
DELETE_MANY = f"""
mutation DeleteMany($input: DeleteActivitiesInput!) {{
  deleteActivities(input: $input) {{ deletedActivityIds {USER_ERRORS} }}
}}
"""


async def stored(rest: httpx.AsyncClient, activity_id: int) -> dict[str, Any]:
    """The activity as the sandbox holds it (deleted ones too, with `active_flag` false)."""
    response = await rest.get(f"/api/v1/activities/{activity_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def live_ids(rest: httpx.AsyncClient) -> set[int]:
    """Ids of every activity of the company that is not deleted."""
    ids: set[int] = set()
    params = {"user_id": "0", "limit": "500", "start": "0"}
    while True:
        body = (await rest.get("/api/v1/activities", params=params)).json()
        ids |= {item["id"] for item in body["data"] or []}
        pagination = body["additional_data"]["pagination"]
        if not pagination["more_items_in_collection"]:
            return ids
        params["start"] = str(pagination["next_start"])


async def linked(rest: httpx.AsyncClient) -> dict[str, int]:
    """Ids of a deal, an organization and three persons of the demo company (from seeded activities)."""
    body = (await rest.get("/api/v1/activities", params={"user_id": "0", "limit": "500"})).json()
    items = body["data"]
    persons = sorted({item["person_id"] for item in items if item["person_id"]})
    with_all = next(item for item in items if item["deal_id"] and item["org_id"])
    return {
        "deal": with_all["deal_id"],
        "org": with_all["org_id"],
        "person": persons[0],
        "person2": persons[1],
        "person3": persons[2],
    }


def codes_and_fields(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["userErrors"]]
