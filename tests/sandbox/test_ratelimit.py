"""Rate-limit headers on every answer, costs per endpoint, and 429s under small limits."""

from collections.abc import Iterator

import httpx
import pytest

from gateway.sandbox import DEMO_NONADMIN_TOKEN, DEMO_OAUTH_TOKEN, DEMO_TOKEN, OTHER_COMPANY_TOKEN, Sandbox
from tests.sandbox.conftest import client_for

pytestmark = pytest.mark.anyio
RATE_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-daily-ratelimit-token-limit",
    "x-daily-ratelimit-token-remaining",
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limited(clock: FakeClock) -> Iterator[Sandbox]:
    box = Sandbox(":memory:", burst_limit=3, daily_token_budget=1_000, clock=clock)
    yield box
    box.close()


def remaining_budget(response: httpx.Response) -> int:
    return int(response.headers["x-daily-ratelimit-token-remaining"])


async def test_headers_on_successes_and_errors(client: httpx.AsyncClient) -> None:
    for response in (
        await client.get("/api/v1/activities"),
        await client.get("/api/v1/activities/999999"),
        await client.get("/api/v1/activities", params={"limit": "x"}),
    ):
        assert all(name in response.headers for name in RATE_HEADERS)
        assert response.headers["x-ratelimit-limit"] == "100000"
        assert response.headers["x-daily-ratelimit-token-limit"] == "100000000"


@pytest.mark.parametrize(
    ("method", "path", "cost"),
    [
        ("GET", "/api/v1/activities", 20),
        ("GET", "/api/v1/activities/collection", 10),
        ("GET", "/api/v1/activities/5", 2),
        ("POST", "/api/v1/activities", 10),
        ("PUT", "/api/v1/activities/5", 10),
        ("DELETE", "/api/v1/activities/5", 6),
        ("DELETE", "/api/v1/activities?ids=7,9", 10),
        ("GET", "/api/v1/activityTypes", 20),
        ("GET", "/api/v1/users", 20),
        ("GET", "/api/v1/users/1", 2),
        ("GET", "/api/v1/users/me", 2),
        ("GET", "/api/v1/persons/1", 2),
        ("GET", "/api/v1/organizations/1", 2),
        ("GET", "/api/v1/deals/1", 2),
        ("GET", "/api/v2/activities?ids=1", 10),
        ("GET", "/api/v2/activities?sort_by=due_date&limit=500", 10),
        ("GET", "/api/v2/activities/5", 1),
        ("POST", "/api/v2/activities", 5),
        ("PATCH", "/api/v2/activities/5", 5),
        ("DELETE", "/api/v2/activities/5", 3),
        ("GET", "/api/v2/persons?ids=1", 10),
        ("GET", "/api/v2/organizations?ids=1", 10),
        ("GET", "/api/v2/deals?ids=1", 10),
    ],
)
async def test_costs(client: httpx.AsyncClient, method: str, path: str, cost: int) -> None:
    before = remaining_budget(await client.get("/api/v1/users/1"))
    response = await client.request(method, path, json={} if method in ("POST", "PUT", "PATCH") else None)
    assert response.status_code < 500
    assert before - remaining_budget(response) == cost


async def test_burst_limit_per_token(limited: Sandbox, clock: FakeClock) -> None:
    async with client_for(limited) as http, client_for(limited, DEMO_NONADMIN_TOKEN) as member:
        answers = [await http.get("/api/v1/users/1") for _ in range(3)]
        remaining = [int(answer.headers["x-ratelimit-remaining"]) for answer in answers]
        assert remaining == [2, 1, 0]
        refused = await http.get("/api/v1/users/1")
        assert refused.status_code == 429
        assert refused.json()["success"] is False and set(refused.json()) >= {"error", "error_info"}
        assert refused.headers["Retry-After"] == "2" and refused.headers["x-ratelimit-remaining"] == "0"
        assert (await member.get("/api/v1/users/1")).status_code == 200
        clock.now += 1.5
        assert (await http.get("/api/v1/users/1")).headers["Retry-After"] == "1"
        clock.now += 0.6
        assert (await http.get("/api/v1/users/1")).status_code == 200


