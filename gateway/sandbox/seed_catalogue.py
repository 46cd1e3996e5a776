"""The fixed part of the demo data: companies, users, activity types, pipelines, stages and saved
filters. Ids are explicit so that the seed's tokens and tests can name them. Dates are those of the
reference day (see `seed_day`); they move with the seed day.
"""

import json
from dataclasses import dataclass

from gateway.sandbox.store import Record

CATALOGUE_TIME = "2024-06-03 08:00:00"
"""When the fixed rows were "created"; the generated rows come later."""


@dataclass(frozen=True)
class UserSpec:
    id: int
    name: str
    is_admin: bool = False
    active: bool = True
    has_pic: bool = False


@dataclass(frozen=True)
class TypeSpec:
    name: str
    key_string: str
    icon_key: str
    color: str | None
    is_custom: bool = False
    active: bool = True


ACTIVITY_TYPES: tuple[TypeSpec, ...] = (
    TypeSpec("Call", "call", "call", None),
    TypeSpec("Meeting", "meeting", "meeting", None),
    TypeSpec("Task", "task", "task", None),
    TypeSpec("Deadline", "deadline", "deadline", None),
    TypeSpec("Email", "email", "email", None),
    TypeSpec("Lunch", "lunch", "lunch", None),
    TypeSpec("Site visit", "site_visit", "car", "3a7bd5", is_custom=True),
    TypeSpec("Fax", "fax", "document", "9e9e9e", is_custom=True, active=False),
)

STAGES: tuple[tuple[str, int], ...] = (
    ("Qualified", 10),
    ("Contact made", 20),
    ("Demo scheduled", 40),
    ("Proposal made", 60),
    ("Negotiations started", 80),
)


@dataclass(frozen=True)
class CompanySpec:
    """One company of the seed and how much of each generated entity it gets."""

    index: int
    name: str
    domain: str
    country: str
    industry: str
    currency: str
    timezone: tuple[str, str]
    users: tuple[UserSpec, ...]
    organizations: int
    persons: int
    deals: int
    activities: int
    deleted_activities: int

    @property
    def id(self) -> int:
        return self.index + 1

    @property
    def admin(self) -> UserSpec:
        return next(user for user in self.users if user.is_admin)

    @property
    def active_users(self) -> tuple[UserSpec, ...]:
        return tuple(user for user in self.users if user.active)

    def company_row(self) -> Record:
        return {
            "id": self.id,
            "name": self.name,
            "domain": self.domain,
            "country": self.country,
            "industry": self.industry,
        }

    def user_rows(self) -> list[Record]:
        return [self._user_row(user) for user in self.users]

    def fixed_rows(self) -> dict[str, list[Record]]:
        """Rows per table for types, the pipeline, its stages and the saved filters."""
        return {
            "activity_types": self._type_rows(),
            "pipelines": [{"id": self.id, "company_id": self.id, "name": "Sales", "order_nr": 1, "active": 1}],
            "stages": self._stage_rows(),
            "filters": self._filter_rows(),
        }

    def stage_ids(self) -> list[int]:
        return [row["id"] for row in self._stage_rows()]

    def _user_row(self, user: UserSpec) -> Record:
        first = user.name.split()[0].lower()
        return {
            "id": user.id,
            "company_id": self.id,
            "name": user.name,
            "email": f"{first}@{self.domain}.test",
            "phone": None,
            "is_admin": int(user.is_admin),
            "active_flag": int(user.active),
            "has_pic": int(user.has_pic),
            "pic_hash": f"{user.id:04x}c0ffee" if user.has_pic else None,
            "icon_url": f"https://pics.sandbox.test/{user.id}.png" if user.has_pic else None,
            "default_currency": self.currency,
            "locale": "en_US",
            "lang": 1,
            "timezone_name": self.timezone[0],
            "timezone_offset": self.timezone[1],
            "role_id": 1,
            "has_created_company": int(user.is_admin),
            "permission_set_id": f"00000000-0000-4000-8000-{user.id:012d}",
            "activated": int(user.active),
            "created": CATALOGUE_TIME,
            "modified": CATALOGUE_TIME,
            "last_login": "2025-01-06 07:45:00" if user.active else None,
        }

    def _type_rows(self) -> list[Record]:
        base = self.index * len(ACTIVITY_TYPES)
        return [
            {
                "id": base + order,
                "company_id": self.id,
                "order_nr": order,
                "name": spec.name,
                "key_string": spec.key_string,
                "icon_key": spec.icon_key,
                "active_flag": int(spec.active),
                "color": spec.color,
                "is_custom_flag": int(spec.is_custom),
                "add_time": CATALOGUE_TIME,
                "update_time": CATALOGUE_TIME,
            }
            for order, spec in enumerate(ACTIVITY_TYPES, start=1)
        ]

    def _stage_rows(self) -> list[Record]:
        base = self.index * len(STAGES)
        return [
            {
                "id": base + order,
                "company_id": self.id,
                "pipeline_id": self.id,
                "name": name,
                "order_nr": order,
                "deal_probability": probability,
            }
            for order, (name, probability) in enumerate(STAGES, start=1)
        ]

    def _filter_rows(self) -> list[Record]:
        conditions = (
            ("Open calls and meetings", {"types": ["call", "meeting"], "done": False}),
            ("Done activities", {"done": True}),
            (f"{self.admin.name.split()[0]}'s activities", {"user_id": self.admin.id}),
        )
        base = self.index * len(conditions)
        return [
            {
                "id": base + number,
                "company_id": self.id,
                "user_id": self.admin.id,
                "name": name,
                "conditions": json.dumps(condition),
            }
            for number, (name, condition) in enumerate(conditions, start=1)
        ]


COMPANIES: tuple[CompanySpec, ...] = (
    CompanySpec(
        index=0,
        name="Acme Demo",
        domain="acme-demo",
        country="EE",
        industry="IT Services",
        currency="EUR",
        timezone=("Europe/Tallinn", "+02:00"),
        users=(
            UserSpec(1, "Sam Ortiz", is_admin=True, has_pic=True),
            UserSpec(2, "Nina Patel"),
            UserSpec(3, "Leo Brandt", has_pic=True),
            UserSpec(4, "Mia Kowalski"),
            UserSpec(5, "Omar Haddad", active=False),
        ),
        organizations=12,
        persons=40,
        deals=25,
        activities=340,
        deleted_activities=4,
    ),
    CompanySpec(
        index=1,
        name="Globex Test",
        domain="globex-test",
        country="US",
        industry="Manufacturing",
        currency="USD",
        timezone=("America/New_York", "-05:00"),
        users=(
            UserSpec(6, "Iris Novak", is_admin=True),
            UserSpec(7, "Tomas Reyes"),
            UserSpec(8, "Yuki Tanaka", has_pic=True),
            UserSpec(9, "Paul Mensah"),
            UserSpec(10, "Eva Lind", active=False),
        ),
        organizations=5,
        persons=15,
        deals=8,
        activities=310,
        deleted_activities=3,
    ),
)
