"""The parts of live updates that need no socket: payload parsing, the delivery memory, settings."""

from __future__ import annotations

import json

import pytest

from gateway.config import Settings, SettingsError, WebhookSettings
from gateway.live import ActivityEvent, SeenDeliveries
from gateway.schema.subscriptions import changed_field_names
from gateway.upstream.webhooks import ActivityWebhook, OtherWebhook, WebhookPayloadError, parse_webhook
from tests.live.support import payload
from tests.support import FakeClock

pytestmark = pytest.mark.anyio


def _parse(body: dict[str, object]) -> ActivityWebhook:
    parsed = parse_webhook(json.dumps(body).encode())
    assert isinstance(parsed, ActivityWebhook)
    return parsed


def test_a_change_names_the_fields_it_touched_in_graphql_terms() -> None:
    previous = {
        "owner_id": 1,
        "busy": False,
        "is_deleted": False,
        "due_time": "10:00:00",
        "creator_user_id": 3,
        "location": {"value": "A street 1", "locality": "Paris", "country": "France"},
        "custom_fields": {"x": 1},
        "priority": 2,
    }
    data = {"location": {"value": "A street 1", "locality": "Lyon", "country": "France"}, "owner_id": 2}
    webhook = _parse(payload("change", 7, previous=previous, data=data))
    assert webhook.owner_ids == {1, 2}
    assert changed_field_names(webhook.changed) == [
        "userId",
        "dueTime",
        "busyFlag",
        "activeFlag",
        "locationLocality",
        "createdByUserId",
        "assignedToUserId",
    ]


def test_hybrid_values_in_previous_still_name_their_fields() -> None:
    webhook = _parse(payload("change", 7, previous={"location": "just text", "duration": {"value": ""}}))
    assert "duration" in webhook.changed and "location" in webhook.changed


def test_create_and_delete_change_no_fields_and_round_trip_through_json() -> None:
    for action in ("create", "delete"):
        webhook = _parse(payload(action, 7, owner_id=4))
        assert webhook.changed == frozenset() and webhook.owner_ids == {4}
        event = ActivityEvent.from_webhook(webhook)
        assert ActivityEvent.from_json(event.to_json()) == event


def test_another_entity_is_recognised_and_v1_refused() -> None:
    deal = payload("create", 5, entity="deal", delivery_id="d-1")
    assert parse_webhook(json.dumps(deal).encode()) == OtherWebhook("d-1", "deal")
    with pytest.raises(WebhookPayloadError, match="v1"):
        parse_webhook(b'{"v": 1, "event": "added.activity", "current": {}, "meta": {}}')
    with pytest.raises(WebhookPayloadError, match="meta.id"):
        parse_webhook(json.dumps({**payload("create", 5), "meta": {"entity": "activity"}}).encode())


async def test_the_delivery_memory_is_bounded_in_time_and_size() -> None:
    clock = FakeClock()
    seen = SeenDeliveries(ttl=60, max_entries=3, clock=clock)
    assert await seen.first_time("a") and not await seen.first_time("a")
    for key in "bcd":
        assert await seen.first_time(key)
    assert len(seen) == 3 and await seen.first_time("a"), "the oldest id went first"
    clock.now += 61
    assert await seen.first_time("b") and len(seen) == 1, "expired ids are forgotten"
    await seen.forget("b")
    assert await seen.first_time("b")


@pytest.mark.parametrize(
    ("webhooks", "named"),
    [
        (WebhookSettings(user="u"), "GATEWAY_WEBHOOK_PASSWORD"),
        (WebhookSettings(user="a:b", password="p"), "GATEWAY_WEBHOOK_USER"),
        (WebhookSettings(public_url="https://g.test"), "GATEWAY_PUBLIC_URL"),
        (WebhookSettings(user="u", password="p", public_url="ftp://g.test"), "GATEWAY_PUBLIC_URL"),
        (WebhookSettings(user="u", password="p", public_url="https://g.test?x=1"), "GATEWAY_PUBLIC_URL"),
    ],
)
def test_webhook_settings_are_checked(webhooks: WebhookSettings, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings(webhooks=webhooks)


def test_webhook_settings_from_the_environment() -> None:
    environ = {"GATEWAY_WEBHOOK_USER": "u", "GATEWAY_WEBHOOK_PASSWORD": "p", "GATEWAY_PUBLIC_URL": "https://g.test/"}
    settings = Settings.from_env(environ)
    assert settings.webhooks.subscription_url == "https://g.test/webhooks/pipedrive"
    assert repr(settings.webhooks) == "WebhookSettings(public_url='https://g.test/')"  # no credentials
