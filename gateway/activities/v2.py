"""The activity operations over Pipedrive's API v2 (`/api/v2/activities`), with what v2 lacks made up
for by the gateway, at a bounded cost (README, "Upstream API versions"):

- `userId` omitted is the token's own user (`GET /v1/users/me`, cached per token); `types`, `startDate`
  and `endDate` have no v2 filter, so pages are filtered here (`scan.Scan`), sorted by due date when
  dates filter them so the scan stops at the end of the range, at most `max_pages` upstream pages per
  GraphQL page; `filterId` makes v2 ignore `owner_id`, so the owner is then checked here too.
- `activities` pages backwards by scanning in the other direction; a cursor from one direction used
  in the other is found by scanning from that end.
- `activitiesCollection`: `since`/`until` are v2's `updated_since`/`updated_until` (until made
  inclusive, as v1's); a token whose user is not a global admin is refused, as v1 refuses it.
- Writes: `person_id` is read-only in v2, so the person becomes the primary participant (an update
  that changes only the person reads the activity first, to keep its other participants);
  `deleteActivities` sends one `DELETE` per id, a few at a time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence

from gateway.errors import FORBIDDEN_MESSAGE, BadUserInput, Forbidden
from gateway.upstream import ActivityListQuery, CollectionQuery, PipedriveClient, UpstreamError
from gateway.upstream.activities import ActivityAnswer, ActivityRecord, CursorPage, Participant
from gateway.upstream.entities import Me
from gateway.upstream.errors import UpstreamNotFound
from gateway.upstream.writes import ActivityChanges, v2_body

from . import cursors
from .cursors import Connection, Direction, OffsetCursor, ScanCursor, Sort, V1CollectionCursor
from .deletion import Deletion
from .pages import Page, empty_page
from .scan import START, Fetch, Order, Outcome, Position, Scan
from .window import Window

DELETE_CONCURRENCY = 5
"""At most this many v2 DELETEs of one `deleteActivities` in flight at once."""
START_AGAIN = "This cursor belongs to another order of the list (other filters): start paging again without it."
UNKNOWN_POSITION = "This cursor no longer says where it stood in the list: start paging again without it."


class V2Activities:
    version = "v2"

    def __init__(
        self, client: Callable[[], PipedriveClient], me: Callable[[], Awaitable[Me]], *, max_pages: int
    ) -> None:
        self._client = client
        self._me = me
        self._max_pages = max_pages

    # --- reads ---------------------------------------------------------------------------------------

    async def list_page(self, query: ActivityListQuery, window: Window) -> Page:
        sort: Sort = "due_date" if query.start_date or query.end_date else "id"
        direction: Direction = "desc" if window.backward else "asc"
        cursor = window.before if window.backward else window.after
        start = _position("activities", cursor, sort, direction)  # a refused cursor costs no upstream call
        if window.size == 0:
            return empty_page(has_next=window.before is not None, has_previous=window.after is not None)
        owner = await self._owner(query)
        scan = Scan(
            fetch=self._fetch(_list_params(query, owner), sort, direction),
            order=Order(sort, direction),
            keep=_list_filter(query, owner),
            stop=_past_range(query, direction),
            max_pages=self._max_pages,
            filtered=bool(query.types or query.start_date or query.end_date or (query.filter_id and owner)),
        )
        return _page("activities", scan, await scan.run(start, window.size), window)

    async def collection_page(self, query: CollectionQuery, window: Window) -> Page:
        start = _position("collection", window.after, "id", "asc")  # a refused cursor costs no upstream call
        if not (await self._me()).is_admin:
            raise Forbidden(FORBIDDEN_MESSAGE)
        if window.size == 0:
            return empty_page(has_next=False, has_previous=window.after is not None)
        types = frozenset(query.types or ())
        scan = Scan(
            fetch=self._fetch(_collection_params(query), "id", "asc"),
            order=Order("id", "asc"),
            keep=(lambda record: record.type in types) if types else _always,
            stop=_never,
            max_pages=self._max_pages,
            filtered=bool(types),
        )
        return _page("collection", scan, await scan.run(start, window.size), window)

    async def get(self, activity_id: int) -> ActivityAnswer | None:
        record = await self._client().get_activity_v2(activity_id)
        return ActivityAnswer(record) if record is not None else None

    async def detail(self, activity_id: int) -> ActivityRecord | None:
        """No source carries more than the v2 object itself: fields v2 dropped stay null."""
        return None

    # --- writes --------------------------------------------------------------------------------------

    async def add(self, changes: ActivityChanges) -> ActivityAnswer:
        return await self._client().add_activity_v2(v2_body(changes))

    async def update(self, activity_id: int, changes: ActivityChanges) -> ActivityAnswer:
        current: tuple[Participant, ...] = ()
        if changes.get("person_id") is not None and "participants" not in changes:
            found = await self._client().get_activity_v2(activity_id)
            if found is None:
                raise UpstreamNotFound(f"activity {activity_id} not found", endpoint="/v2/activities/{id}")
            current = tuple(found.participants or ())
        return await self._client().update_activity_v2(activity_id, v2_body(changes, current_participants=current))

    async def delete(self, activity_id: int) -> bool:
        try:
            await self._client().delete_activity_v2(activity_id)
        except UpstreamNotFound as error:
            # v2 answers 404 for a deleted activity as for an unknown one, and no v2 read shows deleted
            # activities: after an attempt that may have acted, the 404 is taken as that attempt's success.
            return error.earlier_attempt_may_have_acted
        return True

    async def delete_many(self, ids: Sequence[int]) -> Deletion:
        """One v2 `DELETE` per id, at most `DELETE_CONCURRENCY` in flight; each id's outcome is known."""
        result = Deletion()
        turns = asyncio.Semaphore(DELETE_CONCURRENCY)

        async def delete_one(activity_id: int) -> None:
            async with turns:
                try:
                    if await self.delete(activity_id):
                        result.deleted.add(activity_id)
                except UpstreamError as error:
                    result.fail([activity_id], error)

        await asyncio.gather(*(delete_one(activity_id) for activity_id in ids))
        return result

    # --- steps ---------------------------------------------------------------------------------------

    async def _owner(self, query: ActivityListQuery) -> int:
        """Whose activities (0: everyone's). As on v1, `userId` omitted is the token's own user, unless a
        saved filter is given: the filter alone decides then."""
        if query.user_id is not None:
            return query.user_id
        return 0 if query.filter_id is not None else (await self._me()).user_id

    def _fetch(self, params: Mapping[str, str], sort: Sort, direction: Direction) -> Fetch:
        async def fetch(cursor: str | None, limit: int) -> CursorPage:
            page_params = {**params, "sort_by": sort, "sort_direction": direction, "limit": str(limit)}
            if cursor is not None:
                page_params["cursor"] = cursor
            return await self._client().list_activities_v2(page_params)

        return fetch


