"""A file database survives a restart: written data stays, nothing is seeded twice."""

import sqlite3
from pathlib import Path

import httpx
import pytest

from gateway.sandbox import DEMO_TOKEN, Sandbox
from gateway.sandbox.store.schema import SCHEMA_VERSION
from tests.sandbox.conftest import client_for

pytestmark = pytest.mark.anyio


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


async def test_restart_keeps_data_and_does_not_reseed(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "sandbox.sqlite3"
    first = Sandbox(db_path=str(path))
    async with client_for(first) as http:
        created = (await http.post("/api/v1/activities", json={"subject": "Survives"})).json()["data"]
        await http.put(f"/api/v1/activities/{created['id']}", json={"note": "edited"})
    first.close()
    seeded_plus_one = count(path, "activities")

    second = Sandbox(db_path=str(path))
    try:
        async with client_for(second) as http:
            kept = (await http.get(f"/api/v1/activities/{created['id']}")).json()["data"]
        assert (kept["subject"], kept["note"]) == ("Survives", "edited")
        assert count(path, "activities") == seeded_plus_one
        assert count(path, "companies") == 2
    finally:
        second.close()


def test_file_uses_wal_and_the_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.sqlite3"
    Sandbox(db_path=str(path)).close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_foreign_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="schema version"):
        Sandbox(db_path=str(path))


async def test_two_sandboxes_share_one_file(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite3")
    writer, reader = Sandbox(db_path=path), Sandbox(db_path=path)
    try:
        async with client_for(writer) as write, client_for(reader) as read:
            created = (await write.post("/api/v1/activities", json={"subject": "Shared"})).json()["data"]
            seen = await read.get(f"/api/v1/activities/{created['id']}")
        assert seen.json()["data"]["subject"] == "Shared"
        assert count(Path(path), "companies") == 2
    finally:
        writer.close()
        reader.close()


async def test_memory_sandboxes_are_independent() -> None:
    first, second = Sandbox(":memory:"), Sandbox(":memory:")
    try:
        async with httpx.AsyncClient(
            transport=first.transport(), base_url="http://a", headers={"x-api-token": DEMO_TOKEN}
        ) as http:
            created = (await http.post("/api/v1/activities", json={})).json()["data"]
        async with client_for(second) as http:
            assert (await http.get(f"/api/v1/activities/{created['id']}")).status_code == 404
    finally:
        first.close()
        second.close()
