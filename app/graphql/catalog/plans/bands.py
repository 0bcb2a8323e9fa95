"""PricingBand as the plan types show it, and the two enums they show beside it (BillFrequency, PricingType)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from app.domain.catalog.pricing import PricingType as DomainPricingType
from app.domain.periods import BillFrequency as DomainBillFrequency

BillFrequency = strawberry.enum(
    DomainBillFrequency,
    name="BillFrequency",
    description="How often a plan bills: every interval days, weeks, months or years.",
)
PricingType = strawberry.enum(
    DomainPricingType,
    name="PricingType",
    description="What a pricing produces: a debit (charge), a product credit or a global credit.",
)


@strawberry.type(
    description=(
        "A pricing band: from lowerLimit (exclusive, except 0 for the first band) up to the next band's lowerLimit."
    )
)
class PricingBand:
    lower_limit: Decimal = strawberry.field(description="Units from which this band applies (the first band's is 0).")
    unit_price: Decimal = strawberry.field(description="Price of each unit in this band.")
    fixed_price: Decimal = strawberry.field(description="Price charged once the band is entered.")

    @classmethod
    def list_of(cls, bands: list[dict[str, str]]) -> list[PricingBand]:
        return [
            cls(
                lower_limit=Decimal(b["lowerLimit"]),
                unit_price=Decimal(b["unitPrice"]),
                fixed_price=Decimal(b["fixedPrice"]),
            )
            for b in bands
        ]
