"""The demo data: deterministic, two disjoint companies, tokens naming the right users, variety."""

import json
from pathlib import Path

import httpx
import pytest

from gateway.sandbox import SEED_TEST_DAY, SEED_TOKENS, Sandbox
from tests.sandbox.conftest import BASE_URL

pytestmark = pytest.mark.anyio


def scalar(sandbox: Sandbox, sql: str) -> int:
    return int(sandbox.store.database.scalar(sql))


@pytest.mark.parametrize("token", sorted(SEED_TOKENS))
async def test_tokens_name_their_users(sandbox: Sandbox, token: str) -> None:
    seed = SEED_TOKENS[token]
    header = {"authorization": f"Bearer {token}"} if seed.kind == "oauth" else {"x-api-token": token}
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url=BASE_URL, headers=header) as http:
        me = next(user for user in (await http.get("/api/v1/users")).json()["data"] if user["is_you"])
        collection = await http.get("/api/v1/activities/collection", params={"limit": 1})
    assert me["id"] == seed.user_id
    assert me["access"][0]["admin"] is seed.is_admin
    assert collection.status_code == (200 if seed.is_admin else 403)
    assert scalar(sandbox, f"SELECT company_id FROM users WHERE id = {me['id']}") == seed.company_id


@pytest.mark.parametrize("company_id", [1, 2])
def test_each_company_has_enough_varied_data(sandbox: Sandbox, company_id: int) -> None:
    active = f"company_id = {company_id} AND active_flag = 1"

    def activities(condition: str) -> int:
        return scalar(sandbox, f"SELECT COUNT(*) FROM activities WHERE {active} AND {condition}")

    assert activities("1") >= 300
    assert scalar(sandbox, f"SELECT COUNT(*) FROM users WHERE company_id = {company_id}") >= 4
    assert scalar(sandbox, f"SELECT COUNT(DISTINCT user_id) FROM activities WHERE {active}") >= 4
    assert scalar(sandbox, f"SELECT COUNT(DISTINCT type) FROM activities WHERE {active}") >= 6
    assert activities("due_date IS NULL AND due_time = ''") > 0
    assert activities("due_date < '2025-01-06'") > 0 and activities("due_date > '2025-01-06'") > 0
    assert activities("done = 1") > 0 and activities("done = 0") > 0
    assert activities("deal_id IS NOT NULL") > 0
    assert activities("person_id IS NOT NULL AND deal_id IS NULL") > 0
    assert activities("org_id IS NOT NULL AND person_id IS NULL") > 0
    assert activities("deal_id IS NULL AND person_id IS NULL AND org_id IS NULL") > 0
    assert activities("lead_id IS NOT NULL") > 0 and activities("note != ''") > 0
    assert activities("attendees IS NOT NULL") > 0 and activities("location_route IS NOT NULL") > 0
    assert activities("location IS NOT NULL AND location_route IS NULL") > 0
    assert activities("type = 'site_visit'") > 0
    deleted = f"SELECT COUNT(*) FROM activities WHERE company_id = {company_id} AND active_flag = 0"
    assert scalar(sandbox, deleted) > 0
    participants = sandbox.store.database.rows(
        f"SELECT participants FROM activities WHERE {active} AND participants IS NOT NULL"
    )
    assert any(len(json.loads(row["participants"])) >= 2 for row in participants)


def test_seed_is_deterministic(sandbox: Sandbox, tmp_path: Path) -> None:
    file_box = Sandbox(db_path=str(tmp_path / "fresh.sqlite3"), seed_day=SEED_TEST_DAY)
    try:
        query = "SELECT * FROM activities ORDER BY id"
        assert file_box.store.database.rows(query) == sandbox.store.database.rows(query)
    finally:
        file_box.close()


def test_companies_share_no_rows(sandbox: Sandbox) -> None:
    crossing = scalar(
        sandbox,
        """
        SELECT COUNT(*) FROM activities a
        LEFT JOIN users u ON u.id = a.user_id
        LEFT JOIN persons p ON p.id = a.person_id
        LEFT JOIN organizations o ON o.id = a.org_id
        LEFT JOIN deals d ON d.id = a.deal_id
        WHERE u.company_id != a.company_id OR p.company_id != a.company_id
           OR o.company_id != a.company_id OR d.company_id != a.company_id""",
    )
    assert crossing == 0
