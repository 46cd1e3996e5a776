"""Generated demo activities of one company: spread over owners, types, past and future due
dates (about one in ten undated: `due_date` null, which is UNCONFIRMED upstream, and `due_time`
""), done states, deal/person/org/lead links (some none), extra participants, attendees, notes,
locations (parsed or free text), video meetings, a few recurring ones, a few with a file, and a
few soft-deleted.
"""

import random
import uuid
from datetime import date, datetime, time, timedelta

from gateway.sandbox.fields import LOCATION_PARTS
from gateway.sandbox.seed_catalogue import CompanySpec
from gateway.sandbox.seed_contacts import ADDRESSES, Contacts, seed_time
from gateway.sandbox.seed_day import SEED_TEST_DAY
from gateway.sandbox.store import Record
from gateway.sandbox.timefmt import V1_TIMESTAMP_FORMAT

SEED_NOW = datetime.combine(SEED_TEST_DAY, time(9, 0))
"""The seed's "now" on the reference day: every generated timestamp is earlier; due dates fall on both
sides. Like every date here, it moves onto the database's seed day when rows are inserted."""
ACTIVITIES_START = datetime(2024, 9, 2, 8, 0, 0)
ACTIVITIES_SPAN = timedelta(days=124)
FAX_RETIRED = "2024-11-01"
RECURRING_PER_COMPANY = 3
FILES_PER_COMPANY = 2

_TYPE_WEIGHTS = {
    "call": 30,
    "meeting": 20,
    "task": 18,
    "deadline": 8,
    "email": 12,
    "lunch": 4,
    "site_visit": 5,
    "fax": 3,
}
_TIMED_TYPES = frozenset({"call", "meeting", "lunch", "site_visit"})
_PLACE_TYPES = frozenset({"meeting", "lunch", "site_visit"})
_SUBJECTS = {
    "call": ("Call {who}", "Follow-up call with {who}"),
    "meeting": ("Meeting with {who}", "Kick-off with {who}", "Quarterly review"),
    "task": ("Send proposal to {who}", "Prepare quote", "Update account notes"),
    "deadline": ("Contract deadline", "Proposal due"),
    "email": ("Email {who}", "Send recap"),
    "lunch": ("Lunch with {who}",),
    "site_visit": ("Site visit at {who}",),
    "fax": ("Fax signed contract",),
}
_NOTES = (
    "Bring the draft",
    "Ask about the budget",
    "Check the renewal date",
    "They prefer mornings",
    "Send the deck beforehand",
)
_FREE_TEXT_PLACES = ("Client office, 3rd floor", "Cafe Central", "Main lobby")
_ATTENDEE_STATUSES = ("noreply", "accepted", "declined", "tentative")
_NO_EXTRAS: Record = {
    "reference_type": None,
    "reference_id": None,
    "conference_meeting_client": None,
    "conference_meeting_url": None,
    "conference_meeting_id": None,
    "last_notification_time": None,
    "last_notification_user_id": None,
    "notification_language_id": None,
    "calendar_sync_include_context": None,
    "gcal_event_id": None,
    "google_calendar_id": None,
    "google_calendar_etag": None,
    "source_timezone": None,
    "rec_rule": None,
    "rec_rule_extension": None,
    "rec_master_activity_id": None,
    "series": None,
    "file": None,
    "project_id": None,
}


def generate_activities(company: CompanySpec, contacts: Contacts, rng: random.Random) -> list[Record]:
    """`company.activities` rows without ids (ids are given across companies by creation time)."""
    rows = [_activity(company, contacts, rng) for _ in range(company.activities)]
    for row in rng.sample(rows, RECURRING_PER_COMPANY):
        _make_recurring(row)
    for number, row in enumerate(rng.sample(rows, FILES_PER_COMPANY), start=1):
        row["file"] = {
            "id": f"{company.id}{number:03d}",
            "clean_name": "voice-note.m4a",
            "url": f"https://files.sandbox.test/{company.domain}/{number}.m4a",
        }
    for row in rng.sample(rows, company.deleted_activities):
        row.update(active_flag=0, update_time=_stamp(SEED_NOW), update_user_id=company.admin.id)
    return rows


