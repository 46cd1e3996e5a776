"""The sandbox: a faithful emulator of Pipedrive's Activities REST API on SQLite.

It stands apart from the gateway (it imports nothing from `gateway.upstream` or any other
gateway module) and is written from the documented upstream behaviour, so a bug in the
gateway's client cannot be mirrored and hidden by the emulator.
"""

from gateway.sandbox.app import DEFAULT_DB_PATH, Sandbox
from gateway.sandbox.control import Control, DeliveryAttempt, Fault, RecordedRequest
from gateway.sandbox.seed import (
    DEMO_COMPANY_ID,
    DEMO_NONADMIN_TOKEN,
    DEMO_OAUTH_TOKEN,
    DEMO_TOKEN,
    OTHER_COMPANY_ID,
    OTHER_COMPANY_NONADMIN_TOKEN,
    OTHER_COMPANY_TOKEN,
    SEED_TOKENS,
    SeedToken,
)
from gateway.sandbox.seed_day import SEED_DAY_ENV, SEED_TEST_DAY
from gateway.sandbox.transport import SandboxTransport

__all__ = [
    "DEFAULT_DB_PATH",
    "DEMO_COMPANY_ID",
    "DEMO_NONADMIN_TOKEN",
    "DEMO_OAUTH_TOKEN",
    "DEMO_TOKEN",
    "OTHER_COMPANY_ID",
    "OTHER_COMPANY_NONADMIN_TOKEN",
    "OTHER_COMPANY_TOKEN",
    "SEED_DAY_ENV",
    "SEED_TEST_DAY",
    "SEED_TOKENS",
    "Control",
    "DeliveryAttempt",
    "Fault",
    "RecordedRequest",
    "Sandbox",
    "SandboxTransport",
    "SeedToken",
]
