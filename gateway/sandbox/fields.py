"""Which fields each v1 activity shape carries, in the order Pipedrive documents them.

Source: pipedrive/REFERENCE.md §3.1 and §3.2 (mirrored by activity-fields.json): the full object of
list/get/add/update has 61 fields; the `/v1/activities/collection` item has the 36 flagged
`in_collection`. Also which of them the store keeps, plus the stored fields only v2 shows.
"""

V1_ACTIVITY_FIELDS: tuple[str, ...] = (
    "id",
    "company_id",
    "user_id",
    "done",
    "type",
    "reference_type",
    "reference_id",
    "conference_meeting_client",
    "conference_meeting_url",
    "conference_meeting_id",
    "due_date",
    "due_time",
    "duration",
    "busy_flag",
    "add_time",
    "marked_as_done_time",
    "last_notification_time",
    "last_notification_user_id",
    "notification_language_id",
    "subject",
    "public_description",
    "calendar_sync_include_context",
    "location",
    "org_id",
    "person_id",
    "deal_id",
    "lead_id",
    "project_id",
    "active_flag",
    "update_time",
    "update_user_id",
    "gcal_event_id",
    "google_calendar_id",
    "google_calendar_etag",
    "source_timezone",
    "rec_rule",
    "rec_rule_extension",
    "rec_master_activity_id",
    "series",
    "note",
    "created_by_user_id",
    "location_subpremise",
    "location_street_number",
    "location_route",
    "location_sublocality",
    "location_locality",
    "location_admin_area_level_1",
    "location_admin_area_level_2",
    "location_country",
    "location_postal_code",
    "location_formatted_address",
    "attendees",
    "participants",
    "org_name",
    "person_name",
    "deal_title",
    "owner_name",
    "person_dropbox_bcc",
    "deal_dropbox_bcc",
    "assigned_to_user_id",
    "file",
)

_NOT_IN_COLLECTION = frozenset(
    {
        "reference_type",
        "reference_id",
        "last_notification_time",
        "last_notification_user_id",
        "notification_language_id",
        "calendar_sync_include_context",
        "gcal_event_id",
        "google_calendar_id",
        "google_calendar_etag",
        "rec_rule",
        "rec_rule_extension",
        "rec_master_activity_id",
        "series",
        "note",
        "created_by_user_id",
        "attendees",
        "participants",
        "org_name",
        "person_name",
        "deal_title",
        "owner_name",
        "person_dropbox_bcc",
        "deal_dropbox_bcc",
        "assigned_to_user_id",
        "file",
    }
)

V1_COLLECTION_FIELDS: tuple[str, ...] = tuple(name for name in V1_ACTIVITY_FIELDS if name not in _NOT_IN_COLLECTION)

LOCATION_PARTS: tuple[str, ...] = (
    "subpremise",
    "street_number",
    "route",
    "sublocality",
    "locality",
    "admin_area_level_1",
    "admin_area_level_2",
    "country",
    "postal_code",
    "formatted_address",
)
"""The parts Pipedrive parses an address or location into: suffixes of the `location_*` fields (v1),
keys of the v2 `location` object, and of the stored organization addresses."""

DERIVED_FIELDS = frozenset(
    {
        "org_name",
        "person_name",
        "deal_title",
        "owner_name",
        "person_dropbox_bcc",
        "deal_dropbox_bcc",
        "assigned_to_user_id",
    }
)
"""Fields computed when an activity is read, never stored."""

V2_ONLY_FIELDS: tuple[str, ...] = ("priority",)
"""Stored activity fields v2 shows and v1 does not (its spec lacks them)."""

STORED_FIELDS: tuple[str, ...] = (
    *(name for name in V1_ACTIVITY_FIELDS if name not in DERIVED_FIELDS),
    *V2_ONLY_FIELDS,
)
"""The columns of the `activities` table, in v1 response order, then the v2-only ones."""

JSON_FIELDS = frozenset({"series", "attendees", "participants", "file"})
"""Stored as JSON text."""
