"""Story: each figure rounded in its own currency's places and mode (SEMANTICS §2.2;
§7.2 items 6–7: subtotal in the pricing currency, convertedSubtotal in the bill currency,
both from the exact amount; billTotal = Σ rounded converted subtotals).

EUR has 2 places rounding DOWN; JPY 0 places rounding HALF_EVEN; the organization converts
EUR → JPY at 100. A EUR plan prices 601 requests at 0.025 = 15.025 EUR exactly, billed to
a JPY account:
- subtotal: 15.025 DOWN to 2 places = 15.02 EUR (HALF_UP would give 15.03);
- convertedSubtotal: 15.025 × 100 = 1502.5 JPY, HALF_EVEN to 0 places = 1502 (the even
  neighbour; HALF_UP would give 1503, and converting the rounded 15.02 would give 1502.0
  only by luck of the mode);
- billTotal 1502 JPY.
Changing JPY to HALF_UP and recalculating gives 1503: the currency's mode is read at
calculation time.
"""

from __future__ import annotations

from decimal import Decimal

from tests.scenarios import ERRORS, Story, band, lines, money
from tests.scenarios.test_auckland_dst_bills_story import catalog

CREATE = f"""mutation($input: CreateCurrencyInput!) {{ createCurrency(input: $input) {{ currency {{ id version }}
  {ERRORS} }} }}"""
UPDATE = f"""mutation($input: UpdateCurrencyInput!) {{ updateCurrency(input: $input) {{ currency {{ id version }}
  {ERRORS} }} }}"""


def eur_catalog() -> dict:
    product = catalog()
    template = product["planTemplates"][0]
    template.update(currency="EUR", standingCharge="0")
    template["pricings"][0]["pricingBands"] = [band("0", "0.025")]
    return product


async def test_subtotal_and_converted_subtotal_round_in_their_own_currency(tenant, bill_queue):
    story = Story(tenant)
    await story.ok(CREATE, {"input": {"code": "EUR", "name": "Euro", "roundingMode": "DOWN"}}, "createCurrency")
    jpy = (
        await story.ok(
            CREATE,
            {"input": {"code": "JPY", "name": "Yen", "maxDecimalPlaces": 0, "roundingMode": "HALF_EVEN"}},
            "createCurrency",
        )
    )["currency"]
    await story.configure(currencyConversions=[{"from": "EUR", "to": "JPY", "multiplier": "100"}])
    await story.product(eur_catalog())
    await story.account("tokyo", [("usage-plan", "2024-03-01T00:00:00Z")], currency="JPY")
    await story.ingest(
        [{"meter": "app", "account": "tokyo", "ts": "2024-03-10T00:00:00Z", "measure": {"requests": 601}}]
    )
    assert (await story.bill_run(lastDateInBillingPeriod="2024-03-31"))["failures"] == []

    bill = await story.bill("tokyo", "2024-04-01")
    [line] = lines(bill)
    assert (bill["currency"], line["currency"], money(line["subtotal"]), money(line["convertedSubtotal"])) == (
        "JPY",
        "EUR",
        Decimal("15.02"),
        Decimal("1502"),
    )
    assert (line["subtotal"], line["convertedSubtotal"], bill["billTotal"]) == ("15.02", "1502", "1502")

    await story.ok(
        UPDATE, {"input": {"id": jpy["id"], "version": jpy["version"], "roundingMode": "HALF_UP"}}, "updateCurrency"
    )
    await story.recalculate([bill["id"]])
    assert (await story.bill("tokyo", "2024-04-01"))["billTotal"] == "1503"
