"""Every upstream operation the gateway uses, described once: method, path template, documented
token cost (`x-token-cost` in Pipedrive's OpenAPI documents).

An `Endpoint` makes the `Call`s the transport sends; its `label` (`GET /v1/activities/{id}`) is what
errors, logs and metrics name, never a URL. Paths are relative to the configured base URL
(`https://company.pipedrive.com/api`), so `v1/...` and `v2/...` both hang off it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    template: str
    """The path template, e.g. `/v1/activities/{id}`."""
    cost: int
    variant: str = ""
    """What tells two uses of one path apart in labels, e.g. `?ids=` for a batch fetch."""

    @property
    def label(self) -> str:
        """The endpoint as errors and metrics name it: the template, never a concrete URL."""
        return self.template + self.variant

    def call(self, *, id: int | None = None, params: Mapping[str, str] | None = None, body: Json | None = None) -> Call:
        path = self.template.format(id=id) if id is not None else self.template
        return Call(self, path.lstrip("/"), params, body)

    def __str__(self) -> str:
        return f"{self.method} {self.label}"


@dataclass(frozen=True, slots=True)
class Call:
    """One upstream request of an endpoint."""

    endpoint: Endpoint
    path: str
    params: Mapping[str, str] | None = None
    body: Json | None = None

    @property
    def method(self) -> str:
        return self.endpoint.method

    @property
    def cost(self) -> int:
        return self.endpoint.cost


# --- v1 activities (out of support since 2026-08-01) ----------------------------------------------
ACTIVITIES = Endpoint("GET", "/v1/activities", 20)
ACTIVITIES_COLLECTION = Endpoint("GET", "/v1/activities/collection", 10)
ACTIVITY = Endpoint("GET", "/v1/activities/{id}", 2)
ADD_ACTIVITY = Endpoint("POST", "/v1/activities", 10)
UPDATE_ACTIVITY = Endpoint("PUT", "/v1/activities/{id}", 10)
DELETE_ACTIVITY = Endpoint("DELETE", "/v1/activities/{id}", 6)
DELETE_ACTIVITIES = Endpoint("DELETE", "/v1/activities", 10, "?ids=")

# --- v1 lookups that have no v2 --------------------------------------------------------------------
ACTIVITY_TYPES = Endpoint("GET", "/v1/activityTypes", 20)
USERS = Endpoint("GET", "/v1/users", 20)
USERS_ME = Endpoint("GET", "/v1/users/me", 2)

# --- v2 --------------------------------------------------------------------------------------------
ACTIVITIES_V2 = Endpoint("GET", "/v2/activities", 10)
ACTIVITY_V2 = Endpoint("GET", "/v2/activities/{id}", 1)
ADD_ACTIVITY_V2 = Endpoint("POST", "/v2/activities", 5)
UPDATE_ACTIVITY_V2 = Endpoint("PATCH", "/v2/activities/{id}", 5)
DELETE_ACTIVITY_V2 = Endpoint("DELETE", "/v2/activities/{id}", 3)
ACTIVITIES_BY_IDS = Endpoint("GET", "/v2/activities", 10, "?ids=")
PERSONS_BY_IDS = Endpoint("GET", "/v2/persons", 10, "?ids=")
ORGANIZATIONS_BY_IDS = Endpoint("GET", "/v2/organizations", 10, "?ids=")
DEALS_BY_IDS = Endpoint("GET", "/v2/deals", 10, "?ids=")

# --- webhooks (v1 only; there is no v2) ------------------------------------------------------------
WEBHOOKS = Endpoint("GET", "/v1/webhooks", 10)
ADD_WEBHOOK = Endpoint("POST", "/v1/webhooks", 10)
DELETE_WEBHOOK = Endpoint("DELETE", "/v1/webhooks/{id}", 6)
