"""The GraphQL ``Decimal`` scalar with bounds: every Decimal argument and input field of
the schema goes through ``parse_decimal``, so none can carry a huge exponent, thousands of
digits, NaN or Infinity into a service (``app.domain.decimals`` says the bounds).

Same name, description and wire form as strawberry's own (a string, or a JSON number read
through its text), so the schema does not change; ``scalar_overrides`` puts it in place.
A refusal names the path of the value: a variable's by GraphQL's coercion error
(``Variable '$input' has invalid value at .pricingBands[0].unitPrice: …``), a literal's
by the validation rule ``DecimalLiteralBounds``
(``createPricing(input:).pricingBands[0].unitPrice: …``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    FloatValueNode,
    GraphQLError,
    IntValueNode,
    ListValueNode,
    ObjectFieldNode,
    StringValueNode,
    ValidationRule,
    ValueNode,
    get_named_type,
)
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from app.domain.decimals import MAX_TEXT, decimal_problem

__all__ = ["BoundedDecimal", "DecimalLiteralBounds", "SCALAR_OVERRIDES", "parse_decimal"]


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


def parse_decimal_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Decimal:
    """A Decimal written in the document. Its bounds are judged by `DecimalLiteralBounds`,
    which knows the literal's path; here only its form."""
    if isinstance(node, (StringValueNode, IntValueNode, FloatValueNode)) and len(node.value) <= MAX_TEXT:
        try:
            number = Decimal(node.value.strip())
        except InvalidOperation:
            pass
        else:
            return number
    raise StrawberryInputCoercionError("Value cannot represent a Decimal.")


class DecimalLiteralBounds(ValidationRule):
    """Refuses a Decimal literal beyond the bounds, naming its path in the document, e.g.
    `createProduct(input:).planTemplates[0].standingCharge`. A rule (cached with the
    document's validation) because only validation walks literals with their types."""

    def enter_string_value(self, node: ValueNode, _key: Any, parent: Any, path: Any, ancestors: Any) -> None:
        self._check(node, path, [*ancestors, parent])  # `ancestors` leaves the parent out

    enter_int_value = enter_float_value = enter_string_value

    def _check(self, node: ValueNode, path: Any, ancestors: Any) -> None:
        named = get_named_type(self.context.get_input_type())
        if named is None or named.name != "Decimal":
            return
        try:
            number = parse_decimal_literal(node)
        except StrawberryInputCoercionError:
            return  # the built-in rule reports what is not a decimal at all
        if problem := decimal_problem(number):
            where = literal_path(path, ancestors)
            self.report_error(GraphQLError(f"{where}: Decimal {_shown(node.value)} {problem}.", node))


def literal_path(path: Any, ancestors: Any) -> str:
    """`field(argument:).inputField[index]…` of the value at `path` below `ancestors`."""
    spelled, field = "", ""
    for index, ancestor in enumerate(ancestors):
        key = path[index] if index < len(path) else None
        if isinstance(ancestor, FieldNode):
            field = ancestor.name.value
        elif isinstance(ancestor, ArgumentNode):
            spelled = f"{field}({ancestor.name.value}:)"
        elif isinstance(ancestor, ObjectFieldNode):
            spelled += f".{ancestor.name.value}"
        elif isinstance(ancestor, tuple) and index > 0 and isinstance(ancestors[index - 1], ListValueNode):
            spelled += f"[{key}]"
    return spelled or "value"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


BoundedDecimal = ScalarDefinition(
    name="Decimal",
    description="Decimal (fixed-point)",
    specified_by_url=None,
    serialize=str,
    parse_value=parse_decimal,
    parse_literal=parse_decimal_literal,
    origin=Decimal,
)

SCALAR_OVERRIDES = {Decimal: BoundedDecimal}
