"""GraphQL surface of the event log (SEMANTICS §14.1): `events` and `eventTypes`."""

from app.graphql.events.queries import EventQuery
from app.graphql.events.types import Event

__all__ = ["Event", "EventQuery"]
