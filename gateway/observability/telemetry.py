"""Per GraphQL operation: its metrics (count by name and outcome, latency) and its one log line.

A Strawberry extension listed before the error mapping, so it finishes after it and sees the final
error codes. The log line carries the operation name and type, the outcome, the duration and what the
operation spent upstream (`extensions.upstream`'s calls and cost); the request id comes from the
logging filter. The app's `GatewayMetrics` is handed to the extension when the schema is built.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from gateway.context import Context
from gateway.errors import INTERNAL_SERVER_ERROR
from gateway.observability.metrics import GatewayMetrics

OK = "ok"

logger = logging.getLogger("gateway.graphql")


def error_codes(result: Any) -> list[str]:
    """The `extensions.code` of each error of an execution result, in order."""
    errors = getattr(result, "errors", None) or []
    return [str((error.extensions or {}).get("code", INTERNAL_SERVER_ERROR)) for error in errors]


class OperationTelemetry(SchemaExtension):
    def __init__(self, metrics: GatewayMetrics) -> None:
        self._metrics = metrics

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self._report(time.perf_counter() - started)

    def _report(self, seconds: float) -> None:
        execution = self.execution_context
        context = execution.context
        codes = error_codes(execution.result)
        outcome = codes[0] if codes else OK
        name = execution.operation_name
        fields: dict[str, Any] = {
            "operation": name,
            "operation_type": self._operation_type(),
            "outcome": outcome,
            "duration_ms": round(seconds * 1000, 2),
        }
        self._metrics.record_operation(name, outcome, seconds)
        if isinstance(context, Context):
            fields.update(upstream_calls=context.ledger.calls, upstream_cost=context.ledger.cost)
        if codes:
            fields["error_codes"] = sorted(set(codes))
        logger.info("graphql %s %s", name or "anonymous", outcome, extra=fields)

    def _operation_type(self) -> str | None:
        try:
            return self.execution_context.operation_type.value
        except RuntimeError:  # no parsed document, or no operation of that name in it
            return None
