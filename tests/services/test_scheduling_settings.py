"""The schedule settings of updateOrganizationConfig (SEMANTICS §13.1): accepted values,
refusals at the exact input path with nothing changed, and the next scheduled run shown."""

from datetime import UTC, datetime

import pytest

from tests.case_ids import case_id
from tests.conftest import data_of

FIELDS = (
    "version timezone scheduledBillInterval scheduledBillOffset autoApproveBillsGracePeriod "
    "autoApproveBillsGracePeriodUnit nextScheduledRun"
)
CONFIG = "{ organizationConfig { " + FIELDS + " } }"
UPDATE = (
    "mutation($input: UpdateOrganizationConfigInput!) { updateOrganizationConfig(input: $input) { "
    "organizationConfig { " + FIELDS + " } userErrors { field code message } } }"
)


async def config_of(tenant) -> dict:
    return data_of(await tenant.gql(CONFIG))["organizationConfig"]


async def update(tenant, **fields) -> dict:
    version = (await config_of(tenant))["version"]
    return data_of(await tenant.gql(UPDATE, {"input": {"version": version, **fields}}))["updateOrganizationConfig"]


async def test_off_by_default(tenant):
    config = await config_of(tenant)
    assert (config["scheduledBillInterval"], config["scheduledBillOffset"], config["nextScheduledRun"]) == (
        "0",
        0,
        None,
    )
    assert (config["autoApproveBillsGracePeriod"], config["autoApproveBillsGracePeriodUnit"]) == (None, None)


async def test_daily_at_offset_with_grace(tenant):
    payload = await update(
        tenant,
        timezone="Europe/Berlin",
        scheduledBillInterval="24",
        scheduledBillOffset=2,
        autoApproveBillsGracePeriod=2,
        autoApproveBillsGracePeriodUnit="HOURS",
    )
    assert payload["userErrors"] == []
    config = payload["organizationConfig"]
    assert (config["scheduledBillInterval"], config["scheduledBillOffset"]) == ("24", 2)
    assert (config["autoApproveBillsGracePeriod"], config["autoApproveBillsGracePeriodUnit"]) == (2, "HOURS")
    # The next run is a 02:00 in Berlin (00:00 or 01:00 UTC), within a day from now.
    upcoming = datetime.fromisoformat(config["nextScheduledRun"])
    assert upcoming.astimezone(UTC).hour in (0, 1)
    assert 0 < (upcoming - datetime.now(UTC)).total_seconds() <= 25 * 3600


async def test_quarter_hour_interval(tenant):
    payload = await update(tenant, scheduledBillInterval="0.25")
    assert payload["userErrors"] == []
    assert datetime.fromisoformat(payload["organizationConfig"]["nextScheduledRun"]).minute in (0, 15, 30, 45)


@pytest.mark.parametrize(
    ("fields", "path", "code"),
    [
        ({"scheduledBillInterval": "5"}, "scheduledBillInterval", "INVALID"),
        ({"scheduledBillInterval": "-1"}, "scheduledBillInterval", "INVALID"),
        ({"scheduledBillInterval": None}, "scheduledBillInterval", "INVALID"),
        ({"scheduledBillInterval": "6", "scheduledBillOffset": 2}, "scheduledBillOffset", "INVALID"),
        ({"scheduledBillInterval": "24", "scheduledBillOffset": 24}, "scheduledBillOffset", "INVALID"),
        ({"scheduledBillOffset": 3}, "scheduledBillOffset", "INVALID"),  # the stored interval is 0
        ({"autoApproveBillsGracePeriod": 2}, "autoApproveBillsGracePeriodUnit", "REQUIRED"),
        ({"autoApproveBillsGracePeriodUnit": "DAYS"}, "autoApproveBillsGracePeriod", "REQUIRED"),
        (
            {"autoApproveBillsGracePeriod": 0, "autoApproveBillsGracePeriodUnit": "DAYS"},
            "autoApproveBillsGracePeriod",
            "INVALID",
        ),
    ],
    ids=case_id,
)
async def test_refused_at_the_path_and_nothing_changes(tenant, fields, path, code):
    before = await config_of(tenant)
    payload = await update(tenant, **fields)
    assert payload["organizationConfig"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", path], code)]
    assert await config_of(tenant) == before


async def test_leaving_daily_drops_the_offset_and_grace_clears_together(tenant):
    await update(tenant, scheduledBillInterval="24", scheduledBillOffset=5)
    assert (await update(tenant, scheduledBillInterval="6"))["organizationConfig"]["scheduledBillOffset"] == 0
    await update(tenant, autoApproveBillsGracePeriod=30, autoApproveBillsGracePeriodUnit="MINUTES")
    cleared = await update(tenant, autoApproveBillsGracePeriod=None, autoApproveBillsGracePeriodUnit=None)
    assert cleared["userErrors"] == []
    assert cleared["organizationConfig"]["autoApproveBillsGracePeriod"] is None
