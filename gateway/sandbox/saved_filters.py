"""Saved filters (`filter_id` on v1 `GET /activities` and v2 `GET /activities`) as store conditions.

A saved filter holds conditions on the owner, the types and the done flag. An id that is not one
of the caller's company's filters is a 400 naming it (UNCONFIRMED upstream).
"""

from gateway.sandbox.errors import bad_request
from gateway.sandbox.store import ActivityFilter, Store


def saved_filter(store: Store, company_id: int, filter_id: int) -> ActivityFilter:
    """The conditions of saved filter `filter_id`; 400 when the company has no such filter."""
    saved = store.entities.saved_filter(company_id, filter_id)
    if saved is None:
        raise bad_request(f"Filter {filter_id} not found")
    conditions = saved["conditions"]
    return ActivityFilter(
        user_id=conditions.get("user_id"),
        types=tuple(conditions.get("types", ())),
        done=conditions.get("done"),
    )
