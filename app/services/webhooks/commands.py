"""Typed commands of the webhook use cases (fields a client left out are NOT_GIVEN)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.domain.given import NOT_GIVEN


@dataclass(frozen=True, slots=True)
class DestinationFields:
    """A destination's fields as sent; on update only those given change."""

    name: str | None = NOT_GIVEN
    url: str | None = NOT_GIVEN
    event_types: list[str] | None = NOT_GIVEN
    active: bool | None = NOT_GIVEN
    description: str | None = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class UpdateDestination:
    destination_id: uuid.UUID
    version: int
    changes: DestinationFields


@dataclass(frozen=True, slots=True)
class Redeliver:
    """Send one event to one destination again (SEMANTICS §14.4.5)."""

    event_id: uuid.UUID
    destination_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class RedeliverFailed:
    """Send again every FAILED delivery of a destination whose event occurred in [start, end)."""

    destination_id: uuid.UUID
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    destination_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None
    status: str | None = None
    start: datetime | None = None
    end: datetime | None = None
