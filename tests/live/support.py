"""Driving live updates over a real socket: a graphql-transport-ws client (the `websockets` package),
webhook payloads as Pipedrive's v2 deliveries look, and waiting for the server's subscribers."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.ops.conftest import sample

PROTOCOL = Subprotocol("graphql-transport-ws")
WEBHOOK_USER = "hook-user"
WEBHOOK_PASSWORD = "hook-password-0123456789"
EVENTS = """
subscription Events($actions: [ActivityAction!], $userId: Int) {
  activityEvents(actions: $actions, userId: $userId) {
    action activityId pipedriveId changedFields occurredAt
    activity { pipedriveId subject userId done }
  }
}
"""


class TransportWS:
    """One graphql-transport-ws connection."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def init(self, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "connection_init"}
        if payload is not None:
            message["payload"] = dict(payload)
        await self.ws.send(json.dumps(message))
        ack = await self.receive()
        assert ack["type"] == "connection_ack", ack
        return ack

    async def subscribe(self, query: str = EVENTS, variables: Mapping[str, Any] | None = None, id: str = "1") -> None:
        payload = {"query": query, "variables": dict(variables or {})}
        await self.ws.send(json.dumps({"id": id, "type": "subscribe", "payload": payload}))

    async def receive(self, timeout: float = 10) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        return message

    async def event(self, timeout: float = 10) -> dict[str, Any]:
        """The next `next` message's `activityEvents` (pings answered on the way)."""
        while True:
            message = await self.receive(timeout)
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message["payload"]
            event: dict[str, Any] = message["payload"]["data"]["activityEvents"]
            return event

    async def closed(self, timeout: float = 10) -> tuple[int | None, str | None]:
        """Read until the server closes; its close code and reason."""
        with contextlib.suppress(ConnectionClosed):
            async with asyncio.timeout(timeout):
                while True:
                    await self.ws.recv()
        assert self.ws.close_code is not None, "the connection is still open"
        return self.ws.close_code, self.ws.close_reason


@contextlib.asynccontextmanager
async def ws_connect(base: str, *, headers: Mapping[str, str] | None = None) -> AsyncIterator[TransportWS]:
    """A graphql-transport-ws connection to `base`'s /graphql."""
    url = base.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=[PROTOCOL], additional_headers=dict(headers or {}), open_timeout=10) as ws:
        yield TransportWS(ws)


@contextlib.asynccontextmanager
async def subscribed(
    base: str,
    variables: Mapping[str, Any] | None = None,
    *,
    token: str | None = None,
    query: str = EVENTS,
) -> AsyncIterator[TransportWS]:
    """A connection, initialised (with `token` in the payload when given) and subscribed."""
    async with ws_connect(base) as client:
        await client.init({"X-Api-Token": token} if token else None)
        await client.subscribe(query, variables)
        yield client


async def wait_for_subscribers(base: str, count: int, timeout: float = 10) -> None:
    """Until the gateway reports `count` open subscriptions (`gateway_live_subscribers`)."""
    async with httpx.AsyncClient(base_url=base) as http, asyncio.timeout(timeout):
        while True:
            if sample((await http.get("/metrics")).text, "gateway_live_subscribers") == count:
                return
            await asyncio.sleep(0.02)


def basic(user: str = WEBHOOK_USER, password: str = WEBHOOK_PASSWORD) -> dict[str, str]:
    return {"authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def payload(
    action: str,
    activity_id: int,
    *,
    company_id: int = 1,
    owner_id: int = 1,
    previous: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    delivery_id: str | None = None,
    entity: str = "activity",
) -> dict[str, Any]:
    """A v2 activity webhook as Pipedrive delivers it (REFERENCE §8)."""
    current = {"id": activity_id, "owner_id": owner_id, "subject": "Call", **(data or {})}
    if action == "delete":
        previous = previous if previous is not None else current
    return {
        "meta": {
            "action": action,
            "entity": entity,
            "entity_id": str(activity_id),
            "id": delivery_id or str(uuid.uuid4()),
            "company_id": str(company_id),
            "user_id": str(owner_id),
            "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "version": "2.0",
            "type": "general",
            "attempt": 1,
        },
        "data": None if action == "delete" else current,
        "previous": previous,
    }


async def post_webhook(
    http: httpx.AsyncClient, body: dict[str, Any] | bytes, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    auth = basic() if headers is None else dict(headers)
    return await http.post("/webhooks/pipedrive", content=content, headers={"content-type": "application/json", **auth})
