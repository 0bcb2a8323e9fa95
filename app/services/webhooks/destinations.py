"""Webhook destinations (SEMANTICS §14.3): create, update, delete, rotate the secret.

The secret is returned only by create and rotate; the stored copy is encrypted. Each
change records its `configuration.webhookdestination.*` event in the same transaction.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from app.domain.given import NOT_GIVEN, given
from app.domain.naming import description_problem, name_problem
from app.models.webhooks import PENDING, WebhookDelivery, WebhookDestination
from app.services import events
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.events.record import notify_scan
from app.services.versioning import get_owned, refuse_stale
from app.services.webhooks.commands import DestinationFields, UpdateDestination
from app.services.webhooks.secrets import encrypt_secret, new_signing_secret
from app.services.webhooks.urls import url_problem
from app.settings import get_settings

MAX_EVENT_TYPES = 100
MAX_EVENT_TYPE_LENGTH = 200
# The old secret keeps signing for this long after a rotation (SEMANTICS §14.4.1).
ROTATION_OVERLAP = timedelta(hours=24)
# `billing.bill.approved`, or a prefix ending in `.*` (`billing.*`); `*` alone is every type.
_EVENT_TYPE = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?)$")


@dataclass(frozen=True)
class DestinationWithSecret:
    destination: WebhookDestination
    secret: str


def event_types_problems(types: list[str] | None, problems: ProblemCollector) -> None:
    if types is None:
        problems.add("eventTypes", ErrorCode.REQUIRED, "must be a list (empty means every type)")
        return
    if len(types) > MAX_EVENT_TYPES:
        problems.add("eventTypes", ErrorCode.INVALID, f"at most {MAX_EVENT_TYPES} event types")
    for index, value in enumerate(types[:MAX_EVENT_TYPES]):
        if len(value) > MAX_EVENT_TYPE_LENGTH or not _EVENT_TYPE.match(value):
            problems.add(
                ("eventTypes", index), ErrorCode.INVALID, "must be an event type or a prefix ending in .* (billing.*)"
            )


def _check(fields: DestinationFields, problems: ProblemCollector) -> dict[str, Any]:
    data = given(fields)
    if "name" in data and (msg := name_problem(data["name"] or "")):
        problems.add("name", ErrorCode.INVALID, msg)
    if "url" in data and (msg := url_problem(data["url"] or "", allow_private=get_settings().webhook_allow_private)):
        problems.add("url", ErrorCode.INVALID, msg)
    if "event_types" in data:
        event_types_problems(data["event_types"], problems)
        data["event_types"] = list(dict.fromkeys(data["event_types"] or []))
    if "active" in data and data["active"] is None:
        problems.add("active", ErrorCode.INVALID, "must be true or false")
    if "description" in data and (msg := description_problem(data["description"])):
        problems.add("description", ErrorCode.INVALID, msg)
    return data


async def create_destination(
    organization_id: uuid.UUID, command: DestinationFields, *, actor: str
) -> DestinationWithSecret:
    problems, missing = ProblemCollector(), [k for k in ("name", "url") if getattr(command, k) in (None, NOT_GIVEN)]
    for name in missing:
        problems.add(name, ErrorCode.REQUIRED, "is required")
    command = replace(command, **dict.fromkeys(missing, NOT_GIVEN))
    values = {"event_types": [], "active": True, **_check(command, problems)}
    problems.raise_if_any()
    secret = new_signing_secret()
    async with in_transaction() as connection:
        destination = await WebhookDestination.create(
            organization_id=organization_id,
            secret_encrypted=encrypt_secret(get_settings().secret_key, secret),
            created_by=actor,
            last_modified_by=actor,
            using_db=connection,
            **values,
        )
        await events.created(destination, connection=connection)
        await notify_scan(connection, organization_id)
    return DestinationWithSecret(destination, secret)


async def _write(
    organization_id: uuid.UUID, destination_id: uuid.UUID, version: int, values: dict[str, Any], actor: str
) -> WebhookDestination:
    """Apply `values` at `version` and record the update event, in one transaction."""
    async with in_transaction() as connection:
        current = await (
            WebhookDestination.filter(organization_id=organization_id, id=destination_id)
            .using_db(connection)
            .select_for_update()
            .first()
        )
        if current is None:
            raise fail(("input", "id"), ErrorCode.NOT_FOUND, f"no WebhookDestination with id {destination_id}")
        refuse_stale(current, version)
        old = events.snapshot(current)
        if values.get("active") and not current.active:
            # Made active again: it receives what occurs from now on, nothing of the spell
            # when it was inactive (SEMANTICS §14.3; the dispatcher's Target.since).
            current.active_since = datetime.now(UTC)
        for name, value in values.items():
            setattr(current, name, value)
        current.version, current.last_modified_by = version + 1, actor
        await current.save(using_db=connection)
        if values.get("active") is False:
            await _cancel_pending(organization_id, destination_id, connection)
        await events.updated(old, current, connection=connection)
        await notify_scan(connection, organization_id)
    return current


async def _cancel_pending(organization_id: uuid.UUID, destination_id: uuid.UUID, connection: Any) -> None:
    """An inactive destination gets nothing, not even later (SEMANTICS §14.3)."""
    await (
        WebhookDelivery.filter(organization_id=organization_id, destination_id=destination_id, status=PENDING)
        .using_db(connection)
        .update(status="CANCELLED", next_attempt_at=None, lease_until=None)
    )


async def update_destination(
    organization_id: uuid.UUID, command: UpdateDestination, *, actor: str
) -> WebhookDestination:
    await get_owned(WebhookDestination, organization_id, command.destination_id)
    problems = ProblemCollector()
    values = _check(command.changes, problems)
    for required in ("name", "url"):
        if required in values and values[required] is None:
            problems.add(required, ErrorCode.REQUIRED, "cannot be null")
    problems.raise_if_any()
    if values.get("active"):
        values["disabled_reason"], values["failing_since"] = None, None
    return await _write(organization_id, command.destination_id, command.version, values, actor)


async def rotate_secret(
    organization_id: uuid.UUID, destination_id: uuid.UUID, version: int, *, actor: str, now: datetime | None = None
) -> DestinationWithSecret:
    """A new secret; the one it replaces keeps signing for ROTATION_OVERLAP."""
    current = await get_owned(WebhookDestination, organization_id, destination_id)
    secret, key = new_signing_secret(), get_settings().secret_key
    values = {
        "secret_encrypted": encrypt_secret(key, secret),
        "previous_secret_encrypted": current.secret_encrypted,
        "previous_secret_expires_at": (now or datetime.now(UTC)) + ROTATION_OVERLAP,
    }
    destination = await _write(organization_id, destination_id, version, values, actor)
    return DestinationWithSecret(destination, secret)


async def delete_destination(organization_id: uuid.UUID, destination_id: uuid.UUID, *, version: int) -> None:
    """Deleting keeps the delivery log (it names the destination by id) and cancels what
    was still to be sent."""
    current = await get_owned(WebhookDestination, organization_id, destination_id)
    async with in_transaction() as connection:
        deleted = (
            await WebhookDestination.filter(organization_id=organization_id, id=destination_id, version=version)
            .using_db(connection)
            .delete()
        )
        if not deleted:
            raise fail(
                ("input", "version"),
                ErrorCode.CONFLICT,
                f"version {version} is stale; the current version is {current.version}",
            )
        await _cancel_pending(organization_id, destination_id, connection)
        await events.deleted(current, connection=connection)


async def disable_destination(organization_id: uuid.UUID, destination_id: uuid.UUID, reason: str) -> bool:
    """Set a destination inactive on the worker's own decision (410, failing too long),
    cancel what it still had to receive, and say so with an update event."""
    async with in_transaction() as connection:
        current = await (
            WebhookDestination.filter(organization_id=organization_id, id=destination_id)
            .using_db(connection)
            .select_for_update()
            .first()
        )
        if current is None or not current.active:
            return False
        old = events.snapshot(current)
        current.active, current.disabled_reason = False, reason[:200]
        current.version, current.last_modified_by = current.version + 1, "webhook-delivery"
        await current.save(using_db=connection)
        await _cancel_pending(organization_id, destination_id, connection)
        await events.updated(old, current, connection=connection)
    return True
