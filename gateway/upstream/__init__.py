"""The REST client: the only code that speaks HTTP to Pipedrive (or to the sandbox standing in for it).

endpoints    every upstream operation: method, path template, token cost
transport    sending a call: attempts, retries (retry), rate-limit gates (ratelimit), in-flight sharing
client       one method per operation, typed results, for one request's credentials and ledger
record       the record base and the one payload-parsing scheme; activities, entities: the records
converters   upstream values to Python values
errors       the upstream error tree
"""

from .client import ActivityListQuery, CollectionQuery, PipedriveClient
from .credentials import Credentials
from .endpoints import Call, Endpoint
from .errors import UpstreamError
from .ledger import CallLedger
from .transport import UpstreamTransport

__all__ = [
    "ActivityListQuery",
    "Call",
    "CallLedger",
    "CollectionQuery",
    "Credentials",
    "Endpoint",
    "PipedriveClient",
    "UpstreamError",
    "UpstreamTransport",
]
