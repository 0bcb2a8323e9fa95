"""Bill lines as GraphQL returns them: a stored bill's `LineItem` and a previewed bill's
`PreviewLineItem` share their fields (`LineItemFields`); usage lines carry what each
pricing band contributed (`PricingBandUsage`, SEMANTICS §4.4)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.scalars import JSON

from app.domain.billing import LineType
from app.models import billing as m

if TYPE_CHECKING:
    from app.domain.billing import BillLine

LineItemType = strawberry.enum(
    LineType, name="LineItemType", description="Kind of bill line (SEMANTICS §7.2), in bill order."
)


def as_id(value: Any) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@strawberry.type(description="What one pricing band contributed to a usage line (SEMANTICS §4.4).")
class PricingBandUsage:
    lower_limit: Decimal = strawberry.field(description="The band's lower limit (exclusive except for the first band).")
    unit_price: Decimal = strawberry.field(description="The band's price per unit.")
    fixed_price: Decimal = strawberry.field(
        description="Fixed price charged for the band in this period (0 when an earlier period paid it)."
    )
    band_units: Decimal = strawberry.field(description="Units priced in this band.")
    band_quantity: Decimal = strawberry.field(
        description="Raw quantity those units stand for (units × quantityPerUnit)."
    )
    band_subtotal: Decimal = strawberry.field(
        description="What the band charged: units × unit price + fixed price, exact."
    )

    @classmethod
    def of_stored(cls, stored: dict[str, Any]) -> PricingBandUsage:
        return cls(
            lower_limit=Decimal(str(stored["lowerLimit"])),
            unit_price=Decimal(str(stored["unitPrice"])),
            fixed_price=Decimal(str(stored["fixedPrice"])),
            band_units=Decimal(str(stored["bandUnits"])),
            band_quantity=Decimal(str(stored["bandQuantity"])),
            band_subtotal=Decimal(str(stored["bandSubtotal"])),
        )

    @classmethod
    def of_domain(cls, band: Any) -> PricingBandUsage:
        return cls(
            lower_limit=band.lower_limit,
            unit_price=band.unit_price,
            fixed_price=band.fixed_price,
            band_units=band.band_units,
            band_quantity=band.band_quantity,
            band_subtotal=band.band_subtotal,
        )


@strawberry.type(description="The fields every bill line has, stored or previewed.")
class LineItemFields:
    line_item_type: LineItemType = strawberry.field(description="Kind of line.")
    description: str | None = strawberry.field(description="Text printed on the bill.")
    account_plan_id: strawberry.ID | None = strawberry.field(description="The account plan the line bills.")
    product_id: strawberry.ID | None = strawberry.field(description="The product.")
    plan_id: strawberry.ID | None = strawberry.field(description="The plan.")
    pricing_id: strawberry.ID | None = strawberry.field(description="The pricing that priced the line (usage lines).")
    aggregation_id: strawberry.ID | None = strawberry.field(description="The aggregation measured (usage lines).")
    compound_aggregation_id: strawberry.ID | None = strawberry.field(
        description="The compound aggregation measured (usage lines)."
    )
    meter_id: strawberry.ID | None = strawberry.field(description="The meter of the aggregation.")
    commitment_id: strawberry.ID | None = strawberry.field(description="The commitment (commitment lines).")
    charge_id: strawberry.ID | None = strawberry.field(description="The charge (AD_HOC and BALANCE_FEE lines).")
    plan_group_id: strawberry.ID | None = strawberry.field(
        description="The plan group (its members' lines and the group's own lines)."
    )
    counter_id: strawberry.ID | None = strawberry.field(description="The counter (COUNTER_* lines, SEMANTICS §8.2).")
    balance_id: strawberry.ID | None = strawberry.field(
        description="The balance (BALANCE_CONSUMED lines and a balance's OVERAGE_SURCHARGE, SEMANTICS §11.2)."
    )
    segment: JSON | None = strawberry.field(description="The segment priced: field code → value.")
    child_account_id: strawberry.ID | None = strawberry.field(
        description="The child account whose usage this is (parent breakdown)."
    )
    child_account_code: str | None = strawberry.field(description="Code of that child account.")
    quantity: Decimal | None = strawberry.field(description="Raw aggregated quantity.")
    units: Decimal | None = strawberry.field(description="Billable units: quantity / quantityPerUnit, rounded.")
    unit: str | None = strawberry.field(description="Label of the units.")
    subtotal: Decimal = strawberry.field(description="Amount in the line's currency, rounded to it.")
    currency: str = strawberry.field(description="The line's (pricing) currency.")
    conversion_rate: Decimal = strawberry.field(description="Multiplier from the line's currency to the bill's.")
    converted_subtotal: Decimal = strawberry.field(description="Amount in the bill currency, rounded to it.")
    average_unit_price: Decimal | None = strawberry.field(description="subtotal / units (0 when units is 0).")
    service_period_start_date: datetime | None = strawberry.field(
        description="Start of the period the line charges for (inclusive)."
    )
    service_period_end_date: datetime | None = strawberry.field(
        description="End of the period the line charges for (exclusive)."
    )
    usage_per_pricing_band: list[PricingBandUsage] = strawberry.field(description="Per-band breakdown of a usage line.")


@strawberry.type(description="One line of a stored bill.")
class LineItem(LineItemFields):
    id: strawberry.ID = strawberry.field(description="Id of the line item.")
    bill_id: strawberry.ID = strawberry.field(description="The bill it belongs to.")
    position: int = strawberry.field(description="Position on the bill (0-based, in bill order).")
    version: int = strawberry.field(default=1, description="Incremented by every change of a memo line.")
    reason_id: strawberry.ID | None = strawberry.field(
        default=None, description="Memo lines: the CreditReason or DebitReason (SEMANTICS §12.1)."
    )
    referenced_bill_id: strawberry.ID | None = strawberry.field(
        default=None, description="Memo lines: the bill of the line corrected (this or an earlier bill)."
    )
    referenced_line_item_id: strawberry.ID | None = strawberry.field(
        default=None, description="Memo lines: the line corrected; its id survives recalculation."
    )

    @classmethod
    def of(cls, row: m.BillLineItem) -> LineItem:
        return cls(
            id=strawberry.ID(str(row.id)),
            bill_id=strawberry.ID(str(row.bill_id)),
            position=row.position,
            line_item_type=LineType(row.line_item_type),
            description=row.description,
            account_plan_id=as_id(row.account_plan_id),
            product_id=as_id(row.product_id),
            plan_id=as_id(row.plan_id),
            pricing_id=as_id(row.pricing_id),
            aggregation_id=as_id(row.aggregation_id),
            compound_aggregation_id=as_id(row.compound_aggregation_id),
            meter_id=as_id(row.meter_id),
            commitment_id=as_id(row.commitment_id),
            charge_id=as_id(row.charge_id),
            plan_group_id=as_id(row.plan_group_id),
            counter_id=as_id(row.counter_id),
            balance_id=as_id(row.balance_id),
            segment=row.segment,
            child_account_id=as_id(row.child_account_id),
            child_account_code=row.child_account_code,
            quantity=_decimal(row.quantity),
            units=_decimal(row.units),
            unit=row.unit,
            subtotal=Decimal(str(row.subtotal)),
            currency=row.currency,
            conversion_rate=Decimal(str(row.conversion_rate)),
            converted_subtotal=Decimal(str(row.converted_subtotal)),
            average_unit_price=_decimal(row.average_unit_price),
            service_period_start_date=row.service_period_start,
            service_period_end_date=row.service_period_end,
            usage_per_pricing_band=[PricingBandUsage.of_stored(b) for b in row.usage_per_pricing_band or []],
            version=row.version,
            reason_id=as_id(row.reason_id),
            referenced_bill_id=as_id(row.referenced_bill_id),
            referenced_line_item_id=as_id(row.referenced_line_item_id),
        )


@strawberry.type(description="A line of a previewed bill (computed, not stored).")
class PreviewLineItem(LineItemFields):
    @classmethod
    def of(cls, line: BillLine, meter_of: dict[Any, Any]) -> PreviewLineItem:
        return cls(
            line_item_type=LineType(line.line_type),
            description=line.description,
            account_plan_id=as_id(line.account_plan_id),
            product_id=as_id(line.product_id),
            plan_id=as_id(line.plan_id),
            pricing_id=as_id(line.pricing_id),
            aggregation_id=as_id(line.aggregation_id),
            compound_aggregation_id=as_id(line.compound_aggregation_id),
            meter_id=as_id(meter_of.get(line.aggregation_id)),
            commitment_id=as_id(line.commitment_id),
            charge_id=as_id(line.charge_id),
            plan_group_id=as_id(line.plan_group_id),
            counter_id=as_id(line.counter_id),
            balance_id=as_id(line.balance_id),
            segment=None if line.segment is None else dict(line.segment),
            child_account_id=as_id(line.child_account_id),
            child_account_code=line.child_account_code,
            quantity=line.quantity,
            units=line.units,
            unit=line.unit,
            subtotal=line.subtotal,
            currency=line.currency,
            conversion_rate=line.conversion_rate,
            converted_subtotal=line.converted_subtotal,
            average_unit_price=line.average_unit_price,
            service_period_start_date=line.service_period_start,
            service_period_end_date=line.service_period_end,
            usage_per_pricing_band=[PricingBandUsage.of_domain(b) for b in line.usage_per_pricing_band],
        )
