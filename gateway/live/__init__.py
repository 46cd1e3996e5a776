"""Live updates: Pipedrive's activity webhooks in, GraphQL subscription events out.

    events        ActivityEvent (what travels), EventFilter (what a subscriber asks for)
    broker        Broker, the interface between receiver and subscribers; InMemoryBroker, one process's
    deliveries    the bounded memory of delivery ids already published (Pipedrive retries)
    reads         the per-token read window that batches the reads of a burst; Delivery
    hub           LiveUpdates: receive, fan out per company, bounded subscriber queues, close codes
    registration  the gateway's own webhook upstream, once per company
    observer      the metrics hook

The webhook endpoint (`gateway.edge.webhooks`) hands parsed deliveries to `LiveUpdates.receive`; the
subscription resolver (`gateway.schema.subscriptions`) iterates a `Subscriber`; each delivery executes
with its read window's context (`Delivery.event_context`, see `gateway.engine.execution`).
"""

from .broker import Broker, EventStream, InMemoryBroker
from .deliveries import DeliveryMemory, SeenDeliveries
from .events import ActivityEvent, EventFilter
from .hub import GOING_AWAY, TOO_SLOW, CloseConnection, Closure, LiveConnection, LiveUpdates, Subscriber
from .observer import LiveObserver, NullLiveObserver
from .reads import Delivery, EventScope, ReadWindows
from .registration import Registered, Registrations, register

__all__ = [
    "GOING_AWAY",
    "TOO_SLOW",
    "ActivityEvent",
    "Broker",
    "CloseConnection",
    "Closure",
    "Delivery",
    "DeliveryMemory",
    "EventFilter",
    "EventScope",
    "EventStream",
    "InMemoryBroker",
    "LiveConnection",
    "LiveObserver",
    "LiveUpdates",
    "NullLiveObserver",
    "ReadWindows",
    "Registered",
    "Registrations",
    "SeenDeliveries",
    "Subscriber",
    "register",
]
