"""The event log (SEMANTICS §14): events recorded in the transaction of their change
(record.py, changes.py, versioned.py), listed (queries.py) and pruned after retention (retention.py)."""

from app.services.events.changes import created, deleted, event_type, snapshot, updated
from app.services.events.record import NewEvent, record_event, record_events
from app.services.events.retention import prune_events
from app.services.events.versioned import lock_versioned, reread_updated

__all__ = [
    "NewEvent",
    "created",
    "deleted",
    "event_type",
    "lock_versioned",
    "prune_events",
    "record_event",
    "record_events",
    "reread_updated",
    "snapshot",
    "updated",
]
