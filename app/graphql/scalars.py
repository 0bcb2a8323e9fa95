"""The GraphQL ``Decimal`` scalar with bounds: every Decimal argument and input field of
the schema goes through ``parse_decimal``, so none can carry a huge exponent, thousands of
digits, NaN or Infinity into a service (``app.domain.decimals`` says the bounds).

Same name, description and wire form as strawberry's own (a string, or a JSON number read
through its text), so the schema does not change; ``scalar_overrides`` puts it in place.
A refusal is a coercion error, which GraphQL reports with the path of a variable's value
(``Variable '$input' got invalid value … at 'input.pricingBands[0].unitPrice'``) or the
location of a literal.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from app.domain.decimals import MAX_TEXT, decimal_problem

__all__ = ["BoundedDecimal", "SCALAR_OVERRIDES", "parse_decimal"]


def parse_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise StrawberryInputCoercionError(f"Value cannot represent a Decimal: {_shown(value)}.")
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_TEXT:
        raise StrawberryInputCoercionError(f"Decimal longer than {MAX_TEXT} characters.")
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise StrawberryInputCoercionError(f"Value cannot represent a Decimal: {_shown(value)}.") from None
    if problem := decimal_problem(number):
        raise StrawberryInputCoercionError(f"Decimal {_shown(value)} {problem}.")
    return number


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


BoundedDecimal = ScalarDefinition(
    name="Decimal",
    description="Decimal (fixed-point)",
    specified_by_url=None,
    serialize=str,
    parse_value=parse_decimal,
    parse_literal=None,
    origin=Decimal,
)

SCALAR_OVERRIDES = {Decimal: BoundedDecimal}
