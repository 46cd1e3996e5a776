"""The contract's cost report: `extensions.upstream` {calls, cost[, rateLimit]} on every response.

Subscription events carry none: the reads behind an event are shared by every delivery of its token's
read window (`gateway.live.reads`), so no one event owns them; `/metrics` counts them."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from gateway.context import Context


class UpstreamCostReport(SchemaExtension):
    """Reads the request's call ledger once the operation is done."""

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        if not isinstance(context, Context) or self._is_subscription():
            return {}
        return {"upstream": context.ledger.as_extension()}

    def _is_subscription(self) -> bool:
        try:
            return self.execution_context.operation_type is OperationType.SUBSCRIPTION
        except RuntimeError:  # no parsed document, or no operation of that name in it
            return False
