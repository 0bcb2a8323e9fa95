"""The `.updated` event of update_versioned, built in SQL by the update's own statements
(app.services.events.versioned): the same payload the model instances give
(payloads.entity_snapshot), no statement added, and none left by a stale version."""

import asyncio
import json
import random
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from app.db import asyncpg_url, connection, count_statements
from app.models.accounts import Account, Commitment
from app.models.events import EVENTS_CHANNEL, Event
from app.models.webhooks import WebhookDestination
from app.services import events
from app.services.errors import InputErrors
from app.services.events.payloads import api_value, entity_snapshot
from app.services.events.queries import render_payloads
from app.services.events.record import pattern_selects, selecting_patterns, wanted, wanted_by_patterns
from app.services.versioning import update_versioned
from app.services.webhooks.dispatch import matches
from tests.services.event_writers import record_or_roll_back

# Floats at every magnitude, and the edges of repr's and str(Decimal)'s notations.
FLOATS = [
    0.0, -0.0, 0.1, 1 / 3, 2.5, 100.0, 1e-4, 1e-5, 1.5e-5, 1e-7, 123456789.123456789, 1e15, 1e16, 1e17,
    12345678901234567.0, 1.2345e16, 1e22, 1.7976931348623157e308, 5e-324, -2.5e-9, 1.0000000000000002,
]  # fmt: skip
_random = random.Random(15)
FLOATS += [_random.uniform(-1, 1) * 10 ** _random.randint(-40, 40) for _ in range(3000)]
NUMERICS = [
    "0", "0.000000", "0.0000000", "0.0000001", "-0.00000012", "0.00000120", "0.000001", "123.4500", "1e-20",
    "-5", "100000000000000000000000.5", "1E+5", "NaN", "0.00000000000000000000000000001000", "10000", "-20000",
    "120000", "123450000", "1234500000000", "10000.00", "100000.0", "0.00", "1000", "100",
]  # fmt: skip


async def test_api_json_shows_numbers_as_api_value_does(tenant):
    document = {"numbers": FLOATS, "nested": [{"a": 1, "b": [1.5, "2.5", None, True]}], "int": 10**30}
    async with connection() as conn:
        stored, shown = await conn.fetchrow("SELECT $1::jsonb::text, api_json($1::jsonb)::text", json.dumps(document))
    expected = api_value(json.loads(stored))  # what a model instance read from the column shows
    assert json.loads(shown) == expected


async def test_api_decimal_is_str_of_the_decimal(tenant):
    async with connection() as conn:
        rows = await conn.fetch("SELECT v, api_decimal(v) AS shown FROM unnest($1::numeric[]) AS t(v)", NUMERICS)
    assert [row["shown"] for row in rows] == [str(Decimal(row["v"])) for row in rows]
    assert [row["shown"] for row in rows][:4] == ["0", "0.000000", "0E-7", "1E-7"]


async def updated_event(entity_id: uuid.UUID) -> Event:
    """The entity's `.updated` event as every reader shows it (its payload rendered from the
    row images it stores)."""
    [event] = await Event.filter(entity_id=entity_id, type__endswith=".updated")
    await render_payloads([event])
    return event


async def test_account_payload_is_the_instances_snapshot(tenant):
    org = uuid.UUID(tenant.organization_id)
    account = await Account.create(
        organization_id=org, code="a", name="A", custom_fields={"x": 1.5, "y": 1e-7, "z": [2, 0.1]},
        address={"line": "1 Main St"}, bill_epoch=date(2026, 1, 31),
    )  # fmt: skip
    await events.created(account)  # as the API creates it: the entity's counter exists
    before = await Account.get(id=account.id)
    changes = {"name": "B", "custom_fields": {"x": 1e17, "w": "0.5", "v": 2.50}, "days_before_bill_due": 7}
    with count_statements() as counted:
        after = await update_versioned(Account, org, account.id, 1, changes, "tester")
    # BEGIN, the lock, the UPDATE, the read-back that records the event, COMMIT: no statement
    # of its own for the event.
    assert len([s for s in counted.statements if "event" in s.lower()]) == 1, counted.statements
    assert len(counted.statements) <= 5, counted.statements
    assert (after.name, after.version, after.custom_fields) == ("B", 2, {"x": 1e17, "w": "0.5", "v": 2.5})
    event = await updated_event(account.id)
    assert event.type == "configuration.account.updated" and event.entity_type == "account"
    assert event.payload == {"old": entity_snapshot(before), "new": entity_snapshot(await Account.get(id=account.id))}
    # 1e17 is stored as an integer (jsonb), so read back as one; 2.5 stays a float.
    assert event.payload["new"]["customFields"] == {"x": 10**17, "w": "0.5", "v": "2.5"}


