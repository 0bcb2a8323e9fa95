"""Export filters at their edges (SEMANTICS §15.1, CONTRACT §5): a parameter given twice,
empty and reversed ranges, ids of nothing or of another organization, the id-list bound,
a DAY across a clock change, and the headers of the streamed response."""

from __future__ import annotations

import uuid
from datetime import date

from app.models.organization import OrganizationConfig
from tests.graphql.test_usage import ingested
from tests.http.test_exports import get, make_bill
from tests.workers import ingest_queue, make_meter  # noqa: F401 - fixture


async def test_a_parameter_given_twice_is_refused_not_half_read(tenant):
    one, two = await make_bill(tenant, "one", 1), await make_bill(tenant, "two", 1)
    response = await tenant.client.get(
        f"/exports/bills.csv?accountIds={one.account_id}&accountIds={two.account_id}",
        headers={"Authorization": f"Bearer {tenant.token}"},
    )
    # Reading only the last value would export `two` alone, as if `one` had no bill.
    assert response.status_code == 400, response.text
    assert "accountIds: given more than once" in response.json()["message"]
    both = await get(tenant, "/exports/bills.csv", accountIds=f"{one.account_id},{two.account_id}")
    assert both.status_code == 200 and str(one.id) in both.text and str(two.id) in both.text


async def test_an_empty_or_reversed_range_is_refused(tenant):
    for low, high in (("2024-11-01", "2024-11-01"), ("2024-11-02", "2024-11-01")):
        response = await get(tenant, "/exports/bills.jsonl", **{"from": low, "to": high})
        assert response.status_code == 400 and "to: must be after from" in response.json()["message"]
    # The same instant written in two offsets is the same bound.
    same = await get(
        tenant, "/exports/measurements.csv", **{"from": "2024-10-01T02:00:00+02:00", "to": "2024-10-01T00:00:00Z"}
    )
    assert same.status_code == 400 and "to: must be after from" in same.json()["message"]


async def test_ids_of_nothing_or_of_another_organization_export_nothing(tenant, other_tenant):
    theirs = await make_bill(other_tenant, "theirs", 1)
    await make_bill(tenant, "mine", 1)
    for ids in (str(theirs.account_id), str(uuid.uuid4())):
        csv = await get(tenant, "/exports/bills.csv", accountIds=ids)
        assert csv.status_code == 200 and csv.text.count("\r\n") == 1  # the header only
        assert (await get(tenant, "/exports/bills.jsonl", accountIds=ids)).text == ""


async def test_at_most_1000_ids(tenant):
    ids = [str(uuid.uuid4()) for _ in range(1001)]
    assert (await get(tenant, "/exports/bills.jsonl", accountIds=",".join(ids[:1000]))).status_code == 200
    refused = await get(tenant, "/exports/bills.jsonl", accountIds=",".join(ids))
    assert refused.status_code == 400 and "accountIds" in refused.json()["message"]


async def test_headers_of_a_streamed_export(tenant):
    await make_bill(tenant, "acme", 1, date(2024, 11, 1))
    for path, media, name in (
        ("/exports/bills.csv", "text/csv; charset=utf-8", "bills.csv"),
        ("/exports/bills.jsonl", "application/x-ndjson", "bills.jsonl"),
    ):
        response = await get(tenant, path)
        assert response.headers["content-type"] == media
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
        assert response.headers["cache-control"] == "no-store"


async def test_a_day_across_a_clock_change_is_25_hours(tenant, ingest_queue):
    await OrganizationConfig.filter(organization_id=tenant.organization_id).update(timezone="Europe/London")
    await make_meter(tenant.organization_id, "calls", [{"category": "MEASURE", "code": "n", "name": "N"}], [])
    from app.models.catalog import Aggregation, Meter

    meter = await Meter.get(organization_id=tenant.organization_id, code="calls")
    await Aggregation.create(
        organization_id=tenant.organization_id,
        meter_id=meter.id,
        code="n",
        name="N",
        target_field="n",
        aggregation="SUM",
    )
    # 2024-10-27, Europe/London: BST ends at 01:00 UTC, so the local day runs 23:00Z → 00:00Z.
    items = [
        {"meter": "calls", "account": "acme", "ts": ts, "uid": ts, "measure": {"n": 1}}
        for ts in ("2024-10-26T23:30:00Z", "2024-10-27T23:30:00Z")
    ]
    await ingested(tenant, items)
    response = await get(
        tenant, "/exports/usage.jsonl", granularity="DAY", **{"from": "2024-10-27", "to": "2024-10-28"}
    )
    assert response.status_code == 200, response.text
    [line] = response.text.splitlines()
    assert '"periodStart":"2024-10-26T23:00:00Z","periodEnd":"2024-10-28T00:00:00Z"' in line
    assert '"quantity":"2"' in line and '"measurementCount":2' in line
