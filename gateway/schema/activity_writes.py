"""The four activity writes, step by step: read the ids, check the input, send, read the answer.

What each step owns:
- Refused input (see `activity_input`) and ids that are not activity ids become `userErrors`, and
  nothing is sent upstream (the activity-type check may read `GET /v1/activityTypes`, never write).
- An upstream 400/422 (`UpstreamRejected`) becomes an INVALID user error on `["input"]` (the
  upstream does not say which field), a 404 (`UpstreamNotFound`) a NOT_FOUND one on the id. Every
  other upstream failure propagates to `gateway.errors` (top-level UPSTREAM_ERROR and friends);
  the transport never repeats a POST/PUT the upstream may have acted on.
- After a write the request's loaders forget what they held for the id and keep the upstream's
  answer instead, so later fields of the same operation never see the activity as it was.
- Bulk delete: ids are de-duplicated and sent in chunks of the upstream's cap (100), one after the
  other; an id the upstream did not report deleted gets a NOT_FOUND user error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gateway.context import Context
from gateway.errors import BadUserInput, upstream_text
from gateway.upstream.activities import ActivityWrite
from gateway.upstream.client import MAX_IDS_PER_BULK_DELETE
from gateway.upstream.errors import UpstreamNotFound, UpstreamRejected

from .activity_input import activity_body, check_fields, needs_active_types
from .ids import decode_id, encode_id
from .inputs import AddActivityInput, DeleteActivitiesInput, DeleteActivityInput, UpdateActivityInput
from .payloads import AddActivityPayload, DeleteActivitiesPayload, DeleteActivityPayload, UpdateActivityPayload
from .user_errors import UserError, invalid, not_found

Path = tuple[str | int, ...]


async def add_activity(context: Context, input: AddActivityInput) -> AddActivityPayload:
    fields = input.provided()
    errors = await _check(context, fields)
    if errors:
        return AddActivityPayload(user_errors=errors)
    try:
        written = await context.client.add_activity(activity_body(fields))
    except (UpstreamRejected, UpstreamNotFound) as refusal:
        return AddActivityPayload(user_errors=[_refusal(refusal)])
    _keep(context, written)
    return AddActivityPayload(
        activity=written.activity,
        more_activities_scheduled_in_context=written.more_activities_scheduled_in_context,
    )


async def update_activity(context: Context, input: UpdateActivityInput) -> UpdateActivityPayload:
    fields = input.provided()
    activity_id, errors = _decode(input.id, ("id",))
    errors += await _check(context, fields)
    if activity_id is None or errors:
        return UpdateActivityPayload(user_errors=errors)
    try:
        written = await context.client.update_activity(activity_id, activity_body(fields))
    except (UpstreamRejected, UpstreamNotFound) as refusal:
        return UpdateActivityPayload(user_errors=[_refusal(refusal, activity_id)])
    finally:
        context.loaders.activities.forget(activity_id)  # also after a failure: the upstream may have acted
    _keep(context, written)
    return UpdateActivityPayload(
        activity=written.activity,
        more_activities_scheduled_in_context=written.more_activities_scheduled_in_context,
    )


async def delete_activity(context: Context, input: DeleteActivityInput) -> DeleteActivityPayload:
    activity_id, errors = _decode(input.id, ("id",))
    if activity_id is None:
        return DeleteActivityPayload(user_errors=errors)
    calls_before = context.ledger.calls
    try:
        deleted = await context.client.delete_activity(activity_id)
    except (UpstreamRejected, UpstreamNotFound) as refusal:
        if not await _deleted_by_an_earlier_attempt(context, activity_id, calls_before):
            return DeleteActivityPayload(user_errors=[_refusal(refusal, activity_id)])
        deleted = activity_id
    finally:
        context.loaders.activities.forget(activity_id)
    return DeleteActivityPayload(deleted_activity_id=encode_id("Activity", deleted))


async def delete_activities(context: Context, input: DeleteActivitiesInput) -> DeleteActivitiesPayload:
    first_index, errors = _decode_all(input.ids)
    cap = context.settings.limits.max_ids_per_request
    if len(first_index) > cap:
        errors.append(invalid(("ids",), f"At most {cap} distinct ids per call; got {len(first_index)}."))
    if errors:
        return DeleteActivitiesPayload(user_errors=errors)
    try:
        deleted = await _bulk_delete(context, list(first_index))
    except UpstreamRejected as refusal:
        return DeleteActivitiesPayload(user_errors=[_refusal(refusal)])
    return DeleteActivitiesPayload(
        deleted_activity_ids=[encode_id("Activity", i) for i in first_index if i in deleted],
        user_errors=[_missing(("ids", index), i) for i, index in first_index.items() if i not in deleted],
    )


# --- steps -------------------------------------------------------------------------------------------


async def _check(context: Context, fields: Mapping[str, Any]) -> list[UserError]:
    """The refusals of `fields`; the token's active types are read only when `type` is given."""
    active_types: frozenset[str] = frozenset()
    if needs_active_types(fields):
        types = await context.loaders.activity_types.all()
        active_types = frozenset(t.key_string for t in types if t.active_flag and t.key_string)
    return check_fields(fields, active_types=active_types)