async def test_commitment_decimals_and_dates(tenant):
    org = uuid.UUID(tenant.organization_id)
    commitment = await Commitment.create(
        organization_id=org, account_id=uuid.uuid4(), currency="USD", amount=Decimal("0.00000010"),
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), fee_dates=[{"amount": 2.50}],
        dt_created=datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=UTC),
    )  # fmt: skip
    before = await Commitment.get(id=commitment.id)
    await update_versioned(Commitment, org, commitment.id, 1, {"amount": Decimal("120000")}, "tester")
    event = await updated_event(commitment.id)
    assert event.payload == {
        "old": entity_snapshot(before),
        "new": entity_snapshot(await Commitment.get(id=commitment.id)),
    }
    assert (event.payload["old"]["amount"], event.payload["new"]["amount"]) == ("1.0E-7", "1.2E+5")


async def test_images_stored_before_migration_0024_render_the_same(tenant):
    """Image events written before migration 0024 hold their images as jsonb in `payload`
    (`images` NULL); the renderer reads them into the same document as the json images."""
    org = uuid.UUID(tenant.organization_id)
    account = await Account.create(
        organization_id=org, code="m", name="M", custom_fields={"x": 0.1, "y": [1e-7, 1e17], "z": "2.50"},
        address={"line": "1 Main St"}, bill_epoch=date(2024, 2, 29),
    )  # fmt: skip
    await update_versioned(Account, org, account.id, 1, {"name": "N", "custom_fields": {"w": 2.5}}, "tester")
    [current] = await Event.filter(entity_id=account.id, type__endswith=".updated")
    assert current.images is not None and current.payload == {}
    earlier = await Event.create(
        organization_id=org, type=current.type, entity_type=current.entity_type, entity_id=account.id,
        sequence=current.sequence + 1, occurred_at=current.occurred_at, payload=current.images,
        payload_table=current.payload_table,
    )  # fmt: skip
    assert earlier.images is None
    await render_payloads([current, earlier])
    assert earlier.payload == current.payload
    assert set(current.payload) == {"old", "new"} and current.payload["new"]["name"] == "N"


async def test_a_stale_version_writes_nothing(tenant):
    org = uuid.UUID(tenant.organization_id)
    account = await Account.create(organization_id=org, code="s", name="S")
    await update_versioned(Account, org, account.id, 1, {"name": "S2"}, "tester")
    with pytest.raises(InputErrors):
        await update_versioned(Account, org, account.id, 1, {"name": "S3"}, "tester")
    with pytest.raises(InputErrors):
        await update_versioned(Account, org, uuid.uuid4(), 1, {"name": "S3"}, "tester")
    assert [e.sequence for e in await Event.filter(entity_id=account.id, type__endswith=".updated")] == [1]
    assert (await Account.get(id=account.id)).name == "S2"


async def test_sequences_continue_from_the_first_event_under_concurrent_writers(tenant, settings):
    """An entity's first event creates its counter (the read-back finds none and records it
    with the upsert); later ones add to it. Versioned updates and other writers of the same
    entity at once, some rolled back: the committed events are numbered 1..n, no gap."""
    org = uuid.UUID(tenant.organization_id)
    account = await Account.create(organization_id=org, code="c", name="C")  # no event yet
    pool = await asyncpg.create_pool(asyncpg_url(settings.database_url), min_size=8, max_size=8)

    async def versioned_updates() -> int:
        for version in range(1, 7):
            await update_versioned(Account, org, account.id, version, {"name": f"C{version}"}, "tester")
        return 6

    try:
        others = (
            record_or_roll_back(pool, org, "configuration.account.updated", "account", account.id, n) for n in range(12)
        )
        *committed, updates = await asyncio.gather(*others, versioned_updates())
    finally:
        await pool.close()
    sequences = sorted(e.sequence for e in await Event.filter(organization_id=org, entity_id=account.id))
    assert sum(committed) == 8 and updates == 6
    assert sequences == list(range(1, 15))


