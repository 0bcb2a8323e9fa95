"""Organization config bounds through the public GraphQL API (SEMANTICS §2.1; CONTRACT §3:
userErrors at exact input paths, and a payload with userErrors changed nothing)."""

import pytest

from tests.case_ids import case_id
from tests.conftest import data_of
from tests.graphql.test_organization import add_currency, config_of, update

FULL = (
    "{ organizationConfig { version timezone currency daysBeforeBillDue billPrefix sequenceStartNumber "
    "currencyConversions { from to multiplier } } }"
)


async def full_config(tenant) -> dict:
    return data_of(await tenant.gql(FULL))["organizationConfig"]


def errors(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


@pytest.mark.parametrize(
    "field",
    ["timezone", "currency", "daysBeforeBillDue", "sequenceStartNumber"],
    ids=case_id,
)
async def test_null_for_a_required_field_is_required_and_changes_nothing(tenant, field):
    before = await full_config(tenant)
    payload = await update(tenant, **{field: None})
    assert payload["organizationConfig"] is None
    assert errors(payload) == [(["input", field], "REQUIRED")]
    assert await full_config(tenant) == before


@pytest.mark.parametrize("start", [0, 100, 999_999_999], ids=case_id)
async def test_sequence_start_numbers_within_the_bound_are_kept(tenant, start):
    payload = await update(tenant, billPrefix="INV-", sequenceStartNumber=start)
    assert payload["userErrors"] == []
    assert (await full_config(tenant))["sequenceStartNumber"] == start


@pytest.mark.parametrize("start", [-1, 1_000_000_000, 2_147_483_647], ids=case_id)
async def test_sequence_start_numbers_beyond_the_bound_are_refused(tenant, start):
    # 2,147,483,647 used to be stored; then the first numbered bill overflowed the 32-bit
    # counter and every bill of the run failed "could not be stored: internal error".
    before = await full_config(tenant)
    payload = await update(tenant, billPrefix="INV-", sequenceStartNumber=start)
    assert errors(payload) == [(["input", "sequenceStartNumber"], "INVALID")]
    assert await full_config(tenant) == before


@pytest.mark.parametrize(
    "timezone",
    [
        "+13:45",  # Chatham Islands' summer offset, fixed
        "-14:00",
        "UTC+14:00",
        "Pacific/Chatham",
        "Australia/Lord_Howe",  # 30-minute DST shift
        "America/Sao_Paulo",  # DST changes used to skip midnight
        "Pacific/Auckland",
        "Etc/GMT+5",
    ],
    ids=case_id,
)
async def test_zones_with_odd_offsets_are_accepted(tenant, timezone):
    payload = await update(tenant, timezone=timezone)
    assert payload["userErrors"] == []
    assert (await config_of(tenant))["timezone"] == timezone


@pytest.mark.parametrize(
    "timezone",
    ["+14:01", "+13:60", "+530", "right/UTC", "posixrules", "localtime", "europe/berlin"],
    ids=case_id,
)
async def test_unusable_zones_are_refused(tenant, timezone):
    before = await full_config(tenant)
    payload = await update(tenant, timezone=timezone)
    assert errors(payload) == [(["input", "timezone"], "INVALID")]
    assert await full_config(tenant) == before


async def test_a_thirty_digit_multiplier_is_kept_exactly(tenant):
    await add_currency(tenant, "EUR")
    rate = "123456789012345.678901234567891"  # 30 significant digits, the most a Decimal may carry
    payload = await update(tenant, currencyConversions=[{"from": "EUR", "to": "USD", "multiplier": rate}])
    assert payload["userErrors"] == []
    assert (await full_config(tenant))["currencyConversions"] == [{"from": "EUR", "to": "USD", "multiplier": rate}]


@pytest.mark.parametrize(
    ("conversion", "path", "code"),
    [
        ({"from": "EUR", "to": "USD", "multiplier": "0"}, "multiplier", "INVALID"),
        ({"from": "EUR", "to": "USD", "multiplier": "-1.25"}, "multiplier", "INVALID"),
        ({"from": "EUR", "to": "USD", "multiplier": "0E-30"}, "multiplier", "INVALID"),
        ({"from": "EUR", "to": "XTS", "multiplier": "1.1"}, "to", "NOT_FOUND"),
        ({"from": "usd", "to": "EUR", "multiplier": "1.1"}, "from", "NOT_FOUND"),  # codes are case-sensitive
        ({"from": "EUR", "to": "EUR", "multiplier": "1"}, "to", "INVALID"),
    ],
    ids=case_id,
)
async def test_bad_conversions_are_refused_at_their_path(tenant, conversion, path, code):
    await add_currency(tenant, "EUR")
    good = {"from": "USD", "to": "EUR", "multiplier": "0.9"}
    before = await full_config(tenant)
    payload = await update(tenant, currencyConversions=[good, conversion])
    assert errors(payload) == [(["input", "currencyConversions", "1", path], code)]
    assert await full_config(tenant) == before


async def test_a_pair_listed_twice_is_a_duplicate(tenant):
    await add_currency(tenant, "EUR")
    pair = {"from": "EUR", "to": "USD", "multiplier": "1.1"}
    payload = await update(tenant, currencyConversions=[pair, {**pair, "multiplier": "1.2"}])
    assert errors(payload) == [(["input", "currencyConversions", "1", "from"], "DUPLICATE")]
