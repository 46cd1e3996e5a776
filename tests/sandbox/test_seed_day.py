"""Demo data anchored to its seed day: same rows for every day with dates moved by the difference,
the day stored in the database, chosen by argument, environment or today (UTC)."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from gateway.sandbox import SEED_DAY_ENV, SEED_TEST_DAY, Sandbox
from gateway.sandbox.fields import JSON_FIELDS
from gateway.sandbox.seed_day import default_seed_day
from gateway.sandbox.store import database as database_module

OTHER_DAY = date(2026, 3, 17)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
STAMP = "%Y-%m-%d %H:%M:%S"


def tables(sandbox: Sandbox) -> list[str]:
    rows = sandbox.store.database.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [row["name"] for row in rows if row["name"] != "sandbox_meta"]


def table_rows(sandbox: Sandbox, table: str) -> list[dict[str, Any]]:
    return sandbox.store.database.rows(f"SELECT * FROM {table} ORDER BY rowid")


class MovedDates:
    """Compares two values that must be equal but for dates moved by `days`; counts the dates seen."""

    def __init__(self, days: int) -> None:
        self.days = days
        self.dates = 0

    def check(self, first: Any, second: Any, where: str) -> None:
        if isinstance(first, str) and DATE_RE.match(first):
            self.dates += 1
            assert date.fromisoformat(second) - date.fromisoformat(first) == timedelta(days=self.days), where
        elif isinstance(first, str) and TIMESTAMP_RE.match(first):
            self.dates += 1
            moved = datetime.strptime(second, STAMP) - datetime.strptime(first, STAMP)
            assert moved == timedelta(days=self.days), where
        elif isinstance(first, list) and isinstance(second, list):
            assert len(first) == len(second), where
            for one, other in zip(first, second, strict=True):
                self.check(one, other, where)
        elif isinstance(first, dict) and isinstance(second, dict):
            assert first.keys() == second.keys(), where
            for key in first:
                self.check(first[key], second[key], f"{where}.{key}")
        else:
            assert first == second, where


def test_another_day_has_the_same_rows_with_dates_moved_by_the_difference() -> None:
    reference, later = Sandbox(":memory:", seed_day=SEED_TEST_DAY), Sandbox(":memory:", seed_day=OTHER_DAY)
    try:
        compare = MovedDates((OTHER_DAY - SEED_TEST_DAY).days)
        assert tables(reference) == tables(later)
        for table in tables(reference):
            first, second = table_rows(reference, table), table_rows(later, table)
            assert len(first) == len(second), table
            for row, other in zip(first, second, strict=True):
                assert row.keys() == other.keys()
                for column in row:
                    one, two = row[column], other[column]
                    if column in JSON_FIELDS and one is not None:
                        one, two = json.loads(one), json.loads(two)
                    compare.check(one, two, f"{table}[{row.get('id')}].{column}")
        assert compare.dates > 2_500
        assert (reference.seed_day, later.seed_day) == (SEED_TEST_DAY, OTHER_DAY)
    finally:
        reference.close()
        later.close()


def test_the_seed_day_is_the_datas_today() -> None:
    box = Sandbox(":memory:", seed_day=OTHER_DAY)
    try:
        database = box.store.database
        day = OTHER_DAY.isoformat()
        this_week = (OTHER_DAY - timedelta(days=3)).isoformat(), (OTHER_DAY + timedelta(days=3)).isoformat()
        assert database.scalar("SELECT MAX(update_time) FROM activities") == f"{day} 09:00:00"
        assert database.scalar("SELECT MAX(add_time) FROM activities") < f"{day} 09:00:00"
        assert database.scalar("SELECT COUNT(*) FROM activities WHERE due_date BETWEEN ? AND ?", this_week) > 10
        assert database.scalar("SELECT COUNT(*) FROM activities WHERE due_date > ?", [day]) > 50
        assert database.scalar("SELECT last_login FROM users WHERE id = 1") == f"{day} 07:45:00"
    finally:
        box.close()


def test_a_file_keeps_its_day_across_restarts(tmp_path: Path) -> None:
    path = str(tmp_path / "kept.sqlite3")
    first = Sandbox(path, seed_day=OTHER_DAY)
    stamps = first.store.database.rows("SELECT id, add_time, due_date FROM activities ORDER BY id")
    first.close()
    for reopened in (Sandbox(path, seed_day=SEED_TEST_DAY), Sandbox(path)):
        try:
            assert reopened.seed_day == OTHER_DAY
            assert reopened.store.database.rows("SELECT id, add_time, due_date FROM activities ORDER BY id") == stamps
        finally:
            reopened.close()


def test_the_day_comes_from_the_environment_or_today(monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_seed_day({SEED_DAY_ENV: "2024-02-29"}) == date(2024, 2, 29)
    assert default_seed_day({SEED_DAY_ENV: " "}) == default_seed_day({}) == datetime.now(UTC).date()
    for malformed in ("2024-02-30", "20240229", "yesterday"):
        with pytest.raises(ValueError, match=SEED_DAY_ENV):
            default_seed_day({SEED_DAY_ENV: malformed})
    monkeypatch.setenv(SEED_DAY_ENV, OTHER_DAY.isoformat())
    from_environment = Sandbox(":memory:")
    explicit = Sandbox(":memory:", seed_day=SEED_TEST_DAY)
    try:
        assert (from_environment.seed_day, explicit.seed_day) == (OTHER_DAY, SEED_TEST_DAY)
    finally:
        from_environment.close()
        explicit.close()


def test_memory_templates_are_kept_per_day() -> None:
    templates = database_module._memory_templates
    day = date(2030, 1, 1)
    before = len(templates)
    boxes = [Sandbox(":memory:", seed_day=day), Sandbox(":memory:", seed_day=day)]
    after_one_day = len(templates)
    boxes.append(Sandbox(":memory:", seed_day=day + timedelta(days=1)))
    try:
        assert (after_one_day - before, len(templates) - after_one_day) == (1, 1)
        assert [box.seed_day for box in boxes] == [day, day, day + timedelta(days=1)]
    finally:
        for box in boxes:
            box.close()
