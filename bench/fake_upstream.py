"""An independent fake of Pipedrive's REST API for the varied benchmark: canned answers, made once and
served from memory, so that the gateway's own cost shows and the upstream's CPU stays small.

It is not the sandbox (no store, no rate limits, no checks): a 500-activity company whose v1 and v2
answers have the documented shapes (REFERENCE §2-§5: 61-field v1 activities with `related_objects`,
v2 activities and `?ids=` lookups, users, activity types, `/v1/users/me`). Each distinct request (page
size, offset, id) is built on first use and its bytes kept.

    python -m bench.fake_upstream --port 8002 [--latency-ms 150]

`--latency-ms` delays every answer (a real Pipedrive answers in tens to hundreds of milliseconds): the
gateway then has many calls in flight while its CPU idles, which admission must not throttle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

ACTIVITIES = 500
USERS = 12
PERSONS = 80
ORGS = 25
DEALS = 40
TYPES = ("call", "meeting", "task", "deadline", "email", "lunch")
Json = dict[str, Any]
Scope = dict[str, Any]


def _day(n: int) -> str:
    return f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}"


def v1_activity(n: int) -> Json:
    user, person, org, deal = 1 + n % USERS, 1 + n % PERSONS, 1 + n % ORGS, 1 + n % DEALS
    return {
        "id": n, "company_id": 1, "user_id": user, "done": n % 3 == 0, "type": TYPES[n % len(TYPES)],
        "reference_type": None, "reference_id": None, "conference_meeting_client": None,
        "conference_meeting_url": f"https://meet.example/{n}" if n % 5 == 0 else None, "conference_meeting_id": None,
        "due_date": _day(n), "due_time": f"{8 + n % 10:02d}:{(n * 7) % 60:02d}", "duration": "00:30",
        "busy_flag": n % 2 == 0, "add_time": f"{_day(n)} 08:00:00", "marked_as_done_time": "",
        "last_notification_time": None, "last_notification_user_id": None, "notification_language_id": 1,
        "subject": f"Activity number {n} with a realistic subject", "public_description": "",
        "calendar_sync_include_context": None, "location": f"Street {n}, Paris" if n % 4 == 0 else None,
        "org_id": org, "person_id": person, "deal_id": deal, "lead_id": None, "project_id": None, "active_flag": True,
        "update_time": f"{_day(n)} 09:00:00", "update_user_id": user, "gcal_event_id": None, "google_calendar_id": None,
        "google_calendar_etag": None, "source_timezone": "", "rec_rule": None, "rec_rule_extension": None,
        "rec_master_activity_id": None, "series": [], "note": f"<p>Note {n}</p>", "created_by_user_id": user,
        "location_subpremise": "", "location_street_number": str(n), "location_route": "Street",
        "location_sublocality": "", "location_locality": "Paris", "location_admin_area_level_1": "Ile-de-France",
        "location_admin_area_level_2": "", "location_country": "France", "location_postal_code": "75001",
        "location_formatted_address": f"{n} Street, 75001 Paris, France",
        "attendees": [{"email_address": f"guest{n}@example.org", "is_organizer": 0, "name": "Guest",
                       "person_id": None, "status": "noreply", "user_id": None}],
        "participants": [{"person_id": person, "primary_flag": True}],
        "org_name": f"Org {org}", "person_name": f"Person {person}", "deal_title": f"Deal {deal}",
        "owner_name": f"User {user}", "person_dropbox_bcc": None, "deal_dropbox_bcc": None, "assigned_to_user_id": user,
    }  # fmt: skip


def v2_activity(n: int) -> Json:
    v1 = v1_activity(n)
    return {
        "id": n, "subject": v1["subject"], "type": v1["type"], "owner_id": v1["user_id"],
        "creator_user_id": v1["user_id"], "is_deleted": False, "add_time": v1["add_time"].replace(" ", "T") + "Z",
        "update_time": v1["update_time"].replace(" ", "T") + "Z", "deal_id": v1["deal_id"], "lead_id": None,
        "person_id": v1["person_id"], "org_id": v1["org_id"], "project_id": None, "due_date": v1["due_date"],
        "due_time": v1["due_time"] + ":00", "duration": "00:30:00", "busy": v1["busy_flag"], "done": v1["done"],
        "marked_as_done_time": None, "location": {"value": v1["location"]} if v1["location"] else None,
        "participants": [{"person_id": v1["person_id"], "primary": True}], "attendees": [],
        "conference_meeting_client": None, "conference_meeting_url": v1["conference_meeting_url"],
        "conference_meeting_id": None, "public_description": None, "priority": None, "note": v1["note"],
    }  # fmt: skip


def user(n: int) -> Json:
    return {"id": n, "name": f"User {n}", "email": f"user{n}@example.org", "has_pic": 0, "pic_hash": None,
            "active_flag": True, "is_you": n == 1, "timezone_name": "Europe/Paris",
            "access": [{"app": "global", "admin": n == 1, "permission_set_id": "x"}]}  # fmt: skip


def person(n: int) -> Json:
    return {"id": n, "name": f"Person {n}", "owner_id": 1 + n % USERS, "org_id": 1 + n % ORGS,
            "emails": [{"label": "work", "value": f"p{n}@example.org", "primary": True}],
            "phones": [], "is_deleted": False, "visible_to": 3}  # fmt: skip


def related(numbers: range) -> Json:
    items = [v1_activity(n) for n in numbers]
    return {
        "user": {str(a["user_id"]): user(a["user_id"]) for a in items},
        "person": {
            str(a["person_id"]): {"id": a["person_id"], "name": f"Person {a['person_id']}", "email": [], "phone": []}
            for a in items
        },
        "organization": {str(a["org_id"]): {"id": a["org_id"], "name": f"Org {a['org_id']}"} for a in items},
        "deal": {str(a["deal_id"]): {"id": a["deal_id"], "title": f"Deal {a['deal_id']}"} for a in items},
    }


def answer(method: str, path: str, query: dict[str, str]) -> tuple[int, Json]:
    """The canned answer to one request."""
    parts = path.strip("/").split("/")  # api, v1|v2, ...
    version, rest = parts[1], parts[2:]
    if version == "v1" and rest == ["activities"]:
        start, limit = int(query.get("start", "0")), int(query.get("limit", "100"))
        numbers = range(1 + start, 1 + min(ACTIVITIES, start + limit))
        more = start + limit < ACTIVITIES
        pagination = {"start": start, "limit": limit, "more_items_in_collection": more}
        if more:
            pagination["next_start"] = start + limit
        body = {"success": True, "data": [v1_activity(n) for n in numbers], "related_objects": related(numbers)}
        return 200, body | {"additional_data": {"pagination": pagination}}
    if version == "v1" and len(rest) == 2 and rest[0] == "activities":
        n = int(rest[1])
        return 200, {"success": True, "data": v1_activity(n), "related_objects": related(range(n, n + 1))}
    if version == "v1" and rest == ["users", "me"]:
        return 200, {"success": True, "data": user(1) | {"company_id": 1, "company_name": "Bench"}}
    if version == "v1" and rest == ["users"]:
        return 200, {"success": True, "data": [user(n) for n in range(1, USERS + 1)]}
    if version == "v1" and rest == ["activityTypes"]:
        types = [{"id": i, "name": t.title(), "key_string": t, "icon_key": t, "active_flag": True,
                  "is_custom_flag": False, "order_nr": i, "color": None} for i, t in enumerate(TYPES, 1)]  # fmt: skip
        return 200, {"success": True, "data": types}
    if version == "v2" and rest == ["persons"]:
        ids = [int(i) for i in query.get("ids", "").split(",") if i]
        return 200, {"success": True, "data": [person(i) for i in ids], "additional_data": {"next_cursor": None}}
    if version == "v2" and rest == ["activities"]:
        ids = [int(i) for i in query.get("ids", "").split(",") if i]
        return 200, {"success": True, "data": [v2_activity(i) for i in ids], "additional_data": {"next_cursor": None}}
    return 404, {"success": False, "error": f"not in the fake: {method} {path}"}


class FakeUpstream:
    """A pure ASGI app answering from a cache of encoded answers."""

    def __init__(self, latency_seconds: float = 0.0) -> None:
        self._answers: dict[tuple[str, str, str], tuple[int, bytes]] = {}
        self._latency = latency_seconds

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        query_string = scope.get("query_string", b"").decode()
        key = (scope["method"], scope["path"], query_string)
        cached = self._answers.get(key)
        if cached is None:
            query = {k: v[0] for k, v in parse_qs(query_string).items()}
            status, body = answer(scope["method"], scope["path"], query)
            cached = self._answers[key] = (status, json.dumps(body, separators=(",", ":")).encode())
        status, payload = cached
        if self._latency:
            await asyncio.sleep(self._latency)
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay every answer this long")
    args = parser.parse_args()
    app = FakeUpstream(args.latency_ms / 1000)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
