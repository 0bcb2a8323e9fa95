"""Streamed exports (SEMANTICS §15): exact CSV and JSON Lines of each kind, the §15.3
example, the formula guard, filters refused with 400, and who may read what."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.models.accounts import Account
from app.models.billing import Bill, BillLineItem
from app.models.catalog import Aggregation
from tests.graphql.test_usage import ingested
from tests.workers import ingest_queue, make_meter  # noqa: F401 - fixture

METER_FIELDS = [
    {"category": "WHO", "code": "region", "name": "Region"},
    {"category": "MEASURE", "code": "bytes", "name": "Bytes"},
]


def auth(tenant, token: str | None = None) -> dict:
    return {"Authorization": f"Bearer {token or tenant.token}"}


async def get(tenant, path: str, token: str | None = None, **params: str):
    return await tenant.client.get(path, params=params, headers=auth(tenant, token))


@pytest.fixture
async def usage_data(tenant, ingest_queue):
    """SEMANTICS §15.3: SUM, quantityPerUnit 1000, rounding UP; 1,200 on 10-03, 300 on 10-05."""
    meter = await make_meter(tenant.organization_id, "traffic", METER_FIELDS, [])
    aggregation = await Aggregation.create(
        organization_id=tenant.organization_id,
        meter_id=meter.id,
        code="kb",
        name="KB",
        target_field="bytes",
        aggregation="SUM",
        quantity_per_unit=Decimal(1000),
        rounding="UP",
        unit="KB",
    )
    items = [
        {
            "meter": "traffic",
            "account": "acme",
            "ts": "2024-10-03T10:00:00Z",
            "uid": "u1",
            "who": {"region": "=cmd"},
            "measure": {"bytes": 1200},
        },
        {
            "meter": "traffic",
            "account": "acme",
            "ts": "2024-10-05T10:00:00Z",
            "uid": "u2",
            "who": {"region": "eu, west"},
            "measure": {"bytes": 300},
        },
    ]
    await ingested(tenant, items)
    account = await Account.get(organization_id=tenant.organization_id, code="acme")
    return meter, aggregation, account


async def test_usage_day_gives_2_and_1_units_month_gives_2_not_3(tenant, usage_data):
    _, aggregation, account = usage_data
    common = {"from": "2024-10-01", "to": "2024-11-01"}
    day = await get(tenant, "/exports/usage.csv", granularity="DAY", **common)
    assert day.status_code == 200, day.text
    assert day.headers["content-type"] == "text/csv; charset=utf-8"
    header = (
        "accountId,accountCode,aggregationId,compoundAggregationId,code,segment,periodStart,periodEnd,"
        "quantity,units,unit,measurementCount\r\n"
    )
    assert day.content.decode() == (
        header
        + f"{account.id},acme,{aggregation.id},,kb,,2024-10-03T00:00:00Z,2024-10-04T00:00:00Z,1200,2,KB,1\r\n"
        + f"{account.id},acme,{aggregation.id},,kb,,2024-10-05T00:00:00Z,2024-10-06T00:00:00Z,300,1,KB,1\r\n"
    )
    month = await get(tenant, "/exports/usage.jsonl", granularity="MONTH", **common)
    assert month.headers["content-type"] == "application/x-ndjson"
    assert month.text == (
        f'{{"accountId":"{account.id}","accountCode":"acme","aggregationId":"{aggregation.id}",'
        '"compoundAggregationId":null,"code":"kb","segment":null,"periodStart":"2024-10-01T00:00:00Z",'
        '"periodEnd":"2024-11-01T00:00:00Z","quantity":"1500","units":"2","unit":"KB","measurementCount":2}\n'
    )


async def test_measurements_csv_and_jsonl_with_the_formula_guard(tenant, usage_data):
    csv = await get(tenant, "/exports/measurements.csv")
    assert csv.status_code == 200, csv.text
    assert csv.content.decode() == (
        "uid,meter,account,ts,ets,who.region,measure.bytes\r\n"
        "u1,traffic,acme,2024-10-03T10:00:00Z,,'=cmd,1200\r\n"
        'u2,traffic,acme,2024-10-05T10:00:00Z,,"eu, west",300\r\n'
    )
    jsonl = await get(tenant, "/exports/measurements.jsonl", **{"from": "2024-10-04T00:00:00+00:00"})
    assert jsonl.text == (
        '{"uid":"u2","meter":"traffic","account":"acme","ts":"2024-10-05T10:00:00Z","ets":null,'
        '"who.region":"eu, west","measure.bytes":"300"}\n'
    )


async def make_bill(tenant, account_code: str, lines: int, bill_date: date = date(2024, 11, 1)) -> Bill:
    org = tenant.organization_id
    account = await Account.create(organization_id=org, code=account_code, name=account_code)
    bill = await Bill.create(
        organization_id=org,
        account_id=account.id,
        account_code=account_code,
        bill_date=bill_date,
        due_date=date(2024, 12, 1),
        start_date=date(2024, 10, 1),
        end_date=date(2024, 11, 1),
        billing_frequency="MONTHLY",
        currency="USD",
        bill_total=Decimal("12.50") * lines,
    )
    for position in range(lines):
        await BillLineItem.create(
            organization_id=org,
            bill_id=bill.id,
            position=position,
            line_item_type="STANDING_CHARGE",
            description="-Seat fee" if position else "Base",
            subtotal=Decimal("12.50"),
            currency="USD",
            converted_subtotal=Decimal("12.50"),
            quantity=Decimal("1.000"),
            service_period_start=datetime(2024, 10, 1, tzinfo=UTC),
        )
    return bill


async def test_a_bill_with_two_lines_is_two_csv_rows_and_one_json_line(tenant):
    bill = await make_bill(tenant, "acme", 2)
    empty = await make_bill(tenant, "bare", 0, date(2024, 10, 1))
    csv = await get(tenant, "/exports/bills.csv", **{"from": "2024-10-01", "to": "2024-12-01"})
    assert csv.status_code == 200, csv.text
    rows = csv.content.decode().split("\r\n")
    assert rows[-1] == "" and len(rows) == 1 + 3 + 1  # header, the empty bill, two lines
    assert rows[0].startswith("id,accountId,accountCode,billDate,") and ",lineItem.id,lineItem.lineItemType," in rows[0]
    assert rows[1].startswith(f"{empty.id},") and rows[1].endswith(",,,,,")  # no lines: one row
    assert rows[2].startswith(f"{bill.id},{bill.account_id},acme,2024-11-01,2024-12-01,2024-10-01,2024-11-01,")
    assert ",STANDING_CHARGE,Base," in rows[2] and ",STANDING_CHARGE,'-Seat fee," in rows[3]
    jsonl = await get(tenant, "/exports/bills.jsonl", accountIds=str(bill.account_id))
    lines = jsonl.text.split("\n")
    assert len(lines) == 2 and lines[1] == ""
    assert '"billTotal":"25.00"' in lines[0] and lines[0].count('"lineItemType":"STANDING_CHARGE"') == 2
    assert '"servicePeriodStartDate":"2024-10-01T00:00:00Z"' in lines[0] and '"quantity":"1.000"' in lines[0]


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/exports/bills.csv", {"meterIds": "x"}, "meterIds: unknown filter"),
        ("/exports/bills.csv", {"status": "DONE"}, "status: must be one of PENDING, APPROVED"),
        ("/exports/measurements.jsonl", {"accountIds": "nope"}, "accountIds:"),
        ("/exports/usage.csv", {"from": "2024-10-01"}, "to: a usage export needs from and to"),
        ("/exports/usage.csv", {"from": "2024-10-02", "to": "2024-10-01"}, "to: must be after from"),
        ("/exports/usage.csv", {"from": "1990-01-01", "to": "2024-10-01", "granularity": "DAY"}, "more than"),
        # 500s before the bounds (app.domain.date_range): the driver refused year 0 in UTC,
        # the usage periods stepped into year 10000.
        ("/exports/measurements.csv", {"from": "0001-01-01T00:00:00+14:00"}, "from: must be between 1900-01-01"),
        ("/exports/usage.jsonl", {"from": "9999-12-30", "to": "9999-12-31"}, "from: must be between 1900-01-01"),
    ],
)
async def test_bad_filters_are_400_with_a_message(tenant, path, params, message):
    response = await get(tenant, path, **params)
    assert response.status_code == 400, response.text
    assert message in response.json()["message"]


async def test_401_without_token_403_without_permission_and_never_another_organization(tenant, other_tenant):
    await make_bill(tenant, "mine", 1)
    assert (await tenant.client.get("/exports/bills.csv")).status_code == 401
    other = await get(other_tenant, "/exports/bills.jsonl")
    assert other.status_code == 200 and other.text == ""
    ingest_only = await token_with_policy(tenant, "IngestOnly")
    for path in ("/exports/bills.csv", "/exports/measurements.csv", "/exports/usage.csv?from=2024-10-01&to=2024-11-01"):
        response = await tenant.client.get(path, headers=auth(tenant, ingest_only))
        assert response.status_code == 403, (path, response.text)
    read_only = await token_with_policy(tenant, "ReadOnly")
    assert (await get(tenant, "/exports/bills.csv", read_only)).status_code == 200


async def token_with_policy(tenant, policy: str) -> str:
    """A bearer token of a new service user of `tenant` holding only the managed `policy`."""
    from tests.graphql.test_permissions_enforced import principal

    return await principal(tenant, managed=[policy])


async def test_a_bill_denied_by_item_is_left_out(tenant):
    """SEMANTICS §2.3: a DENY on one bill holds in exports too; an export job, which writes
    the whole collection, is refused to that reader."""
    from tests.graphql.test_permissions_enforced import custom_policy, principal

    shown, hidden = await make_bill(tenant, "shown", 1), await make_bill(tenant, "hidden", 1)
    policy = await custom_policy(
        tenant,
        "all but one bill",
        [
            {"effect": "ALLOW", "action": ["config:retrieve", "config:create"], "resource": ["*"]},
            {"effect": "DENY", "action": ["config:retrieve"], "resource": [f"config:bill/item/{hidden.id}"]},
        ],
    )
    token = await principal(tenant, custom=[policy])
    response = await get(tenant, "/exports/bills.jsonl", token)
    assert response.status_code == 200, response.text
    assert str(shown.id) in response.text and str(hidden.id) not in response.text
    assert str(hidden.id) in (await get(tenant, "/exports/bills.jsonl")).text  # the administrator sees both
    job = await tenant.gql(
        "mutation { createExportJob(input: {kind: BILLS, format: CSV}) { exportJob { id } } }", token=token
    )
    assert job["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_streams_past_the_limit_are_503_and_every_stream_gives_its_slot_back(tenant):
    from app.http.exports import STREAMS

    await make_bill(tenant, "acme", 1)
    assert STREAMS.running == 0
    for path in ("/exports/bills.csv", "/exports/measurements.jsonl"):
        assert (await get(tenant, path)).status_code == 200
    assert (await get(tenant, "/exports/usage.csv", **{"from": "2024-10-02", "to": "2024-10-01"})).status_code == 400
    assert STREAMS.running == 0  # after a whole stream, and after a refusal
    limit, STREAMS.limit = STREAMS.limit, 0  # a process already running its limit
    try:
        busy = await get(tenant, "/exports/bills.csv")
    finally:
        STREAMS.limit = limit
    assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
    assert STREAMS.running == 0
