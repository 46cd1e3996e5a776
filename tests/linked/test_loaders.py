"""The linked-object loaders on their own: batching, priming, completion, unknown ids."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import cast

import pytest

from gateway.loaders import EntityLoader, UsersLoader
from gateway.upstream import PipedriveClient
from gateway.upstream.entities import PersonRecord, UserRecord, parse_user, parse_v1_person, parse_v2_person

pytestmark = pytest.mark.anyio

KNOWN_IDS = range(1, 201)


class FakePersons:
    """v2 `?ids=` answers for persons 1-200; records every batch asked for."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    async def __call__(self, ids: Sequence[int]) -> list[PersonRecord]:
        self.batches.append(list(ids))
        return [parse_v2_person({"id": i, "name": f"P{i}", "org_id": i * 10}) for i in ids if i in KNOWN_IDS]


async def test_persons_are_batched_one_hundred_ids_a_call_and_unknown_ids_are_null() -> None:
    fetch = FakePersons()
    loader = EntityLoader(fetch)
    ids = [*range(1, 251), 5, 7]
    found = await asyncio.gather(*(loader.load(i) for i in ids))
    assert sorted(len(batch) for batch in fetch.batches) == [50, 100, 100]  # duplicates asked once
    assert [p.name if p else None for p in found[:3]] == ["P1", "P2", "P3"]
    assert all(p is None for p in found[200:250])


async def test_a_primed_summary_answers_and_is_completed_once_in_batch() -> None:
    fetch = FakePersons()
    loader = EntityLoader(fetch)
    summaries = [parse_v1_person({"id": i, "name": f"Fresh {i}", "email": [], "phone": []}) for i in (1, 2, 3)]
    loader.prime(summaries)
    assert await loader.load(2) is summaries[1] and fetch.batches == []
    completed = await asyncio.gather(*(loader.complete(s, "org_id") for s in summaries))
    assert fetch.batches == [[1, 2, 3]]
    assert [(p.name, p.org_id) for p in completed] == [("Fresh 1", 10), ("Fresh 2", 20), ("Fresh 3", 30)]
    assert (await loader.complete(summaries[0], "add_time")).org_id == 10 and len(fetch.batches) == 1


class FakeClient:
    def __init__(self) -> None:
        self.calls = 0

    async def users(self) -> list[UserRecord]:
        self.calls += 1
        await asyncio.sleep(0)
        return [parse_user({"id": i, "name": f"U{i}", "timezone_name": "UTC"}) for i in (1, 2, 3)]


async def test_users_come_from_one_list_call_per_request() -> None:
    client = FakeClient()
    loader = UsersLoader(lambda: cast(PipedriveClient, client))
    loader.prime([parse_user({"id": 2, "name": "Primed", "email": "p@x.test", "active_flag": True})])
    found = await asyncio.gather(loader.load(1), loader.load(3), loader.load(99), loader.load(2))
    assert [u.name if u else None for u in found] == ["U1", "U3", None, "Primed"]
    primed = found[3]
    assert primed is not None
    assert (await loader.complete(primed, "timezone_name")).timezone_name == "UTC"
    assert client.calls == 1