def _always(record: ActivityRecord) -> bool:
    return True


def _never(record: ActivityRecord) -> bool:
    return False


def _position(connection: Connection, text: str | None, sort: Sort, direction: Direction) -> Position:
    """Where a scan in `direction` starts for a cursor: resume where a cursor of the same direction
    points; find the cursor's item from this end when it came from the other direction or from v1."""
    if text is None:
        return START
    cursor = cursors.decode(connection, text)
    if isinstance(cursor, ScanCursor):
        if cursor.sort != sort:
            raise BadUserInput(START_AGAIN)
        if cursor.direction == direction:
            return Position(cursor.upstream, cursor.anchor)
        if cursor.anchor is None:
            return START
        return Position(None, cursor.anchor)
    if sort != "id":  # v1 listed by id: its position means nothing in a list by due date
        raise BadUserInput(START_AGAIN)
    anchor = cursor.anchor if isinstance(cursor, (OffsetCursor, V1CollectionCursor)) else None
    if anchor is None:
        raise BadUserInput(UNKNOWN_POSITION)
    return Position(None, anchor)


def _page(connection: Connection, scan: Scan, outcome: Outcome, window: Window) -> Page:
    order = scan.order

    def encode(position: Position) -> str:
        return cursors.encode(connection, ScanCursor(order.sort, order.direction, position.upstream, position.anchor))

    found = outcome.found if not window.backward else outcome.found[::-1]
    records = [each.record for each in found]

    def cursor(index: int) -> str:
        return encode(found[index].after)

    resume = encode(outcome.resume) if outcome.capped else None
    if not window.backward:
        return Page(records, cursor, has_next=outcome.more, has_previous=window.after is not None, end_cursor=resume)
    return Page(records, cursor, has_next=window.before is not None, has_previous=outcome.more, start_cursor=resume)


def _list_params(query: ActivityListQuery, owner: int) -> dict[str, str]:
    params = {"include_fields": "attendees"}
    if query.filter_id is not None:
        params["filter_id"] = str(query.filter_id)  # v2 then ignores owner_id: `_list_filter` checks it
    elif owner:
        params["owner_id"] = str(owner)
    if query.done is not None:
        params["done"] = "true" if query.done else "false"
    return params


def _list_filter(query: ActivityListQuery, owner: int) -> Callable[[ActivityRecord], bool]:
    types = frozenset(query.types or ())
    start, end = query.start_date, query.end_date
    check_owner = query.filter_id is not None and owner != 0

    def keep(record: ActivityRecord) -> bool:
        if types and record.type not in types:
            return False
        if (start or end) and not _within(record.due_date, start, end):
            return False
        if check_owner and record.user_id != owner:
            return False
        return query.done is None or record.done == query.done

    return keep


def _within(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


def _past_range(query: ActivityListQuery, direction: Direction) -> Callable[[ActivityRecord], bool]:
    """In due-date order, an item past the range's far end means no later item can match."""
    end, start = query.end_date, query.start_date

    def stop(record: ActivityRecord) -> bool:
        if record.due_date is None:
            return False
        if direction == "asc":
            return end is not None and record.due_date > end
        return start is not None and record.due_date < start

    return stop


def _collection_params(query: CollectionQuery) -> dict[str, str]:
    params = {"include_fields": "attendees"}
    if query.since is not None:
        params["updated_since"] = _rfc3339(query.since)
    if query.until is not None:  # v1's `until` includes the second it names; v2's excludes it
        params["updated_until"] = _rfc3339(query.until + dt.timedelta(seconds=1))
    if query.user_id is not None:
        params["owner_id"] = str(query.user_id)
    if query.done is not None:
        params["done"] = "true" if query.done else "false"
    return params


def _rfc3339(value: dt.datetime) -> str:
    """To the second, in UTC (v1 compares whole seconds too)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
