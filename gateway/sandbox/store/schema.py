"""The SQLite schema: one table per upstream entity, plus views that add the denormalised names,
and `sandbox_meta` (key/value facts about the database itself, such as its seed day).

Ids are global across the database (one sequence per table, shared by all companies), as in one
Pipedrive installation; every table carries `company_id` and every query filters on it.
"""

from gateway.sandbox.fields import LOCATION_PARTS, STORED_FIELDS

SCHEMA_VERSION = 3
"""Stored in `PRAGMA user_version`. A file of an older schema listed in `MIGRATIONS` is brought up to
date when opened; any other is refused."""

_ACTIVITY_INTEGER_COLUMNS = frozenset(
    {
        "company_id",
        "user_id",
        "done",
        "reference_id",
        "busy_flag",
        "last_notification_user_id",
        "notification_language_id",
        "org_id",
        "person_id",
        "deal_id",
        "project_id",
        "active_flag",
        "update_user_id",
        "rec_master_activity_id",
        "created_by_user_id",
        "priority",
    }
)
_ACTIVITY_REQUIRED_COLUMNS = frozenset(
    {
        "company_id",
        "user_id",
        "done",
        "type",
        "due_time",
        "duration",
        "add_time",
        "marked_as_done_time",
        "subject",
        "active_flag",
        "update_time",
        "created_by_user_id",
    }
)


def _activity_column(name: str) -> str:
    if name == "id":
        return "id INTEGER PRIMARY KEY"
    sql_type = "INTEGER" if name in _ACTIVITY_INTEGER_COLUMNS else "TEXT"
    required = " NOT NULL" if name in _ACTIVITY_REQUIRED_COLUMNS else ""
    return f"{name} {sql_type}{required}"


WEBHOOKS_TABLE = """CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    owner_id INTEGER NOT NULL REFERENCES users(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    event_action TEXT NOT NULL,
    event_object TEXT NOT NULL,
    subscription_url TEXT NOT NULL,
    version TEXT NOT NULL,
    name TEXT NOT NULL,
    http_auth_user TEXT,
    http_auth_password TEXT,
    add_time TEXT NOT NULL,
    last_delivery_time TEXT,
    last_http_status INTEGER
)"""

