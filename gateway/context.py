"""The per-request context: settings, the token's upstream client, loaders and the cost ledger."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from starlette.requests import Request

from gateway.config import Settings
from gateway.errors import Unauthenticated
from gateway.loaders import Loaders, SharedCaches
from gateway.upstream import CallLedger, Credentials, PipedriveClient, UpstreamTransport

NO_TOKEN_MESSAGE = "No API token: send X-Api-Token or Authorization: Bearer, or configure PIPEDRIVE_API_TOKEN."


def credentials_from_headers(request: Request, default_token: str | None) -> Credentials | None:
    """The caller's token, in the kind of header it came in; else the configured default."""
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return Credentials(value.strip(), "bearer")
    api_token = request.headers.get("x-api-token", "").strip()
    if api_token:
        return Credentials(api_token, "api_token")
    return Credentials(default_token, "api_token") if default_token else None


@dataclass
class Context:
    request: Request
    settings: Settings
    credentials: Credentials | None
    transport: UpstreamTransport
    shared: SharedCaches
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    ledger: CallLedger = field(default_factory=CallLedger)
    loaders: Loaders = field(init=False)
    _client: PipedriveClient | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(lambda: self.client, self.shared)

    @property
    def client(self) -> PipedriveClient:
        """The upstream client for this request's token; UNAUTHENTICATED when there is none."""
        if self._client is None:
            if self.credentials is None:
                raise Unauthenticated(NO_TOKEN_MESSAGE)
            self._client = PipedriveClient(self.transport, self.credentials, self.ledger)
        return self._client
