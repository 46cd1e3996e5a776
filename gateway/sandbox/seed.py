"""The demo data every new sandbox database starts with, and the tokens that reach it.

Two companies with disjoint rows: company 1 ("Acme Demo") and company 2 ("Globex Test"). Each has
five users (a global admin with a token, a non-admin with a token, two more active users and a
deactivated one), eight activity types (the six built-ins, a custom `site_visit` and an inactive
custom `fax`), one pipeline with five stages, three saved filters, organizations, persons, deals
and 300+ activities. Everything is drawn from `random.Random(SEED)` around the reference day
(`seed_day.SEED_TEST_DAY`; the seed's "now" is `seed_activities.SEED_NOW`, 09:00 UTC that day),
then every date is moved onto the database's seed day (see `seed_day`): databases seeded for
the same day are identical, and tests pinning SEED_TEST_DAY can rely on the exact data.
"""

import random
from dataclasses import dataclass
from datetime import date
from typing import Literal

from gateway.sandbox.seed_activities import generate_activities
from gateway.sandbox.seed_catalogue import COMPANIES, CompanySpec
from gateway.sandbox.seed_contacts import Contacts, generate_contacts
from gateway.sandbox.seed_day import SEED_DAY_KEY, SEED_TEST_DAY, moved
from gateway.sandbox.store import Database, Record, encode_json_columns

SEED = 20250106

DEMO_TOKEN = "sandbox-acme-admin-0f4e9d2c7b1a6e3f8d5c2b9a"
DEMO_NONADMIN_TOKEN = "sandbox-acme-member-5b8e1f4a7d2c9e6b3a0f7d4c"
DEMO_OAUTH_TOKEN = "sandbox-oauth-acme-admin-9c2f6a3e8b5d1f7a4c0e6b3d"
OTHER_COMPANY_TOKEN = "sandbox-globex-admin-2d7a4f1c8e5b2a9f6c3e0d7b"
OTHER_COMPANY_NONADMIN_TOKEN = "sandbox-globex-member-8e3b0d7f4a1c6e9b2d5f8a1c"

DEMO_COMPANY_ID = 1
OTHER_COMPANY_ID = 2


@dataclass(frozen=True)
class SeedToken:
    """Who a seeded token authenticates as. OAuth tokens are valid only as `Authorization: Bearer`."""

    company_id: int
    user_id: int
    kind: Literal["api_token", "oauth"]
    is_admin: bool


SEED_TOKENS: dict[str, SeedToken] = {
    DEMO_TOKEN: SeedToken(DEMO_COMPANY_ID, 1, "api_token", True),
    DEMO_OAUTH_TOKEN: SeedToken(DEMO_COMPANY_ID, 1, "oauth", True),
    DEMO_NONADMIN_TOKEN: SeedToken(DEMO_COMPANY_ID, 2, "api_token", False),
    OTHER_COMPANY_TOKEN: SeedToken(OTHER_COMPANY_ID, 6, "api_token", True),
    OTHER_COMPANY_NONADMIN_TOKEN: SeedToken(OTHER_COMPANY_ID, 7, "api_token", False),
}


@dataclass(frozen=True)
class DemoSeed:
    """Populates a new database with the demo data anchored to `day`.

    Equal days make equal seeds, so `:memory:` databases share one template per day.
    """

    day: date

    def __call__(self, database: Database) -> None:
        populate(database, self.day)


def populate(database: Database, day: date) -> None:
    """Insert the whole demo data set for `day` (once, inside the transaction creating the schema)."""
    rows = _Rows(database, (day - SEED_TEST_DAY).days)
    database.insert("sandbox_meta", {"key": SEED_DAY_KEY, "value": day.isoformat()})
    rng = random.Random(SEED)
    activities: list[Record] = []
    for company in COMPANIES:
        contacts = _insert_company(rows, company, rng)
        activities.extend(generate_activities(company, contacts, rng))
    # Ids follow creation time across both companies, as in one shared installation.
    activities.sort(key=lambda activity: activity["add_time"])
    for activity_id, activity in enumerate(activities, start=1):
        rows.insert("activities", {"id": activity_id, **activity})


class _Rows:
    """Inserts generated rows with their dates moved from the reference day to the seed day."""

    def __init__(self, database: Database, days: int) -> None:
        self._database = database
        self._days = days

    def insert(self, table: str, row: Record) -> None:
        # An activity's JSON columns (`series` holds dates) are encoded once their dates have moved.
        self._database.insert(table, encode_json_columns(moved(row, self._days)))


def _insert_company(rows: _Rows, company: CompanySpec, rng: random.Random) -> Contacts:
    rows.insert("companies", company.company_row())
    for row in company.user_rows():
        rows.insert("users", row)
    for token, owner in SEED_TOKENS.items():
        if owner.company_id == company.id:
            rows.insert("tokens", {"token": token, "kind": owner.kind, "user_id": owner.user_id})
    for table, table_rows in company.fixed_rows().items():
        for row in table_rows:
            rows.insert(table, row)
    contacts = generate_contacts(company, rng)
    for table, table_rows in contacts.tables():
        for row in table_rows:
            rows.insert(table, row)
    return contacts
