"""The four activity writes, step by step: read the ids, check the input, send, read the answer.

What each step owns:
- Refused input (see `activity_input`) and ids that are not activity ids become `userErrors`, and
  nothing is sent upstream (the activity-type check may read `GET /v1/activityTypes`, never write).
- An upstream 400/422 (`UpstreamRejected`) becomes an INVALID user error on the input field the
  upstream's message names (`refused_field`), else on `["input"]`; a 404 (`UpstreamNotFound`) a
  NOT_FOUND one on the id. Every other upstream failure propagates to `gateway.errors` (top-level
  UPSTREAM_ERROR and friends); the transport never repeats a POST/PUT/PATCH the upstream may have
  acted on.
- After a write the request's loaders forget what they held for the id and keep the upstream's
  answer instead, so later fields of the same operation never see the activity as it was.
- Bulk delete: ids are de-duplicated and handed to the activity operations (v1: chunks of 100; v2:
  one DELETE per id); an id not deleted gets a NOT_FOUND user error, an id whose delete failed
  upstream an UPSTREAM_ERROR one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from strawberry.utils.str_converters import to_camel_case

from gateway.context import Context
from gateway.errors import BadUserInput, code_for_upstream, upstream_text
from gateway.upstream.activities import ActivityAnswer
from gateway.upstream.errors import UpstreamNotFound, UpstreamRejected

from .activity_input import activity_changes, check_fields, needs_active_types
from .ids import decode_id, encode_id
from .inputs import AddActivityInput, DeleteActivitiesInput, DeleteActivityInput, UpdateActivityInput
from .payloads import AddActivityPayload, DeleteActivitiesPayload, DeleteActivityPayload, UpdateActivityPayload
from .user_errors import UserError, invalid, not_found, upstream_failed

Path = tuple[str | int, ...]


async def add_activity(context: Context, input: AddActivityInput) -> AddActivityPayload:
    fields = input.provided()
    errors = await _check(context, fields)
    if errors:
        return AddActivityPayload(user_errors=errors)
    try:
        written = await context.activities.add(activity_changes(fields))
    except (UpstreamRejected, UpstreamNotFound) as refusal:
        return AddActivityPayload(user_errors=[_refusal(refusal, fields)])
    _keep(context, written)
    return AddActivityPayload(
        activity=written.activity, more_activities_scheduled_in_context=written.more_activities_scheduled_in_context
    )


async def update_activity(context: Context, input: UpdateActivityInput) -> UpdateActivityPayload:
    fields = input.provided()
    activity_id, errors = _decode(input.id, ("id",))
    errors += await _check(context, fields)
    if activity_id is None or errors:
        return UpdateActivityPayload(user_errors=errors)
    try:
        written = await context.activities.update(activity_id, activity_changes(fields))
    except (UpstreamRejected, UpstreamNotFound) as refusal:
        return UpdateActivityPayload(user_errors=[_refusal(refusal, fields, activity_id)])
    finally:
        context.loaders.activities.forget(activity_id)  # also after a failure: the upstream may have acted
    _keep(context, written)
    return UpdateActivityPayload(
        activity=written.activity, more_activities_scheduled_in_context=written.more_activities_scheduled_in_context
    )


async def delete_activity(context: Context, input: DeleteActivityInput) -> DeleteActivityPayload:
    activity_id, errors = _decode(input.id, ("id",))
    if activity_id is None:
        return DeleteActivityPayload(user_errors=errors)
    try:
        deleted = await context.activities.delete(activity_id)
    except UpstreamRejected as refusal:
        return DeleteActivityPayload(user_errors=[_refusal(refusal, {}, activity_id)])
    finally:
        context.loaders.activities.forget(activity_id)
    if not deleted:
        return DeleteActivityPayload(user_errors=[_missing(("id",), activity_id)])
    return DeleteActivityPayload(deleted_activity_id=encode_id("Activity", activity_id))


async def delete_activities(context: Context, input: DeleteActivitiesInput) -> DeleteActivitiesPayload:
    first_index, errors = _decode_all(input.ids)
    cap = context.settings.limits.max_ids_per_request
    if len(first_index) > cap:
        errors.append(invalid(("ids",), f"At most {cap} distinct ids per call; got {len(first_index)}."))
    if errors:
        return DeleteActivitiesPayload(user_errors=errors)
    try:
        outcome = await context.activities.delete_many(list(first_index))
    finally:
        for activity_id in first_index:  # also after a failure: some may have been deleted
            context.loaders.activities.forget(activity_id)
    user_errors: list[UserError] = []
    for activity_id, index in first_index.items():
        failure = outcome.failed.get(activity_id)
        if failure is not None:
            user_errors.append(upstream_failed(("ids", index), code_for_upstream(failure)[1]))
        elif activity_id not in outcome.deleted:
            user_errors.append(_missing(("ids", index), activity_id))
    return DeleteActivitiesPayload(
        deleted_activity_ids=[encode_id("Activity", i) for i in first_index if i in outcome.deleted],
        user_errors=user_errors,
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


def _keep(context: Context, written: ActivityAnswer) -> None:
    """The upstream's answer replaces whatever the request's loaders held for the activity."""
    context.loaders.activities.forget(written.activity.id)
    context.loaders.remember_page([written.activity], written.related)


def _refusal(
    error: UpstreamRejected | UpstreamNotFound, fields: Mapping[str, Any], activity_id: int | None = None
) -> UserError:
    """A 404 is about the activity of `input.id` when there is one; a 400/422 about the field the
    upstream's message names, else about the input as a whole."""
    if isinstance(error, UpstreamNotFound) and activity_id is not None:
        return _missing(("id",), activity_id)
    if isinstance(error, UpstreamNotFound):
        return not_found((), f"The upstream could not find it: {upstream_text(error)}")
    return invalid(
        refused_field(upstream_text(error), fields), f"The upstream refused the input: {upstream_text(error)}"
    )


def _missing(path: Path, activity_id: int) -> UserError:
    return not_found(path, f"Activity {activity_id} does not exist (or is already deleted).")


_ENTITY_REFERENCE = re.compile(r"\b(person|organization|deal|user|project)\s+(\d{1,10})\b", re.IGNORECASE)
_REFERENCE_FIELDS = {
    "person": "person_id",
    "organization": "org_id",
    "deal": "deal_id",
    "user": "user_id",
    "project": "project_id",
}


def refused_field(message: str, fields: Mapping[str, Any]) -> Path:
    """The input path an upstream refusal is about: the sent field whose name the message spells
    (`due_time`, `lead_id`, ...), or the one holding the object it names ("Person 999 not found": a
    `personId`, or the participant or attendee with that person); `()` when it names none."""
    reference = _ENTITY_REFERENCE.search(message)
    if reference is not None:
        found = _holding(fields, _REFERENCE_FIELDS[reference.group(1).lower()], int(reference.group(2)))
        if found is not None:
            return found
    named = [name for name in fields if re.search(rf"\b{name}\b", message)]
    return (to_camel_case(max(named, key=len)),) if named else ()


def _holding(fields: Mapping[str, Any], field: str, value: int) -> Path | None:
    if fields.get(field) == value:
        return (to_camel_case(field),)
    if field == "person_id":
        for list_name in ("participants", "attendees"):
            for index, item in enumerate(fields.get(list_name) or ()):
                if getattr(item, "person_id", None) == value:
                    return (list_name, index, "personId")
    return None
