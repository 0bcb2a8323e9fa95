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
                lower_limit=_decimal(b["lowerLimit"]),
                unit_price=_decimal(b["unitPrice"]),
                fixed_price=_decimal(b["fixedPrice"]),
            )
            for b in bands
        ]


# A catalog's bands repeat a few amounts (0, its prices) hundreds of times: each text is
# made a Decimal once. A Decimal is immutable, so any number of bands may show one.
_DECIMALS: dict[str, Decimal] = {}
_DECIMALS_KEPT = 4096  # distinct texts; past that the cache starts again


def _decimal(text: str) -> Decimal:
    """`Decimal(text)`, the same value, made once per distinct text."""
    if type(text) is not str:
        return Decimal(text)
    value = _DECIMALS.get(text)
    if value is None:
        value = Decimal(text)
        if len(_DECIMALS) >= _DECIMALS_KEPT:
            _DECIMALS.clear()
        _DECIMALS[text] = value
    return value
