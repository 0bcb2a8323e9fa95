"""The GraphQL ``Decimal`` and ``DateTime`` scalars with bounds.

Every Decimal argument and input field of the schema goes through ``parse_decimal``, so
none can carry a huge exponent, thousands of digits, NaN or Infinity into a service
(``app.domain.decimals`` says the bounds). Every DateTime goes through ``parse_datetime``,
so none names an instant outside the calendar: ``0001-01-01T00:00:00+14:00`` is in year 0
in UTC, which neither Python nor the database driver can convert (it was a server error
wherever a filter passed it to a query).

Same names, descriptions and wire forms as strawberry's own (a Decimal is a string, or a
JSON number read through its text), so the schema does not change; ``scalar_overrides``
puts them in place.
A refusal names the path of the value: a variable's by GraphQL's coercion error
(``Variable '$input' has invalid value at .pricingBands[0].unitPrice: …``), a literal's
by the validation rule ``DecimalLiteralBounds``
(``createPricing(input:).pricingBands[0].unitPrice: …``).
"""

from __future__ import annotations

from datetime import datetime
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
    value_from_ast_untyped,
)
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.scalars import JSON
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

from app.domain.date_range import in_calendar
from app.domain.decimals import MAX_TEXT, decimal_problem
from app.graphql.json_numbers import ExactJson, JsonNumber

__all__ = [
    "BoundedDateTime",
    "BoundedDecimal",
    "DecimalLiteralBounds",
    "SCALAR_OVERRIDES",
    "parse_datetime",
    "parse_decimal",
]


def parse_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise StrawberryInputCoercionError(f"Value cannot represent a Decimal: {_shown(value)}.")
    # A JSON number is read from its text: through a float it would lose digits past 17.
    text = value if isinstance(value, str) else value.text if type(value) is JsonNumber else str(value)
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


def parse_datetime(value: object) -> datetime:
    """Strawberry's ISO 8601 parsing, then the one check it lacks: an offset must not take
    the instant past year 1 or 9999 in UTC. A naive value is left as it is (the services
    that need an offset say so, with the input's path)."""
    parsed = DateTimeDefinition.parse_value(value)  # type: ignore[misc]
    if not in_calendar(parsed):
        raise StrawberryInputCoercionError(
            f"DateTime {_shown(value)} is out of range: in UTC it falls before year 1 or after 9999."
        )
    return parsed


def parse_datetime_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> datetime:
    """A DateTime written in the document: refused, when it is, at its location there."""
    try:
        return parse_datetime(value_from_ast_untyped(node, variables))
    except StrawberryInputCoercionError as error:
        raise StrawberryInputCoercionError(error.message, nodes=node) from None


BoundedDateTime = ScalarDefinition(
    name=DateTimeDefinition.name,
    description=DateTimeDefinition.description,
    specified_by_url=None,
    serialize=DateTimeDefinition.serialize,
    parse_value=parse_datetime,
    parse_literal=parse_datetime_literal,
    origin=datetime,
)

SCALAR_OVERRIDES = {Decimal: BoundedDecimal, datetime: BoundedDateTime, JSON: ExactJson}
