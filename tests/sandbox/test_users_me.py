"""`GET /v1/users/me`: the token's own user with its company, for every seeded token; 401 otherwise."""

import httpx
import pytest

from gateway.sandbox import DEMO_COMPANY_ID, DEMO_TOKEN, SEED_TOKENS, Sandbox
from tests.sandbox.conftest import BASE_URL

pytestmark = pytest.mark.anyio

COMPANIES = {
    1: {"company_name": "Acme Demo", "company_domain": "acme-demo", "company_country": "EE"},
    2: {"company_name": "Globex Test", "company_domain": "globex-test", "company_country": "US"},
}
COMPANY_KEYS = {"company_id", "company_name", "company_domain", "company_country", "company_industry", "language"}
UNAUTHORIZED = {"success": False, "error": "unauthorized access", "errorCode": 401}


def credential(token: str) -> dict[str, str]:
    kind = SEED_TOKENS[token].kind
    return {"authorization": f"Bearer {token}"} if kind == "oauth" else {"x-api-token": token}


@pytest.mark.parametrize("token", sorted(SEED_TOKENS))
async def test_each_token_sees_itself_and_its_company(sandbox: Sandbox, token: str) -> None:
    seed = SEED_TOKENS[token]
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url=BASE_URL, headers=credential(token)) as http:
        response = await http.get("/api/v1/users/me")
        same_user = (await http.get(f"/api/v1/users/{seed.user_id}")).json()["data"]
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"success", "data"} and body["success"] is True
    me = body["data"]
    assert set(me) == set(same_user) | COMPANY_KEYS
    assert {key: me[key] for key in same_user} == same_user
    assert me["id"] == seed.user_id and me["is_you"] is True
    assert [(entry["app"], entry["admin"]) for entry in me["access"]] == [("global", seed.is_admin)]
    assert me["company_id"] == seed.company_id
    assert {key: me[key] for key in COMPANIES[seed.company_id]} == COMPANIES[seed.company_id]
    assert isinstance(me["company_industry"], str) and me["company_industry"]
    assert me["language"] == {"language_code": "en", "country_code": "US"}


@pytest.mark.parametrize("headers", [{}, {"x-api-token": "nope"}, {"authorization": f"Bearer {DEMO_TOKEN}"}])
async def test_unauthorized(sandbox: Sandbox, headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url=BASE_URL) as http:
        response = await http.get("/api/v1/users/me", headers=headers)
    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)
    assert "x-ratelimit-remaining" in response.headers


async def test_costs_two_tokens(client: httpx.AsyncClient) -> None:
    first = await client.get("/api/v1/users/me")
    second = await client.get("/api/v1/users/me")
    spent = int(first.headers["x-daily-ratelimit-token-remaining"]) - int(
        second.headers["x-daily-ratelimit-token-remaining"]
    )
    assert spent == 2 and second.json()["data"]["company_id"] == DEMO_COMPANY_ID
