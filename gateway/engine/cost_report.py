"""The contract's cost report: `extensions.upstream` {calls, cost[, rateLimit]} on every response."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension

from gateway.context import Context


class UpstreamCostReport(SchemaExtension):
    """Reads the request's call ledger once the operation is done."""

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        if not isinstance(context, Context):
            return {}
        return {"upstream": context.ledger.as_extension()}
