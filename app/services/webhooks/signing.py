"""The bytes a webhook sends and their Standard Webhooks signatures (SEMANTICS §14.4.1).

The body is serialized once, and those exact bytes are both signed and sent. Signing is
the `standardwebhooks` package's; during the 24 hours after a rotation the old secret's
signature is sent too, space-separated, so receivers may switch at their own pace.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from standardwebhooks import Webhook


def iso_z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_record(row: Any, rendered: dict[str, Any] | None = None) -> dict[str, Any]:
    """The event as the API shows it (SEMANTICS §14.1), from an `event` row; `rendered`: its
    payload's API form when the row stores row images (app.services.events.images)."""
    payload = row["payload"] if rendered is None else rendered
    return {
        "id": str(row["id"]),
        "type": row["type"],
        "organizationId": str(row["organization_id"]),
        "entityType": row["entity_type"],
        "entityId": str(row["entity_id"]),
        "sequence": row["sequence"],
        "occurredAt": iso_z(row["occurred_at"]),
        "payload": json.loads(payload) if isinstance(payload, str) else payload,
    }


def body_of(event_type: str, occurred_at: datetime, data: dict[str, Any]) -> bytes:
    """`{"type", "timestamp", "data"}`; the timestamp is the event's, so every retry and
    redelivery sends the same bytes."""
    document = {"type": event_type, "timestamp": iso_z(occurred_at), "data": data}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


@functools.lru_cache(maxsize=1024)
def _signer(secret: str) -> Webhook:
    # Decoding the secret is a third of the cost of a signature; a worker signs with the
    # same few secrets all day.
    return Webhook(secret)


def signature(secrets: Sequence[str], message_id: uuid.UUID | str, sent_at: datetime, body: bytes) -> str:
    """`v1,<base64>` for each secret, space-separated (the current secret first)."""
    return " ".join(_signer(secret).sign(str(message_id), sent_at, body) for secret in secrets)


def headers_of(secrets: Sequence[str], message_id: uuid.UUID | str, sent_at: datetime, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": "Metergraph-Webhooks/1",
        "webhook-id": str(message_id),
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature(secrets, message_id, sent_at, body),
    }
