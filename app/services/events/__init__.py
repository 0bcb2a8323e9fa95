"""The event log (SEMANTICS §14): events recorded in the transaction of their change
(record.py, changes.py), listed (queries.py) and pruned after retention (retention.py)."""

from app.services.events.changes import created, deleted, event_type, snapshot, updated
from app.services.events.record import NewEvent, record_event, record_events

__all__ = ["NewEvent", "created", "deleted", "event_type", "record_event", "record_events", "snapshot", "updated"]
