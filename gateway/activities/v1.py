"""The activity operations over Pipedrive's v1 activity endpoints (out of support since 2026-08-01).

`activities` pages `GET /v1/activities` by offset: an edge's cursor is its offset, so any edge's
cursor works as `after` or `before`. `activitiesCollection` pages `GET /v1/activities/collection`
forward by the upstream's opaque cursor, which marks the first item of a page: an edge's cursor is
(the cursor its page was fetched with, how many of that page to skip), so a mid-page cursor resumes
right after its edge and `endCursor` (the upstream's next cursor, nothing to skip) costs exactly one
call a page. Both carry the item's id too (`gateway.activities.cursors`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gateway.errors import BadUserInput
from gateway.upstream import ActivityListQuery, CollectionQuery, PipedriveClient
from gateway.upstream.activities import ActivityAnswer, ActivityRecord, OffsetPage
from gateway.upstream.client import MAX_IDS_PER_BULK_DELETE, MAX_LIST_LIMIT
from gateway.upstream.errors import UpstreamError, UpstreamNotFound
from gateway.upstream.writes import ActivityChanges, v1_body

from . import cursors
from .cursors import Anchor, OffsetCursor, V1CollectionCursor
from .deletion import Deletion, soft_deleted
from .pages import Page, empty_page
from .window import Window

START_AGAIN = (
    "This cursor was made while the gateway used Pipedrive's API v2 and cannot page the v1 list: "
    "start paging again without it."
)


class V1Activities:
    version = "v1"

    def __init__(self, client: Callable[[], PipedriveClient]) -> None:
        self._client = client

    # --- reads ---------------------------------------------------------------------------------------

    async def list_page(self, query: ActivityListQuery, window: Window) -> Page:
        if window.backward:
            if window.before is None:
                return await self._tail(query, window.size)
            end = self._offset(window.before)
            start = max(0, end - window.size)
            page = await self._fetch(query, start, end - start)
            return _offset_page(page, start, has_next=True)
        start = self._offset(window.after) + 1 if window.after is not None else 0
        page = await self._fetch(query, start, window.size)
        return _offset_page(page, start, has_next=page.more_items)

    async def collection_page(self, query: CollectionQuery, window: Window) -> Page:
        position = _collection_position(window.after)
        if window.size == 0:
            return empty_page(has_next=False, has_previous=window.after is not None)
        limit = min(MAX_LIST_LIMIT, position.skip + window.size)
        page = await self._client().activities_collection(query, cursor=position.upstream, limit=limit)
        records = page.items[position.skip :]
        last = len(page.items) - 1

        def cursor(at: int) -> str:
            index = position.skip + at
            anchor = Anchor(page.items[index].id)
            if index == last and page.next_cursor is not None:
                return cursors.encode("collection", V1CollectionCursor(page.next_cursor, 0, anchor))
            return cursors.encode("collection", V1CollectionCursor(position.upstream, index + 1, anchor))

        return Page(records, cursor, has_next=page.next_cursor is not None, has_previous=window.after is not None)

    async def get(self, activity_id: int) -> ActivityAnswer | None:
        return await self._client().get_activity(activity_id)

    async def detail(self, activity_id: int) -> ActivityRecord | None:
        """The fullest source of one activity: `GET /v1/activities/{id}` carries every v1 field."""
        answer = await self._client().get_activity(activity_id)
        return answer.activity if answer is not None else None

    # --- writes --------------------------------------------------------------------------------------

    async def add(self, changes: ActivityChanges) -> ActivityAnswer:
        return await self._client().add_activity(v1_body(changes))

    async def update(self, activity_id: int, changes: ActivityChanges) -> ActivityAnswer:
        return await self._client().update_activity(activity_id, v1_body(changes))

    async def delete(self, activity_id: int) -> bool:
        try:
            await self._client().delete_activity(activity_id)
        except UpstreamNotFound as error:
            return error.earlier_attempt_may_have_acted and await soft_deleted(activity_id, self.get)
        return True

    async def delete_many(self, ids: Sequence[int]) -> Deletion:
        """`DELETE /v1/activities?ids=` in chunks of the upstream's cap, one after the other."""
        client, result = self._client(), Deletion()
        for start in range(0, len(ids), MAX_IDS_PER_BULK_DELETE):
            chunk = ids[start : start + MAX_IDS_PER_BULK_DELETE]
            calls_before = client.ledger.calls
            try:
                result.deleted.update(await client.delete_activities(chunk))
            except UpstreamError as error:
                result.fail(chunk, error)
                continue
            # The chunks go one after the other, so the calls since are this chunk's attempts: more than
            # one, and an id missing from the answer may have been deleted by an attempt whose answer was lost.
            if client.ledger.calls - calls_before > 1:
                for activity_id in set(chunk) - result.deleted:
                    if await soft_deleted(activity_id, self.get):
                        result.deleted.add(activity_id)
        return result

    # --- steps ---------------------------------------------------------------------------------------

    def _offset(self, text: str) -> int:
        cursor = cursors.decode("activities", text)
        if not isinstance(cursor, OffsetCursor):
            raise BadUserInput(START_AGAIN)
        return cursor.offset

    async def _fetch(self, query: ActivityListQuery, start: int, limit: int) -> OffsetPage:
        if limit == 0:
            return OffsetPage(items=[], start=start, more_items=False)
        return await self._client().list_activities(query, start=start, limit=limit)

    async def _tail(self, query: ActivityListQuery, last: int) -> Page:
        """`last` with no `before`: the upstream cannot count, so walk it in the largest pages it allows."""
        start, tail, related = 0, OffsetPage(items=[], start=0, more_items=True), None
        while tail.more_items:
            page = await self._fetch(query, start, MAX_LIST_LIMIT)
            related = page.related if related is None else related.merged(page.related)
            tail = OffsetPage((tail.items + page.items)[-last:] if last else [], 0, page.more_items, related)
            start += len(page.items)
            if not page.items:
                break
        tail.start = start - len(tail.items)
        return _offset_page(tail, tail.start, has_next=False)


def _offset_page(page: OffsetPage, start: int, *, has_next: bool) -> Page:
    records = page.items

    def cursor(index: int) -> str:
        return cursors.encode("activities", OffsetCursor(start + index, Anchor(records[index].id)))

    return Page(records, cursor, has_next=has_next, has_previous=start > 0, related=page.related)


def _collection_position(after: str | None) -> V1CollectionCursor:
    if after is None:
        return V1CollectionCursor(None, 0, None)
    cursor = cursors.decode("collection", after)
    if not isinstance(cursor, V1CollectionCursor):
        raise BadUserInput(START_AGAIN)
    return cursor