_ADDRESS_COLUMNS = ",\n".join(f"    address_{part} TEXT" for part in LOCATION_PARTS)

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE sandbox_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)""",
    """CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    domain TEXT NOT NULL,
    country TEXT NOT NULL,
    industry TEXT NOT NULL
)""",
    """CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    is_admin INTEGER NOT NULL,
    active_flag INTEGER NOT NULL,
    has_pic INTEGER NOT NULL,
    pic_hash TEXT,
    icon_url TEXT,
    default_currency TEXT NOT NULL,
    locale TEXT NOT NULL,
    lang INTEGER NOT NULL,
    timezone_name TEXT NOT NULL,
    timezone_offset TEXT NOT NULL,
    role_id INTEGER NOT NULL,
    has_created_company INTEGER NOT NULL,
    permission_set_id TEXT NOT NULL,
    activated INTEGER NOT NULL,
    created TEXT NOT NULL,
    modified TEXT,
    last_login TEXT
)""",
    """CREATE TABLE tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('api_token', 'oauth')),
    user_id INTEGER NOT NULL REFERENCES users(id)
)""",
    """CREATE TABLE activity_types (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    order_nr INTEGER NOT NULL,
    name TEXT NOT NULL,
    key_string TEXT NOT NULL,
    icon_key TEXT NOT NULL,
    active_flag INTEGER NOT NULL,
    color TEXT,
    is_custom_flag INTEGER NOT NULL,
    add_time TEXT NOT NULL,
    update_time TEXT,
    UNIQUE (company_id, key_string)
)""",
    f"""CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    address TEXT,
{_ADDRESS_COLUMNS},
    visible_to TEXT NOT NULL,
    active_flag INTEGER NOT NULL,
    add_time TEXT NOT NULL,
    update_time TEXT NOT NULL
)""",
    """CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    org_id INTEGER REFERENCES organizations(id),
    emails TEXT NOT NULL,
    phones TEXT NOT NULL,
    visible_to TEXT NOT NULL,
    active_flag INTEGER NOT NULL,
    add_time TEXT NOT NULL,
    update_time TEXT NOT NULL
)""",
    """CREATE TABLE pipelines (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    order_nr INTEGER NOT NULL,
    active INTEGER NOT NULL
)""",
    """CREATE TABLE stages (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
    name TEXT NOT NULL,
    order_nr INTEGER NOT NULL,
    deal_probability INTEGER NOT NULL
)""",
    """CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    title TEXT NOT NULL,
    value NUMERIC NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
    stage_id INTEGER NOT NULL REFERENCES stages(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    creator_user_id INTEGER NOT NULL REFERENCES users(id),
    person_id INTEGER REFERENCES persons(id),
    org_id INTEGER REFERENCES organizations(id),
    probability INTEGER,
    lost_reason TEXT,
    expected_close_date TEXT,
    close_time TEXT,
    won_time TEXT,
    lost_time TEXT,
    stage_change_time TEXT,
    visible_to TEXT NOT NULL,
    active_flag INTEGER NOT NULL,
    add_time TEXT NOT NULL,
    update_time TEXT NOT NULL
)""",
    """CREATE TABLE filters (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    conditions TEXT NOT NULL
)""",
    "CREATE TABLE activities (\n    " + ",\n    ".join(_activity_column(name) for name in STORED_FIELDS) + "\n)",
    """CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL,
    activity_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    time TEXT NOT NULL
)""",
    WEBHOOKS_TABLE,
    "CREATE INDEX activities_by_company ON activities (company_id, active_flag, id)",
    "CREATE INDEX activities_by_owner ON activities (company_id, user_id, id)",
    "CREATE INDEX activities_by_update ON activities (company_id, update_time)",
    "CREATE INDEX persons_by_org ON persons (org_id)",
    """CREATE VIEW activity_view AS
SELECT a.*, u.name AS owner_name, p.name AS person_name, o.name AS org_name,
       d.title AS deal_title, c.domain AS company_domain
FROM activities a
JOIN companies c ON c.id = a.company_id
LEFT JOIN users u ON u.id = a.user_id
LEFT JOIN persons p ON p.id = a.person_id
LEFT JOIN organizations o ON o.id = a.org_id
LEFT JOIN deals d ON d.id = a.deal_id""",
    """CREATE VIEW organization_view AS
SELECT o.*, u.name AS owner_name, c.domain AS company_domain,
       (SELECT COUNT(*) FROM persons p WHERE p.org_id = o.id AND p.active_flag = 1) AS people_count
FROM organizations o
JOIN companies c ON c.id = o.company_id
JOIN users u ON u.id = o.owner_id""",
    """CREATE VIEW person_view AS
SELECT p.*, u.name AS owner_name, o.name AS org_name, c.domain AS company_domain
FROM persons p
JOIN companies c ON c.id = p.company_id
JOIN users u ON u.id = p.owner_id
LEFT JOIN organizations o ON o.id = p.org_id""",
    """CREATE VIEW deal_view AS
SELECT d.*, u.name AS owner_name, p.name AS person_name, o.name AS org_name,
       c.domain AS company_domain
FROM deals d
JOIN companies c ON c.id = d.company_id
JOIN users u ON u.id = d.user_id
LEFT JOIN persons p ON p.id = d.person_id
LEFT JOIN organizations o ON o.id = d.org_id""",
)

MIGRATIONS: dict[int, tuple[str, ...]] = {2: (WEBHOOKS_TABLE,)}
"""From a schema version to the next: the statements that take a file there (2 -> 3: webhooks)."""
