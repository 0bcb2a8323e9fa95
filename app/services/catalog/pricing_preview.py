"""What N units would cost under a set of pricing bands, before the pricing is saved.

The console's pricing editor shows this live. It calls `bands.band_charge`, the very
function bill runs call (`domain.billing.usage`), so the preview and the bill can never
disagree; the browser does no billing arithmetic of its own.

Inputs arrive as text so that a malformed number is reported on its own cell
(`["input", "pricingBands", "1", "unitPrice"]`) instead of failing the whole request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from app.domain.bands import Charge, PricingBand, band_charge, validate_bands
from app.domain.catalog.pricing.values import to_decimal
from app.domain.given import Fields
from app.services.errors import ErrorCode, ProblemCollector

_BAND_FIELDS = (("lowerLimit", "lower_limit"), ("unitPrice", "unit_price"), ("fixedPrice", "fixed_price"))


@dataclass(frozen=True, slots=True)
class PreviewCharge(Fields):
    """Bands as text ({lowerLimit, unitPrice, fixedPrice}, the form pricings store them
    in) and the units to price; previous units default to 0, quantity per unit to 1."""

    pricing_bands: Sequence[Mapping[str, Any]] = ()
    cumulative: bool = False
    units: str | None = None
    previous_units: str | None = None
    quantity_per_unit: str | None = None


def preview_charge(data: PreviewCharge) -> Charge:
    """The exact charge of `units` under `pricing_bands`. Raises InputErrors naming every
    problem's path; nothing is stored either way."""
    at = ProblemCollector()
    bands = _bands(data.pricing_bands, at.under("pricingBands"))
    units = _number(data, "units", None, at)
    previous = _number(data, "previousUnits", Decimal(0), at)
    per_unit = _number(data, "quantityPerUnit", Decimal(1), at)
    if per_unit is not None and per_unit <= 0:
        at.add("quantityPerUnit", ErrorCode.INVALID, "must be greater than 0")
    at.raise_if_any()
    try:
        # No problem was found, so every number is there.
        return band_charge(
            bands,
            cast(Decimal, units),
            cumulative=bool(data.cumulative),
            previous_units=cast(Decimal, previous),
            quantity_per_unit=cast(Decimal, per_unit),
        )
    except ArithmeticError:
        # Exact arithmetic refuses numbers beyond its 200 digits instead of rounding them.
        at.add("units", ErrorCode.INVALID, "is too large to price exactly")
        at.raise_if_any()
        raise


def _number(data: PreviewCharge, key: str, default: Decimal | None, at: ProblemCollector) -> Decimal | None:
    raw = data.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if default is None:
            at.add(key, ErrorCode.REQUIRED, "is required")
        return default
    value = to_decimal(raw)
    if value is None:
        at.add(key, ErrorCode.INVALID, "must be a decimal number")
    return value


def _bands(raw: Sequence[Mapping[str, Any]], at: ProblemCollector) -> list[PricingBand]:
    """Parsed bands; malformed cells are reported here, the rules by `validate_bands`."""
    bands: list[PricingBand] = []
    reported: set[tuple[int, str]] = set()
    for index, band in enumerate(raw):
        values: dict[str, Any] = {}
        for field, attribute in _BAND_FIELDS:
            cell = band.get(field)
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                cell = "0" if field == "fixedPrice" else None
            values[attribute] = to_decimal(cell)
            if values[attribute] is None:
                code = ErrorCode.REQUIRED if cell is None else ErrorCode.INVALID
                at.add((str(index), field), code, "is required" if cell is None else "must be a decimal number")
                reported.add((index, field))
        bands.append(PricingBand(**values))
    for index, field, message in validate_bands(bands):
        if (index, field) not in reported:
            code = ErrorCode.REQUIRED if not raw else ErrorCode.INVALID
            at.add(() if not raw else (str(index), field), code, message)
    return bands
