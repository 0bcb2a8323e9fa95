"""pricingPreview prices bands being edited with the band function bill runs use."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.bands import PricingBand, band_charge
from tests.conftest import data_of

PREVIEW = """
query Preview($input: PricingPreviewInput!) {
  pricingPreview(input: $input) {
    charge { units subtotal averageUnitPrice bands { lowerLimit unitPrice fixedPrice bandUnits bandSubtotal } }
    userErrors { field code message }
  }
}"""

BANDS = [
    {"lowerLimit": "0", "unitPrice": "1.50", "fixedPrice": "10"},
    {"lowerLimit": "100", "unitPrice": "1.00"},
    {"lowerLimit": "1000", "unitPrice": "0.25", "fixedPrice": ""},
]


async def _preview(tenant, **input_):
    result = data_of(await tenant.gql(PREVIEW, {"input": input_}))
    return result["pricingPreview"]


@pytest.mark.parametrize("cumulative", [True, False])
@pytest.mark.parametrize("units,previous", [("0", "0"), ("100", "0"), ("250.5", "0"), ("1200", "0"), ("50", "980")])
async def test_preview_equals_the_billing_band_charge(tenant, cumulative, units, previous) -> None:
    preview = await _preview(tenant, pricingBands=BANDS, cumulative=cumulative, units=units, previousUnits=previous)
    assert preview["userErrors"] == []
    bands = [
        PricingBand(Decimal(b["lowerLimit"]), Decimal(b["unitPrice"]), Decimal(b.get("fixedPrice") or 0)) for b in BANDS
    ]
    expected = band_charge(bands, Decimal(units), cumulative=cumulative, previous_units=Decimal(previous))
    assert Decimal(preview["charge"]["subtotal"]) == expected.subtotal
    assert [Decimal(b["bandSubtotal"]) for b in preview["charge"]["bands"]] == [b.band_subtotal for b in expected.bands]


async def test_tiered_preview_exact_total(tenant) -> None:
    preview = await _preview(tenant, pricingBands=BANDS, cumulative=True, units="1200")
    # 10 + 100 × 1.50 + 900 × 1.00 + 200 × 0.25
    assert Decimal(preview["charge"]["subtotal"]) == Decimal("1110.00")
    assert len(preview["charge"]["bands"]) == 3


async def test_errors_land_on_the_cells(tenant) -> None:
    bands = [
        {"lowerLimit": "0", "unitPrice": "abc"},
        {"lowerLimit": "5", "unitPrice": "1"},
        {"lowerLimit": "5", "unitPrice": "1"},
    ]
    preview = await _preview(tenant, pricingBands=bands, cumulative=True, units="x")
    assert preview["charge"] is None
    fields = {tuple(e["field"]): e["code"] for e in preview["userErrors"]}
    assert fields == {
        ("input", "pricingBands", "0", "unitPrice"): "INVALID",
        ("input", "pricingBands", "2", "lowerLimit"): "INVALID",
        ("input", "units"): "INVALID",
    }


async def test_no_bands_and_bad_quantity_per_unit(tenant) -> None:
    preview = await _preview(tenant, pricingBands=[], cumulative=False, units="1", quantityPerUnit="0")
    fields = {tuple(e["field"]) for e in preview["userErrors"]}
    assert fields == {("input", "pricingBands"), ("input", "quantityPerUnit")}


async def test_huge_numbers_are_user_errors_on_their_cells(tenant) -> None:
    # Beyond the bounds of a decimal input: refused where typed, never a server error.
    bands = [{"lowerLimit": "0", "unitPrice": "1." + "3" * 150}]
    preview = await _preview(tenant, pricingBands=bands, cumulative=True, units="1" + "1" * 150)
    assert preview["charge"] is None
    assert {tuple(e["field"]) for e in preview["userErrors"]} == {
        ("input", "pricingBands", "0", "unitPrice"),
        ("input", "units"),
    }


async def test_requires_authentication(client) -> None:
    from tests.conftest import gql

    result = await gql(client, PREVIEW, {"input": {"pricingBands": BANDS, "cumulative": True, "units": "1"}})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
