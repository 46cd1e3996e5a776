"""Generated demo organizations, persons and deals of one company (deterministic, from the seed's rng;
dates relative to the reference day, see `seed_day`)."""

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gateway.sandbox.fields import LOCATION_PARTS
from gateway.sandbox.seed_catalogue import COMPANIES, CompanySpec
from gateway.sandbox.store import Record
from gateway.sandbox.timefmt import V1_TIMESTAMP_FORMAT

CONTACTS_START = datetime(2024, 6, 10, 9, 0, 0)
CONTACTS_SPAN = timedelta(days=80)


@dataclass(frozen=True)
class Address:
    street_number: str
    route: str
    postal_code: str
    locality: str
    admin_area_level_1: str
    country: str

    @property
    def formatted(self) -> str:
        return f"{self.route} {self.street_number}, {self.postal_code} {self.locality}, {self.country}"

    @property
    def short(self) -> str:
        """How a person would type it into the location box."""
        return f"{self.route} {self.street_number}, {self.locality}"

    def parts(self) -> dict[str, str]:
        """The parsed parts keyed like the v1 `location_*` suffixes (missing parts are "")."""
        known = {
            "street_number": self.street_number,
            "route": self.route,
            "postal_code": self.postal_code,
            "locality": self.locality,
            "admin_area_level_1": self.admin_area_level_1,
            "country": self.country,
            "formatted_address": self.formatted,
        }
        return {part: known.get(part, "") for part in LOCATION_PARTS}


ADDRESSES: tuple[Address, ...] = (
    Address("1", "Rue de Rivoli", "75001", "Paris", "Île-de-France", "France"),
    Address("77", "Unter den Linden", "10117", "Berlin", "Berlin", "Germany"),
    Address("221", "Baker Street", "NW1 6XE", "London", "England", "United Kingdom"),
    Address("42", "Calle de Alcalá", "28014", "Madrid", "Comunidad de Madrid", "Spain"),
    Address("5", "Narva mnt", "10117", "Tallinn", "Harju maakond", "Estonia"),
    Address("500", "Market Street", "94105", "San Francisco", "California", "United States"),
    Address("123", "Keizersgracht", "1015 CJ", "Amsterdam", "Noord-Holland", "Netherlands"),
    Address("18", "Via del Corso", "00186", "Rome", "Lazio", "Italy"),
)

_ORGANIZATION_NAMES = (
    "Northwind Traders",
    "Blue Harbor Ltd",
    "Kestrel Logistics",
    "Vantage Dental",
    "Orchard & Co",
    "Polar Freight",
    "Sunline Energy",
    "Tidewater Foods",
    "Brightpath Schools",
    "Granite Works",
    "Lumen Optics",
    "Riverside Clinic",
    "Atlas Print",
    "Copperleaf Hotels",
    "Meridian Labs",
    "Silverpine Realty",
    "Harborview Legal",
)
_FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloe",
    "David",
    "Elif",
    "Felix",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Lucas",
    "Maya",
    "Nils",
    "Olga",
    "Pedro",
    "Rosa",
    "Stefan",
    "Tara",
    "Victor",
)
_LAST_NAMES = (
    "Lopez",
    "Meyer",
    "Dubois",
    "Rossi",
    "Novak",
    "Jensen",
    "Silva",
    "Kowal",
    "Berg",
    "Fischer",
)
_DEAL_PRODUCTS = ("renewal", "expansion", "pilot", "support plan", "onboarding", "licences")
_LOST_REASONS = ("Price", "Went with a competitor", "No budget", "No response")


@dataclass
class Contacts:
    """One company's generated organizations, persons and deals (rows ready to insert)."""

    organizations: list[Record] = field(default_factory=list)
    persons: list[Record] = field(default_factory=list)
    deals: list[Record] = field(default_factory=list)

    def tables(self) -> Iterator[tuple[str, list[Record]]]:
        """Rows per table ready to insert, in an order that satisfies the foreign keys."""
        yield "organizations", self.organizations
        yield (
            "persons",
            [
                {**person, "emails": json.dumps(person["emails"]), "phones": json.dumps(person["phones"])}
                for person in self.persons
            ],
        )
        yield "deals", self.deals

    def persons_of(self, org_id: int | None) -> list[Record]:
        return [person for person in self.persons if org_id is not None and person["org_id"] == org_id]


def generate_contacts(company: CompanySpec, rng: random.Random) -> Contacts:
    """Organizations, then persons working at them, then deals between them."""
    contacts = Contacts()
    names = rng.sample(_ORGANIZATION_NAMES, company.organizations)
    for offset, name in enumerate(names, start=_id_base(company, lambda spec: spec.organizations)):
        contacts.organizations.append(_organization(company, offset, name, rng))
    every_name = [(first, last) for first in _FIRST_NAMES for last in _LAST_NAMES]
    full_names = rng.sample(every_name, company.persons)
    for offset, full_name in enumerate(full_names, start=_id_base(company, lambda spec: spec.persons)):
        contacts.persons.append(_person(company, offset, full_name, contacts.organizations, rng))
    first_deal = _id_base(company, lambda spec: spec.deals)
    for offset in range(first_deal, first_deal + company.deals):
        contacts.deals.append(_deal(company, offset, contacts, rng))
    return contacts


