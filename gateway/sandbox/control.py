"""Test and benchmark control: the faults to inject, the added latency, the record of served
requests, and whether the v1 activity endpoints are retired. The ASGI layer that acts on faults
and latency lives in `layer.py`; retirement is checked by `endpoint.Api` for each request.
"""

from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from gateway.sandbox.ratelimit import RateLimiter

FaultKind = Literal["status", "malformed", "drop", "refuse", "delay"]
FaultWhen = Literal["before", "after"]


@dataclass(frozen=True)
class Fault:
    """A failure to serve instead of (`when="before"`) or after (`when="after"`) handling a request.

    kinds: "status" answers `status` with the error envelope (and `Retry-After: retry_after` when
    given); "malformed" answers 200 with a truncated, non-JSON body; "drop" breaks the connection
    after the response start; "refuse" fails the connection before the request is handled (only
    "before"); "delay" sleeps `delay_s`, then serves normally. It applies to the next `times`
    requests whose method equals `method` (any when None) and whose path equals `path`, or starts
    with it when it ends in "*" (any when None). With "after", the request is handled and
    committed first, then its response is replaced.
    """

    kind: FaultKind
    status: int = 503
    times: int = 1
    method: str | None = None
    path: str | None = None
    retry_after: int | None = None
    when: FaultWhen = "before"
    delay_s: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in get_args(FaultKind):
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if self.when not in get_args(FaultWhen):
            raise ValueError(f"unknown fault timing {self.when!r}")
        if self.kind == "refuse" and self.when == "after":
            raise ValueError("a refused connection cannot follow a served request")
        if self.times < 1 or not 100 <= self.status <= 599 or self.delay_s < 0:
            raise ValueError("fault needs times >= 1, a status 100-599 and delay_s >= 0")

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and path_matches(self.path, path)


def path_matches(pattern: str | None, path: str) -> bool:
    """None matches all; "prefix*" matches by prefix; anything else must be equal."""
    if pattern is None:
        return True
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return path == pattern


@dataclass
class RecordedRequest:
    """One request that reached the API (tokens are never recorded: `api_token` is left out)."""

    method: str
    path: str
    query: dict[str, str]
    status: int = 0
    """The status the client got; 0 when it got none (dropped, refused or abandoned)."""
    company_id: int | None = None
    user_id: int | None = None
    body: Any = None
    """The parsed JSON body (its text when it is not JSON; None when empty)."""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DeliveryAttempt:
    """One attempt at delivering a webhook (`webhook_delivery`); never the body or the credentials."""

    webhook_id: int
    url: str
    delivery_id: str
    """The payload's `meta.id`: the same for every attempt of one delivery."""
    attempt: int
    action: str
    activity_id: int
    company_id: int
    status: int | None = None
    """The status the receiver answered; None when it did not (`error` says why)."""
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Control:
    """Faults, latency, the request and delivery records and the v1 retirement of one sandbox."""

    def __init__(self, limiter: RateLimiter, latency_ms: float = 0.0, *, v1_retired: bool = False) -> None:
        self.latency_ms = latency_ms
        self.v1_retired = v1_retired
        """When true, the v1 activity endpoints answer 410 Gone. Settable at any moment: each request
        is judged when its handler would start (after latency and faults); one already handled finishes
        as v1. `reset()` leaves it as it is (it is how the upstream is, not a test disturbance)."""
        self.requests: list[RecordedRequest] = []
        self.deliveries: list[DeliveryAttempt] = []
        """Every webhook delivery attempt, in the order they were made."""
        self._limiter = limiter
        self._faults: list[tuple[Fault, int]] = []

    def inject(self, fault: Fault) -> None:
        """Queue a fault; the earliest injected matching fault applies first."""
        self._faults.append((fault, fault.times))

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The fault this request gets, if any, using up one of its `times`."""
        for index, (fault, remaining) in enumerate(self._faults):
            if fault.matches(method, path):
                if remaining > 1:
                    self._faults[index] = (fault, remaining - 1)
                else:
                    del self._faults[index]
                return fault
        return None

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """Recorded requests with this method (any when None) and path (exact, or prefix with "*")."""
        return sum(
            1
            for request in self.requests
            if (method is None or request.method == method.upper()) and path_matches(path, request.path)
        )

    def clear(self) -> None:
        """Forget the recorded requests."""
        self.requests.clear()

    def reset(self) -> None:
        """Clear faults, latency, recorded requests and deliveries, and rate-limit counters."""
        self._faults.clear()
        self.latency_ms = 0.0
        self.requests.clear()
        self.deliveries.clear()
        self._limiter.reset()