TYPES = ["configuration.account.updated", "billing.bill.updated", "a.b", "single", ".dotted", "a..b"]
PATTERNS = [
    "*", "configuration.*", "configuration.account.*", "configuration.account.updated", "configuration.acc.*",
    "configuration.account.updated.*", "billing.*", "a.*", "a.b", "a.b.*", "single", "single.*", "sing.*", ".*",
    "configuration.account.updated*", "a..*", "a.", "a.b*",
]  # fmt: skip


@pytest.mark.parametrize("event_type", TYPES)
async def test_the_notification_rule_selects_what_the_dispatcher_matches(tenant, event_type):
    """The statements that record events notify by the SQL rule (record.pattern_selects);
    the dispatcher delivers by `matches`: the same patterns select the same types."""
    sql = (
        "SELECT p.pattern FROM unnest($1::text[]) AS p(pattern), (SELECT $2::text AS type) AS i"
        f" WHERE {pattern_selects('i.type')}"
    )
    async with connection() as conn:
        selected = {r["pattern"] for r in await conn.fetch(sql, PATTERNS, event_type)}
    assert selected == {p for p in PATTERNS if matches([p], event_type)}


@pytest.mark.parametrize("event_type", TYPES)
async def test_both_forms_of_wanted_agree_with_the_dispatcher(tenant, event_type):
    """record.wanted over the inserted rows' types (the batch statements), over one type
    given as a parameter, and record.wanted_by_patterns over the type's selecting patterns
    (the versioned update's): for a destination with each pattern, all say it wants the type
    exactly when the dispatcher would deliver it."""
    org = uuid.UUID(tenant.organization_id)
    by_rows = f"WITH inserted AS (SELECT $2::text AS type) SELECT {wanted(', inserted AS i', 'i.type')}"
    by_parameter = f"SELECT {wanted('', '$2::text')}"
    by_patterns = f"SELECT $2::text IS NOT NULL AND {wanted_by_patterns('$3::text[]')}"
    destination = await WebhookDestination.create(
        organization_id=org, name="d", url="https://example.com/h", event_types=[], secret_encrypted="x"
    )
    for pattern in PATTERNS:
        destination.event_types = [pattern]
        await destination.save()
        expected = matches([pattern], event_type)
        async with connection() as conn:
            assert await conn.fetchval(by_rows, org, event_type) is expected, pattern
            assert await conn.fetchval(by_parameter, org, event_type) is expected, pattern
            patterns = selecting_patterns(event_type)
            assert await conn.fetchval(by_patterns, org, event_type, patterns) is expected, pattern


@pytest.mark.parametrize(
    ("patterns", "notified"), [([], True), (["configuration.account.*"], True), (["billing.*"], False)]
)
async def test_an_update_notifies_when_a_destination_wants_it(tenant, settings, patterns, notified):
    org = uuid.UUID(tenant.organization_id)
    account = await Account.create(organization_id=org, code="n", name="N")
    await WebhookDestination.create(
        organization_id=org, name="d", url="https://example.com/h", event_types=patterns, secret_encrypted="x"
    )
    listener = await asyncpg.connect(asyncpg_url(settings.database_url))
    received: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener(EVENTS_CHANNEL, lambda *args: received.put_nowait(args[3]))
    try:
        await update_versioned(Account, org, account.id, 1, {"name": "N2"}, "tester")
        # A marker notified after it: once it arrives, the update's would have too.
        async with connection() as conn:
            await conn.execute(f"NOTIFY {EVENTS_CHANNEL}, 'marker'")
        first = await asyncio.wait_for(received.get(), 5)
        event = await updated_event(account.id)
        assert first == (f"{org}:{event.id}" if notified else "marker")
    finally:
        await listener.close()