def seed_time(rng: random.Random, start: datetime, span: timedelta) -> str:
    """A whole-second moment in [start, start + span), v1-formatted."""
    moment = start + timedelta(seconds=rng.randrange(int(span.total_seconds())))
    return moment.strftime(V1_TIMESTAMP_FORMAT)


def _id_base(company: CompanySpec, count: Callable[[CompanySpec], int]) -> int:
    """The first id of this company's rows: ids run on from the earlier companies' rows."""
    return 1 + sum(count(spec) for spec in COMPANIES[: company.index])


def _owner(company: CompanySpec, rng: random.Random) -> int:
    return rng.choice(company.active_users).id


def _organization(company: CompanySpec, org_id: int, name: str, rng: random.Random) -> Record:
    address = rng.choice(ADDRESSES) if rng.random() < 0.85 else None
    parts = address.parts() if address else dict.fromkeys(LOCATION_PARTS)
    created = seed_time(rng, CONTACTS_START, CONTACTS_SPAN)
    return {
        "id": org_id,
        "company_id": company.id,
        "name": name,
        "owner_id": _owner(company, rng),
        "address": address.formatted if address else None,
        **{f"address_{part}": value for part, value in parts.items()},
        "visible_to": "3",
        "active_flag": 1,
        "add_time": created,
        "update_time": created,
    }


def _person(
    company: CompanySpec,
    person_id: int,
    full_name: tuple[str, str],
    organizations: list[Record],
    rng: random.Random,
) -> Record:
    first, last = full_name
    org = rng.choice(organizations) if rng.random() < 0.85 else None
    mail_domain = _slug(org["name"]) if org else "mail"
    created = seed_time(rng, CONTACTS_START, CONTACTS_SPAN)
    return {
        "id": person_id,
        "company_id": company.id,
        "name": f"{first} {last}",
        "first_name": first,
        "last_name": last,
        "owner_id": _owner(company, rng),
        "org_id": org["id"] if org else None,
        "emails": _emails(first, last, mail_domain, rng),
        "phones": _phones(person_id, rng),
        "visible_to": "3",
        "active_flag": 1,
        "add_time": created,
        "update_time": created,
    }


def _emails(first: str, last: str, domain: str, rng: random.Random) -> list[Record]:
    emails = [{"label": "work", "value": f"{first}.{last}@{domain}.example".lower(), "primary": True}]
    if rng.random() < 0.25:
        emails.append({"label": "home", "value": f"{first}{last}@home.example".lower(), "primary": False})
    return emails


def _phones(person_id: int, rng: random.Random) -> list[Record]:
    roll = rng.random()
    phones: list[Record] = (
        [] if roll < 0.2 else [{"label": "work", "value": f"+1 555 01{person_id % 100:02d}", "primary": True}]
    )
    if roll > 0.8:
        phones.append({"label": "mobile", "value": f"+1 555 09{person_id % 100:02d}", "primary": False})
    return phones


def _deal(company: CompanySpec, deal_id: int, contacts: Contacts, rng: random.Random) -> Record:
    person = rng.choice(contacts.persons)
    org = next((o for o in contacts.organizations if o["id"] == person["org_id"]), None)
    owner = _owner(company, rng)
    created = seed_time(rng, CONTACTS_START + CONTACTS_SPAN, CONTACTS_SPAN)
    status = rng.choices(("open", "won", "lost"), weights=(65, 20, 15))[0]
    closed = created if status == "open" else seed_time(rng, datetime(2024, 11, 1), timedelta(days=60))
    title_owner = org["name"] if org else person["name"]
    return {
        "id": deal_id,
        "company_id": company.id,
        "title": f"{title_owner} {rng.choice(_DEAL_PRODUCTS)}",
        "value": rng.randrange(5, 500) * 100,
        "currency": company.currency,
        "status": status,
        "pipeline_id": company.id,
        "stage_id": rng.choice(company.stage_ids()),
        "user_id": owner,
        "creator_user_id": rng.choice((owner, company.admin.id)),
        "person_id": person["id"],
        "org_id": org["id"] if org else None,
        "probability": None,
        "lost_reason": rng.choice(_LOST_REASONS) if status == "lost" else None,
        "expected_close_date": f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        "close_time": closed if status != "open" else None,
        "won_time": closed if status == "won" else None,
        "lost_time": closed if status == "lost" else None,
        "stage_change_time": closed,
        "visible_to": "3",
        "active_flag": 1,
        "add_time": created,
        "update_time": closed,
    }


def _slug(name: str) -> str:
    return "".join(character for character in name.lower() if character.isalnum())
