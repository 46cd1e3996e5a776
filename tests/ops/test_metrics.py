"""`/metrics`: Prometheus text of GraphQL operations, upstream calls, retries, rate-limit waits, loader
batches and cache hits, per app, with no token in any label."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from gateway.app import _services, create_app
from gateway.config import RetrySettings, Settings
from gateway.live import ActivityEvent
from gateway.live.broker import DEFAULT_BACKLOG
from gateway.observability import Observability
from gateway.observability.metrics import MAX_OPERATION_NAMES, GatewayMetrics, LoaderMetrics, UpstreamMetrics
from gateway.sandbox import DEMO_TOKEN, Fault, Sandbox
from gateway.upstream import CallLedger, Credentials, UpstreamTransport
from gateway.upstream.endpoints import USERS
from gateway.upstream.retry import RetryPolicy
from tests.ops.conftest import sample
from tests.support import GraphQLClient, running

pytestmark = pytest.mark.anyio

TYPES_QUERY = "query Types { activityTypes { name } }"


async def scrape(http: httpx.AsyncClient) -> str:
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return response.text


async def test_operations_are_counted_by_name_and_outcome(http: httpx.AsyncClient, gql: GraphQLClient) -> None:
    await gql.data(TYPES_QUERY)
    await gql.data(TYPES_QUERY)
    await gql("query Broken { activities(first: 501) { nodes { id } } }")
    text = await scrape(http)
    assert sample(text, "gateway_graphql_operations_total", operation="Types", outcome="ok") == 2
    assert sample(text, "gateway_graphql_operations_total", operation="Broken", outcome="BAD_USER_INPUT") == 1
    assert sample(text, "gateway_graphql_operation_duration_seconds_count", operation="Types") == 2
    assert sample(text, "gateway_http_requests_total", method="POST", handler="graphql", status="200") == 3


async def test_upstream_calls_by_endpoint_template_and_status(http: httpx.AsyncClient, gql: GraphQLClient) -> None:
    await gql.data("{ activities(first: 2, userId: 0) { nodes { id } } }")
    await gql('{ activity(id: "999999") { id } }')
    text = await scrape(http)
    assert sample(text, "gateway_upstream_requests_total", method="GET", endpoint="/v1/activities", status="200") == 1
    assert sample(text, "gateway_upstream_request_duration_seconds_count", method="GET", endpoint="/v1/activities") == 1
    labels = re.findall(r"\{([^}]*)\}", text)
    assert labels and not [label for label in labels if "999999" in label]  # ids stay in templates


async def test_cache_hits_and_loader_batches(http: httpx.AsyncClient, gql: GraphQLClient) -> None:
    await gql.data(TYPES_QUERY)  # miss, then cached for the token
    await gql.data(TYPES_QUERY)  # hit
    await gql.data('{ a: activity(id: "1") { id } b: activity(id: "2") { id } c: activity(id: "3") { id } }')
    text = await scrape(http)
    assert sample(text, "gateway_cache_lookups_total", cache="activity_types", result="miss") == 1
    assert sample(text, "gateway_cache_lookups_total", cache="activity_types", result="hit") == 1
    assert sample(text, "gateway_loader_batch_size_count", loader="activities_by_id") == 1
    assert sample(text, "gateway_loader_batch_size_sum", loader="activities_by_id") == 3


async def test_retries_are_counted_by_reason(sandbox: Sandbox) -> None:
    async def no_sleep(_seconds: float) -> None:
        return None

    app = create_app(Settings(), sandbox=sandbox, retry_policy=RetryPolicy(RetrySettings(), sleep=no_sleep))
    sandbox.control.inject(Fault("status", status=503, times=2, method="GET"))
    async with running(app) as http:
        await GraphQLClient(http).data(TYPES_QUERY)
        text = await scrape(http)
    labels = {"method": "GET", "endpoint": "/v1/activityTypes"}
    assert sample(text, "gateway_upstream_retries_total", reason="503", **labels) == 2
    assert sample(text, "gateway_upstream_requests_total", status="503", **labels) == 2
    assert sample(text, "gateway_upstream_requests_total", status="200", **labels) == 1


async def test_rate_limit_waits_are_counted() -> None:
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    def exhausted(request: httpx.Request) -> httpx.Response:
        headers = {"x-ratelimit-remaining": "0", "x-ratelimit-limit": "40", "x-ratelimit-reset": "2"}
        return httpx.Response(200, json={"success": True, "data": []}, headers=headers)

    metrics = GatewayMetrics()
    async with httpx.AsyncClient(transport=httpx.MockTransport(exhausted), base_url="http://upstream") as client:
        transport = UpstreamTransport(client, RetryPolicy(RetrySettings(), sleep=sleep), UpstreamMetrics(metrics))
        call = USERS.call()
        for _ in range(2):
            await transport.send(call, Credentials("t0ken"), CallLedger())
    text = metrics.exposition()[0].decode()
    assert waited, "the second call should have waited for the window to reset"
    assert sample(text, "gateway_upstream_rate_limit_waits_total") == 1
    assert sample(text, "gateway_upstream_rate_limit_wait_seconds_total") == pytest.approx(sum(waited))


async def test_each_app_has_its_own_registry(sandbox: Sandbox) -> None:
    first, second = create_app(Settings(), sandbox=sandbox), create_app(Settings(), sandbox=sandbox)
    async with running(first) as http_one, running(second) as http_two:
        await GraphQLClient(http_one).data(TYPES_QUERY)
        assert sample(await scrape(http_one), "gateway_graphql_operations_total", operation="Types", outcome="ok") == 1
        assert (
            sample(await scrape(http_two), "gateway_graphql_operations_total", operation="Types", outcome="ok") is None
        )


async def test_no_token_or_client_header_reaches_a_label(http: httpx.AsyncClient, gql: GraphQLClient) -> None:
    secret = "c0ffee" * 7
    await gql(TYPES_QUERY, headers={"x-api-token": secret})
    await gql(TYPES_QUERY, headers={"authorization": f"Bearer {secret}"})
    await gql.data(TYPES_QUERY)
    text = await scrape(http)
    assert secret not in text
    assert DEMO_TOKEN not in text


def test_operation_names_are_bounded() -> None:
    metrics = GatewayMetrics()
    assert metrics.operation_label(None) == "anonymous"
    assert metrics.operation_label('x"} 1\nfake_metric{a="') == "other"
    labels = {metrics.operation_label(f"Op{i}") for i in range(MAX_OPERATION_NAMES + 50)}
    assert len(labels) == MAX_OPERATION_NAMES + 1  # the first names, then "other"
    assert "other" in labels


def test_loader_batches_count_into_the_metrics_they_are_given() -> None:
    metrics, other = GatewayMetrics(), GatewayMetrics()
    LoaderMetrics(metrics).on_batch("activities_by_id", 5)
    text = metrics.exposition()[0].decode()
    assert sample(text, "gateway_loader_batch_size_count", loader="activities_by_id") == 1
    assert sample(other.exposition()[0].decode(), "gateway_loader_batch_size_count", loader="activities_by_id") is None


async def test_openmetrics_when_the_scraper_asks_for_it(http: httpx.AsyncClient) -> None:
    response = await http.get("/metrics", headers={"accept": "application/openmetrics-text; version=1.0.0"})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.rstrip().endswith("# EOF")


async def test_an_event_past_the_brokers_backlog_is_counted_as_dropped() -> None:
    settings = Settings()
    observability = Observability(settings)
    services = _services(settings, observability, None)  # the broker the app itself would run
    await services.broker.subscribe(7)  # a stream nobody reads: its backlog fills
    for n in range(DEFAULT_BACKLOG + 2):
        occurred = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        await services.broker.publish(ActivityEvent(f"d-{n}", "create", n, 7, occurred, None, frozenset(), frozenset()))
    text = observability.metrics.exposition()[0].decode()
    assert sample(text, "gateway_live_events_dropped_total", reason="broker_backlog") == 2
