"""Descriptions of the activity and activity-type fields, as the GraphQL schema serves them.

Keys are the upstream (v1, snake_case) field names the types are built from; the texts describe the
GraphQL values, not the REST payloads: unset dates, times and strings are `null` (never `""`), flags
are `Boolean`, timestamps are `DateTime` (ISO 8601 with a UTC offset), ids are Pipedrive's numeric ids,
and other fields are named in camelCase. They show in GraphiQL's docs and in generated clients.
"""

_LOCATION_PART = "Part of `location` as the upstream geocoded it: {}; null when unknown."

ACTIVITY_FIELD_DESCRIPTIONS: dict[str, str] = {
    "id": "Pipedrive id of the activity, assigned on creation.",
    "company_id": "Pipedrive id of the company account the activity belongs to.",
    "user_id": (
        "Pipedrive id of the user the activity is assigned to (its owner; see `owner`). An activity "
        "added without one is assigned to the token's user."
    ),
    "done": "Whether the activity is marked done.",
    "type": (
        "The activity type's key string (`ActivityType.keyString`, e.g. `call`, `meeting`, `task`); see `activityType`."
    ),
    "reference_type": (
        "Kind of external object the activity was created from (e.g. `Salesphone`, "
        "`scheduler-service`); null when there is none."
    ),
    "reference_id": "Id of that external object in its own system; null when there is none.",
    "conference_meeting_client": (
        "Id of the Marketplace app that provides the attached video meeting; null when there is none."
    ),
    "conference_meeting_url": "Join link of the attached video meeting; null when there is none.",
    "conference_meeting_id": ("The video meeting's id at its provider (Zoom, Teams, ...); null when there is none."),
    "due_date": "Day the activity is due, as a `Date` (`YYYY-MM-DD`); null for an undated activity.",
    "due_time": "Time of day the activity is due, `HH:MM` in UTC; null for an all-day activity.",
    "duration": "How long the activity lasts, `HH:MM`; null when no duration is set.",
    "busy_flag": (
        "Whether the activity marks its owner busy (true) or free (false) in calendars; null when "
        "unset, which calendars treat as busy for a timed activity and free for an all-day one."
    ),
    "add_time": "When the activity was created, a `DateTime` (ISO 8601, UTC offset).",
    "marked_as_done_time": "When the activity was marked done, a `DateTime`; null while it is not done.",
    "last_notification_time": (
        "When participants and attendees were last notified about the activity, a `DateTime`; null if they never were."
    ),
    "last_notification_user_id": "Pipedrive id of the user who sent the last notification; null if none was sent.",
    "notification_language_id": "Id of the language notifications are sent in; null when not set.",
    "subject": 'The activity\'s title as shown in Pipedrive (an activity added without one is titled "Call").',
    "public_description": (
        "Description synced to external calendars and shown to guests (unlike `note`); null when empty."
    ),
    "calendar_sync_include_context": (
        "For a calendar-synced activity, which linked deal, person or organization details go into the "
        "synced event; null when not synced."
    ),
    "location": "Address of the activity, as free text; null when none is set.",
    "org_id": "Pipedrive id of the linked organization (see `organization`); null when none is linked.",
    "person_id": (
        "Pipedrive id of the primary linked person (see `person` and `participants`); null when none is linked."
    ),
    "deal_id": "Pipedrive id of the linked deal (see `deal`); null when none is linked.",
    "lead_id": "Id of the linked lead, a UUID string; null when none is linked.",
    "project_id": "Pipedrive id of the linked project; null when none is linked.",
    "active_flag": ("False once the activity has been deleted (the upstream keeps deleted activities for 30 days)."),
    "update_time": (
        "When the activity was last changed, a `DateTime`; equal to `addTime` for an activity never edited."
    ),
    "update_user_id": "Pipedrive id of the user who last changed the activity; null when unknown.",
    "gcal_event_id": "Legacy Google Calendar sync: the Google event id; null when not synced.",
    "google_calendar_id": "Legacy Google Calendar sync: the Google calendar id; null when not synced.",
    "google_calendar_etag": "Legacy Google Calendar sync: the event's etag; null when not synced.",
    "source_timezone": ("Time zone (IANA name) of the external calendar the event was created in; null otherwise."),
    "rec_rule": (
        "Recurrence rule of a calendar-synced recurring event, RFC 5545 style "
        "(e.g. `RRULE:FREQ=WEEKLY;BYDAY=MO`); null for a one-off activity."
    ),
    "rec_rule_extension": "Further recurrence rules extending `recRule`; null when there are none.",
    "rec_master_activity_id": (
        "For one changed occurrence of a recurring series, the Pipedrive id of the series' master "
        "activity; null otherwise."
    ),
    "series": "Occurrences of a recurring activity; empty for a one-off activity.",
    "note": "Private note, HTML; null when empty.",
    "created_by_user_id": "Pipedrive id of the user who created the activity (see `creator`).",
    "location_subpremise": _LOCATION_PART.format("apartment or suite"),
    "location_street_number": _LOCATION_PART.format("house number"),
    "location_route": _LOCATION_PART.format("street name"),
    "location_sublocality": _LOCATION_PART.format("district"),
    "location_locality": _LOCATION_PART.format("city or town"),
    "location_admin_area_level_1": _LOCATION_PART.format("state or county"),
    "location_admin_area_level_2": _LOCATION_PART.format("region"),
    "location_country": _LOCATION_PART.format("country"),
    "location_postal_code": _LOCATION_PART.format("postal code"),
    "location_formatted_address": _LOCATION_PART.format("the full formatted address"),
    "attendees": "Calendar guests invited to the activity; empty when there are none.",
    "participants": (
        "Persons linked to the activity; the one with `primaryFlag` true is `personId`. Empty when there are none."
    ),
    "org_name": "Name of the linked organization, as the upstream stores it; null when none is linked.",
    "person_name": "Name of the primary linked person; null when none is linked.",
    "deal_title": "Title of the linked deal; null when none is linked.",
    "owner_name": "Name of the owner (`userId`).",
    "person_dropbox_bcc": ("Smart BCC e-mail address that files mail to the linked person; null when none is linked."),
    "deal_dropbox_bcc": "Smart BCC e-mail address that files mail to the linked deal; null when none is linked.",
    "assigned_to_user_id": "Same as `userId`; kept for clients of the older API.",
    "file": "A file attached to the activity (e.g. a voice note from the mobile app); null for most activities.",
}

