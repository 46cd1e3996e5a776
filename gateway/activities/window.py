"""The validated pagination arguments of one connection field."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config import QueryLimits
from gateway.errors import BadUserInput


@dataclass(frozen=True, slots=True)
class Window:
    first: int | None
    after: str | None
    last: int | None
    before: str | None

    @property
    def backward(self) -> bool:
        return self.last is not None

    @property
    def size(self) -> int:
        """How many edges the page may hold."""
        size = self.last if self.last is not None else self.first
        assert size is not None  # `parse` always sets one of them
        return size

    @classmethod
    def parse(
        cls, limits: QueryLimits, *, first: int | None, after: str | None, last: int | None, before: str | None
    ) -> Window:
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= limits.max_page_size:
                raise BadUserInput(f"`{name}` must be between 0 and {limits.max_page_size}, got {value}.")
        if first is not None and last is not None:
            raise BadUserInput("Send `first` or `last`, not both.")
        if (first is not None and before is not None) or (last is not None and after is not None):
            raise BadUserInput("Page forward with `first`/`after` or backward with `last`/`before`.")
        if first is None and last is None:
            first = limits.default_page_size if before is None else None
            last = limits.default_page_size if before is not None else None
        return cls(first, after, last, before)