def _activity(company: CompanySpec, contacts: Contacts, rng: random.Random) -> Record:
    owner = rng.choices(company.users, weights=[5 if user.active else 1 for user in company.users])[0].id
    added = datetime.strptime(seed_time(rng, ACTIVITIES_START, ACTIVITIES_SPAN), V1_TIMESTAMP_FORMAT)
    type_key = _type(added, rng)
    row: Record = {
        **_NO_EXTRAS,
        "company_id": company.id,
        "user_id": owner,
        "type": type_key,
        "created_by_user_id": owner if rng.random() < 0.8 else company.admin.id,
        "add_time": _stamp(added),
        "active_flag": 1,
    }
    row.update(_schedule(type_key, added, rng))
    row.update(_links(contacts, rng))
    row.update(_progress(row, added, rng))
    row.update(_content(type_key, row, contacts, rng))
    row.update(_place(type_key, rng))
    row.update(_guests(type_key, row, company, contacts, rng))
    return row


def _type(added: datetime, rng: random.Random) -> str:
    type_key = rng.choices(list(_TYPE_WEIGHTS), weights=list(_TYPE_WEIGHTS.values()))[0]
    # The fax type was retired on FAX_RETIRED; only older activities use it.
    if type_key == "fax" and _stamp(added) >= FAX_RETIRED:
        return "call"
    return type_key


def _schedule(type_key: str, added: datetime, rng: random.Random) -> Record:
    if rng.random() < 0.1:
        return {"due_date": None, "due_time": "", "duration": "", "busy_flag": None}
    due = added.date() + timedelta(days=rng.randint(-3, 120))
    timed = type_key in _TIMED_TYPES or rng.random() < 0.4
    due_time = f"{rng.randrange(7, 18):02d}:{rng.choice((0, 15, 30, 45)):02d}" if timed else ""
    sized = bool(due_time) and type_key in _TIMED_TYPES
    duration = rng.choice(("00:15", "00:30", "00:45", "01:00", "01:30")) if sized else ""
    busy = rng.choices((None, True, False), weights=(30, 50, 20))[0]
    return {"due_date": due.isoformat(), "due_time": due_time, "duration": duration, "busy_flag": busy}


def _links(contacts: Contacts, rng: random.Random) -> Record:
    roll = rng.random()
    deal = person = org = lead = None
    if roll < 0.45:
        deal = rng.choice(contacts.deals)
        person, org = deal["person_id"], deal["org_id"]
    elif roll < 0.65:
        chosen = rng.choice(contacts.persons)
        person, org = chosen["id"], chosen["org_id"]
    elif roll < 0.75:
        org = rng.choice(contacts.organizations)["id"]
    elif roll < 0.82:
        lead = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        person = rng.choice(contacts.persons)["id"] if rng.random() < 0.5 else None
    return {
        "deal_id": deal["id"] if deal else None,
        "person_id": person,
        "org_id": org,
        "lead_id": lead,
        "participants": _participants(person, org, contacts, rng),
        "project_id": rng.randrange(1, 6) if rng.random() < 0.03 else None,
    }


def _participants(person: int | None, org: int | None, contacts: Contacts, rng: random.Random) -> list[Record] | None:
    if person is None:
        return None
    participants = [{"person_id": person, "primary_flag": True}]
    if rng.random() < 0.2:
        colleagues = [p["id"] for p in contacts.persons_of(org) if p["id"] != person]
        others = colleagues or [p["id"] for p in contacts.persons if p["id"] != person]
        for other in rng.sample(others, min(len(others), rng.randint(1, 2))):
            participants.append({"person_id": other, "primary_flag": False})
    return participants


def _progress(row: Record, added: datetime, rng: random.Random) -> Record:
    due = _due_moment(row, added)
    done = rng.random() < (0.75 if due < SEED_NOW else 0.1)
    editor = rng.choice((row["user_id"], row["created_by_user_id"]))
    if done:
        finished = max(due, added) + timedelta(hours=rng.randrange(0, 48))
        done_at = min(finished, SEED_NOW - timedelta(minutes=1))
        return {
            "done": 1,
            "marked_as_done_time": _stamp(done_at),
            "update_time": _stamp(done_at),
            "update_user_id": editor,
        }
    edited = added if rng.random() < 0.6 else added + (SEED_NOW - added) * rng.random()
    return {"done": 0, "marked_as_done_time": "", "update_time": _stamp(edited), "update_user_id": editor}


