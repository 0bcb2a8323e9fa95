"""The `pricingPreview` query: what N units would cost under bands being edited.

The resolver only converts the input to plain data; `services.catalog.pricing_preview`
prices it with the domain band function that bill runs use.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from app.domain.bands import Charge
from app.graphql.authorization import authorize
from app.graphql.billing.types import PricingBandUsage
from app.graphql.context import Info
from app.graphql.errors import UserError, respond
from app.services.catalog.pricing_preview import PreviewCharge, preview_charge

READ = "config:retrieve"


def _text(description: str) -> Any:
    return strawberry.field(default=None, description=description)


@strawberry.input(
    description="A pricing band being edited; numbers as text, so a malformed one is reported on its cell."
)
class PricingPreviewBandInput:
    lower_limit: str | None = _text("Units from which the band applies (the first band's is 0).")
    unit_price: str | None = _text("Price of each unit in the band.")
    fixed_price: str | None = _text("Price charged once the band is entered; empty means 0.")


@strawberry.input(description="Bands and a number of units to price, as a bill run would.")
class PricingPreviewInput:
    pricing_bands: list[PricingPreviewBandInput] = strawberry.field(
        description="The bands, ascending lowerLimit, the first at 0."
    )
    cumulative: bool = strawberry.field(
        description="true: tiered; false: volume (stairstep when every unit price is 0)."
    )
    units: str = strawberry.field(description="Units to price (after quantityPerUnit and rounding).")
    previous_units: str | None = _text("Units of earlier periods of the account plan (tiersSpanPlan); default 0.")
    quantity_per_unit: str | None = _text("Raw quantity per unit, for each band's quantity; default 1.")


@strawberry.type(description="The exact charge of the previewed units, unrounded, with its per-band breakdown.")
class PricingPreviewCharge:
    units: Decimal = strawberry.field(description="The units priced.")
    subtotal: Decimal = strawberry.field(
        description="What they cost, exact (rounding to the currency happens on the bill)."
    )
    average_unit_price: Decimal = strawberry.field(description="subtotal / units; 0 when units is 0.")
    bands: list[PricingBandUsage] = strawberry.field(description="What each band touched contributed.")


@strawberry.type(description="The charge, or the userErrors of the input (e.g. on one band's cell).")
class PricingPreviewPayload:
    charge: PricingPreviewCharge | None = strawberry.field(
        description="The charge; null when the input has userErrors."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input, each with its path.")


def _command(value: PricingPreviewInput) -> PreviewCharge:
    bands = [
        {"lowerLimit": band.lower_limit, "unitPrice": band.unit_price, "fixedPrice": band.fixed_price}
        for band in value.pricing_bands
    ]
    return PreviewCharge(
        pricing_bands=bands,
        cumulative=value.cumulative,
        units=value.units,
        previous_units=value.previous_units,
        quantity_per_unit=value.quantity_per_unit,
    )


@strawberry.type
class PricingPreviewQuery:
    @strawberry.field(
        description="What `units` would cost under the given bands, computed by the band function "
        "bill runs use. Stores nothing.",
        extensions=authorize(READ, "pricing"),
    )
    async def pricing_preview(self, info: Info, input: PricingPreviewInput) -> PricingPreviewPayload:
        return await respond(PricingPreviewPayload, "charge", lambda: preview_charge(_command(input)), _charge)


def _charge(charge: Charge) -> PricingPreviewCharge:
    bands = [PricingBandUsage.of_domain(band) for band in charge.bands]
    return PricingPreviewCharge(
        units=charge.units, subtotal=charge.subtotal, average_unit_price=charge.average_unit_price, bands=bands
    )
