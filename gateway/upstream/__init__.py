"""The REST client: the only code that speaks HTTP to Pipedrive (or to the sandbox standing in for it)."""

from .client import ActivityListQuery, CollectionQuery, PipedriveClient
from .errors import UpstreamError
from .transport import Call, CallLedger, Credentials, UpstreamTransport

__all__ = [
    "ActivityListQuery",
    "Call",
    "CallLedger",
    "CollectionQuery",
    "Credentials",
    "PipedriveClient",
    "UpstreamError",
    "UpstreamTransport",
]
