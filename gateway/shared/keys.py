"""The names of everything the gateway keeps in Redis, and how a token becomes part of one.

Every key and channel starts with the deployment's prefix (`GATEWAY_REDIS_PREFIX`, default `gateway`):

    {prefix}:secret                          the HMAC secret, when GATEWAY_REDIS_KEY_SECRET does not give one
    {prefix}:activity-types:{token key}      a token's activity types, as long as the cache keeps them
    {prefix}:ratelimit:{token key}           a token's spent rate-limit window; expires when it resets
    {prefix}:api-version:{upstream key}      the API version `auto` moved to, for one upstream
    {prefix}:webhook:{delivery key}          a webhook delivery already published (an hour)
    {prefix}:live:{company id}               channel: one company's activity events
    {prefix}:ratelimit                       channel: spent windows as they are learnt
    {prefix}:api-version                     channel: moves of the API version

A token key is an HMAC-SHA256, under the deployment's secret, of the upstream and the credentials' own
key (`Credentials.key`, itself a hash of the token): no key holds a token, nobody without the secret can
tell which token a key belongs to, and the same token on another upstream is another key. A token belongs
to one company, so no token-keyed value mixes companies; events travel on their company's own channel.
"""

from __future__ import annotations

import hashlib
import hmac

SECRET_KEY = "secret"
"""Where the secret lives when it is not configured (after the prefix)."""
MAX_TOKENS_KEPT = 10_000


class Keyspace:
    """The keys of one deployment (`prefix`) and one upstream, under one secret."""

    def __init__(self, prefix: str, upstream: str, secret: bytes = b"") -> None:
        self.prefix = prefix
        self._upstream = upstream
        self._secret = secret
        self._tokens: dict[str, str] = {}

    @property
    def secret_key(self) -> str:
        return f"{self.prefix}:{SECRET_KEY}"

    def use_secret(self, secret: bytes) -> None:
        """Key tokens under `secret` from now on (it is read from Redis on each connection)."""
        if secret != self._secret:
            self._secret = secret
            self._tokens.clear()

    def token(self, credentials_key: str) -> str:
        """The HMAC standing for the credentials whose `Credentials.key` is `credentials_key`."""
        known = self._tokens.get(credentials_key)
        if known is None:
            if len(self._tokens) >= MAX_TOKENS_KEPT:  # one per token in use; recomputed when dropped
                self._tokens.clear()
            message = f"{self._upstream}\n{credentials_key}".encode()
            known = hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:40]
            self._tokens[credentials_key] = known
        return known

    def cached(self, name: str, credentials_key: str) -> str:
        """Where the cache `name` keeps one token's value."""
        return f"{self.prefix}:{name}:{self.token(credentials_key)}"

    def spent_window(self, token_key: str) -> str:
        return f"{self.prefix}:ratelimit:{token_key}"

    @property
    def spent_windows(self) -> str:
        """The channel announcing spent windows, and the stem of their keys."""
        return f"{self.prefix}:ratelimit"

    @property
    def api_version(self) -> str:
        """The version `auto` moved to, for this upstream (the channel is `api_version_channel`)."""
        upstream = hmac.new(self._secret, self._upstream.encode(), hashlib.sha256).hexdigest()[:40]
        return f"{self.prefix}:api-version:{upstream}"

    @property
    def api_version_channel(self) -> str:
        return f"{self.prefix}:api-version"

    def delivery(self, delivery_id: str) -> str:
        """A webhook delivery id (Pipedrive's `meta.id`), hashed: any length and characters stay out of keys."""
        return f"{self.prefix}:webhook:{hashlib.sha256(delivery_id.encode()).hexdigest()[:40]}"

    def live(self, company_id: int) -> str:
        return f"{self.prefix}:live:{company_id}"

    @property
    def live_pattern(self) -> str:
        return f"{self.prefix}:live:*"

    def company_of(self, channel: str) -> int | None:
        """The company a live channel is for; None for any other channel."""
        stem, _, company = channel.rpartition(":")
        if stem != f"{self.prefix}:live" or not company.isdigit():
            return None
        return int(company)
