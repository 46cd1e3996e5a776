"""A caller's token and the header it travels in."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Credentials:
    """A token and how it travels: `x-api-token` (API token) or `Authorization: Bearer` (OAuth)."""

    token: str = field(repr=False)
    kind: Literal["api_token", "bearer"] = "api_token"

    def headers(self) -> dict[str, str]:
        if self.kind == "bearer":
            return {"Authorization": f"Bearer {self.token}"}
        return {"x-api-token": self.token}

    @property
    def key(self) -> str:
        """A stable, non-reversible key for caches and in-flight sharing: never the token itself."""
        return hashlib.sha256(f"{self.kind}:{self.token}".encode()).hexdigest()[:32]