def _decode(raw: str, path: Path) -> tuple[int | None, list[UserError]]:
    """The activity number behind `raw`, or the INVALID user error saying why there is none."""
    try:
        return decode_id(raw, "Activity"), []
    except BadUserInput as error:
        return None, [invalid(path, error.message)]


def _decode_all(raws: Sequence[str]) -> tuple[dict[int, int], list[UserError]]:
    """Each distinct activity number with the input index it first appears at, and the refusals."""
    first_index: dict[int, int] = {}
    errors: list[UserError] = []
    for index, raw in enumerate(raws):
        activity_id, refused = _decode(raw, ("ids", index))
        errors += refused
        if activity_id is not None:
            first_index.setdefault(activity_id, index)
    return first_index, errors


async def _bulk_delete(context: Context, ids: list[int]) -> set[int]:
    deleted: set[int] = set()
    try:
        for start in range(0, len(ids), MAX_IDS_PER_BULK_DELETE):
            chunk = ids[start : start + MAX_IDS_PER_BULK_DELETE]
            calls_before = context.ledger.calls
            deleted.update(await context.client.delete_activities(chunk))
            for activity_id in set(chunk) - deleted:
                if await _deleted_by_an_earlier_attempt(context, activity_id, calls_before):
                    deleted.add(activity_id)
    finally:
        # Also after a failure: an earlier chunk may have deleted some of them.
        for activity_id in ids:
            context.loaders.activities.forget(activity_id)
    return deleted


async def _deleted_by_an_earlier_attempt(context: Context, activity_id: int, calls_before: int) -> bool:
    """Whether a DELETE that was retried had in fact deleted `activity_id` on an earlier attempt.

    A DELETE is retried after a 5xx or a lost connection, when the upstream may already have acted;
    the retry then finds nothing to delete. Only in that case (more than one attempt) is the activity
    looked up: a soft-deleted one is still there, with `active_flag` false.
    """
    if context.ledger.calls - calls_before <= 1:
        return False
    found = await context.client.get_activity(activity_id)
    return found is not None and found[0].active_flag is False


def _keep(context: Context, written: ActivityWrite) -> None:
    """The upstream's answer replaces whatever the request's loaders held for the activity."""
    context.loaders.activities.forget(written.activity.id)
    context.loaders.remember_page([written.activity], written.related)


def _refusal(error: UpstreamRejected | UpstreamNotFound, activity_id: int | None = None) -> UserError:
    """A 404 is about the activity of `input.id` when there is one; a 400/422 about the input as a whole."""
    if isinstance(error, UpstreamNotFound) and activity_id is not None:
        return _missing(("id",), activity_id)
    if isinstance(error, UpstreamNotFound):
        return not_found((), f"The upstream could not find it: {upstream_text(error)}")
    return invalid((), f"The upstream refused the input: {upstream_text(error)}")


def _missing(path: Path, activity_id: int) -> UserError:
    return not_found(path, f"Activity {activity_id} does not exist (or is already deleted).")