ACTIVITY_TYPE_FIELD_DESCRIPTIONS: dict[str, str] = {
    "id": "Pipedrive id of the activity type.",
    "order_nr": "Position of the type in pickers, lowest first; null when unset.",
    "name": 'Display name, e.g. "Call" or "Video call".',
    "key_string": (
        "Key derived from the name when the type was created (e.g. `video_call`); it never changes, "
        "and `Activity.type` holds it."
    ),
    "icon_key": "Name of the icon Pipedrive shows for the type (e.g. `call`, `meeting`, `camera`).",
    "active_flag": "False once the type has been deleted; activities of a deleted type keep it.",
    "color": "Colour as six hex digits without `#` (e.g. `FFFFFF`); null when the type has none.",
    "is_custom_flag": "True for a type a user created, false for a built-in one.",
    "add_time": (
        "When the type was created, a `DateTime` (ISO 8601, UTC offset); null for built-in types that carry none."
    ),
    "update_time": "When the type was last changed, a `DateTime`; null when never changed.",
}

V2_NULL = " Always null when the gateway uses Pipedrive's API v2, which does not carry it."
V2_EMPTY = " Always empty when the gateway uses Pipedrive's API v2, which does not carry it."
NOT_IN_V2 = (
    "reference_type reference_id last_notification_time last_notification_user_id notification_language_id "
    "calendar_sync_include_context update_user_id gcal_event_id google_calendar_id google_calendar_etag "
    "source_timezone rec_rule rec_rule_extension rec_master_activity_id series person_dropbox_bcc "
    "deal_dropbox_bcc file location_formatted_address"
).split()
"""The activity fields API v2 dropped (REFERENCE §5.3) and no other source fills; the company and the
denormalised names are filled from the token's user and the linked objects instead."""

for _name in NOT_IN_V2:
    ACTIVITY_FIELD_DESCRIPTIONS[_name] += V2_EMPTY if _name == "series" else V2_NULL