def _due_moment(row: Record, added: datetime) -> datetime:
    if row["due_date"] is None:
        return added + timedelta(days=3)
    clock = time.fromisoformat(row["due_time"]) if row["due_time"] else time(23, 59)
    return datetime.combine(date.fromisoformat(row["due_date"]), clock)


def _content(type_key: str, row: Record, contacts: Contacts, rng: random.Random) -> Record:
    who = _who(row, contacts)
    return {
        "subject": rng.choice(_SUBJECTS[type_key]).format(who=who),
        "note": f"<p>{rng.choice(_NOTES)}</p>" if rng.random() < 0.4 else "",
        "public_description": f"Agenda: {rng.choice(_NOTES).lower()}" if rng.random() < 0.15 else "",
    }


def _who(row: Record, contacts: Contacts) -> str:
    if row["person_id"] is not None:
        return str(next(p["first_name"] for p in contacts.persons if p["id"] == row["person_id"]))
    if row["org_id"] is not None:
        return str(next(o["name"] for o in contacts.organizations if o["id"] == row["org_id"]))
    return "the team"


def _place(type_key: str, rng: random.Random) -> Record:
    unset = {f"location_{part}": None for part in LOCATION_PARTS}
    if type_key not in _PLACE_TYPES or rng.random() < 0.4:
        return {"location": None, **unset}
    if rng.random() < 0.4:
        return {"location": rng.choice(_FREE_TEXT_PLACES), **unset}
    address = rng.choice(ADDRESSES)
    parsed = {f"location_{part}": value for part, value in address.parts().items()}
    return {"location": address.short, **parsed}


def _guests(type_key: str, row: Record, company: CompanySpec, contacts: Contacts, rng: random.Random) -> Record:
    if type_key not in _PLACE_TYPES or rng.random() < 0.5:
        return {"attendees": None}
    attendees = [_guest(number, company, contacts, rng) for number in range(rng.randint(1, 2))]
    extras: Record = {"attendees": attendees}
    if rng.random() < 0.5:
        extras.update(
            last_notification_time=row["add_time"], last_notification_user_id=row["user_id"], notification_language_id=1
        )
    if type_key == "meeting" and rng.random() < 0.3:
        meeting_id = str(rng.randrange(10**9, 10**10))
        extras.update(
            conference_meeting_client="zoom-app",
            conference_meeting_id=meeting_id,
            conference_meeting_url=f"https://zoom.example/j/{meeting_id}",
        )
    return extras


def _guest(number: int, company: CompanySpec, contacts: Contacts, rng: random.Random) -> Record:
    status = rng.choice(_ATTENDEE_STATUSES)
    if rng.random() < 0.5:
        person = rng.choice(contacts.persons)
        return {
            "email_address": person["emails"][0]["value"],
            "is_organizer": 0,
            "name": person["name"],
            "person_id": person["id"],
            "status": status,
            "user_id": None,
        }
    return {
        "email_address": f"guest{number + 1}@{company.domain}-partner.example",
        "is_organizer": 0,
        "name": None,
        "person_id": None,
        "status": status,
        "user_id": None,
    }


def _make_recurring(row: Record) -> None:
    if row["due_date"] is None:
        row.update(due_date=row["add_time"][:10])
    start = date.fromisoformat(row["due_date"])
    due_time = row["due_time"] or "09:00"
    row.update(
        due_time=due_time,
        rec_rule="RRULE:FREQ=WEEKLY;COUNT=4",
        source_timezone="Europe/Tallinn",
        series=[
            {"due_date": (start + timedelta(weeks=week)).isoformat(), "due_time": f"{due_time}:00"} for week in range(4)
        ],
    )


def _stamp(moment: datetime) -> str:
    return moment.strftime(V1_TIMESTAMP_FORMAT)