async def test_refusals_spend_nothing(limited: Sandbox, clock: FakeClock) -> None:
    async with client_for(limited) as http:
        for _ in range(3):
            last = await http.get("/api/v1/users/1")
        for _ in range(5):
            assert (await http.get("/api/v1/users/1")).status_code == 429
        clock.now += 2.5
        after = await http.get("/api/v1/users/1")
    assert remaining_budget(last) - remaining_budget(after) == 2


async def test_daily_budget_per_company(clock: FakeClock) -> None:
    box = Sandbox(":memory:", daily_token_budget=45, clock=clock)
    try:
        async with (
            client_for(box) as admin,
            client_for(box, DEMO_NONADMIN_TOKEN) as member,
            client_for(box, OTHER_COMPANY_TOKEN) as other,
        ):
            assert remaining_budget(await admin.get("/api/v1/activities")) == 25
            assert remaining_budget(await member.get("/api/v1/activities")) == 5
            refused = await member.get("/api/v1/activities")
            assert refused.status_code == 429
            assert int(refused.headers["Retry-After"]) == 86_400 - 1_000
            assert (await admin.get("/api/v1/users/1")).status_code == 200
            assert (await admin.get("/api/v1/activities")).status_code == 429
            assert remaining_budget(await other.get("/api/v1/activities")) == 25
            clock.now = 86_400.0
            assert (await admin.get("/api/v1/activities")).status_code == 200
    finally:
        box.close()


async def test_reset_forgets_counters(limited: Sandbox) -> None:
    async with client_for(limited) as http:
        for _ in range(3):
            await http.get("/api/v1/users/1")
        assert (await http.get("/api/v1/users/1")).status_code == 429
        limited.control.reset()
        response = await http.get("/api/v1/users/1")
    assert response.status_code == 200 and remaining_budget(response) == 998


async def test_oauth_and_api_tokens_have_separate_windows(limited: Sandbox) -> None:
    async with client_for(limited, DEMO_TOKEN) as http, client_for(limited, None) as anonymous:
        for _ in range(3):
            await http.get("/api/v1/users/1")
        assert (await http.get("/api/v1/users/1")).status_code == 429
        bearer = {"authorization": f"Bearer {DEMO_OAUTH_TOKEN}"}
        oauth = await anonymous.get("/api/v1/users/1", headers=bearer)
    assert oauth.status_code == 200


async def test_refused_credentials_share_the_anonymous_window(limited: Sandbox) -> None:
    async with client_for(limited, None) as anonymous, client_for(limited) as admin:
        before = remaining_budget(await admin.get("/api/v1/users/1"))
        credentials: list[dict[str, str]] = [{"x-api-token": "nope"}, {"authorization": "Bearer other"}, {}]
        answers = [await anonymous.get("/api/v1/users", headers=headers) for headers in credentials]
        assert [answer.status_code for answer in answers] == [401] * 3
        assert all(name in answer.headers for answer in answers for name in RATE_HEADERS)
        assert [answer.headers["x-ratelimit-remaining"] for answer in answers] == ["2", "1", "0"]
        assert {remaining_budget(answer) for answer in answers} == {1_000}
        throttled = await anonymous.get("/api/v1/users", headers={"x-api-token": "fresh"})
        assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "2"
        after = await admin.get("/api/v1/users/1")
    assert after.status_code == 200 and after.headers["x-ratelimit-remaining"] == "1"
    assert before - remaining_budget(after) == 2


@pytest.mark.parametrize(
    ("method", "path", "status"), [("GET", "/api/v1/nowhere", 404), ("PATCH", "/api/v1/users", 405)]
)
async def test_unknown_paths_and_methods_carry_headers_and_spend_nothing(
    limited: Sandbox, method: str, path: str, status: int
) -> None:
    async with client_for(limited) as admin, client_for(limited, None) as anonymous:
        first = await admin.get("/api/v1/users/1")
        answers = [await admin.request(method, path) for _ in range(4)]
        anonymous_answer = await anonymous.request(method, path)
        last = await admin.get("/api/v1/users/1")
    assert {answer.status_code for answer in [*answers, anonymous_answer]} == {status}
    assert [answer.headers["x-ratelimit-remaining"] for answer in answers] == ["2"] * 4
    assert remaining_budget(answers[0]) == remaining_budget(first)
    assert anonymous_answer.headers["x-ratelimit-remaining"] == "3" and remaining_budget(anonymous_answer) == 1_000
    assert last.status_code == 200 and remaining_budget(first) - remaining_budget(last) == 2
