"""Runs one query through the generated client against a live gateway and prints what came back.

Type-checked with `mypy --strict` next to the generated package: each `assert_type` proves the
generated code carries the schema's types (a `DateTime` is a `datetime`, not `Any`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from typing import assert_type

from activities_client import AddActivityInput, Client, UpcomingActivities


def summarise(result: UpcomingActivities) -> dict[str, object]:
    nodes = result.activities.nodes
    first = nodes[0]
    assert_type(first.add_time, dt.datetime)
    assert_type(first.due_date, dt.date | None)
    assert_type(first.done, bool)
    assert_type(first.pipedrive_id, int)
    assert_type(result.activities.page_info.end_cursor, str | None)
    return {
        "count": len(nodes),
        "subjects": [node.subject for node in nodes],
        "add_time_has_offset": first.add_time.utcoffset() is not None,
        "types": sorted({node.activity_type.key_string for node in nodes if node.activity_type}),
        "has_next_page": result.activities.page_info.has_next_page,
    }


def unused_but_checked() -> AddActivityInput:
    """Inputs are generated too; never sent by this script."""
    return AddActivityInput(subject="Call back", type="call", dueDate=dt.date(2030, 1, 2), dueTime="09:30")


async def main(url: str) -> None:
    client = Client(url=url)
    result = await client.upcoming_activities(first=3, user_id=0)
    print(json.dumps(summarise(result)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
