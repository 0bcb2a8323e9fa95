"""Values the catalog types compute from rows, made the cheap way: an enum member found in
its map of values, a band amount's Decimal made once per text. Same values as before."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from types import SimpleNamespace

import pytest

from app.graphql.catalog.plans import bands
from app.graphql.prefetch.nodes import enum_column, enum_member


class Colour(Enum):
    RED = "red"
    BLUE = "blue"

    @classmethod
    def _missing_(cls, value: object) -> Colour | None:
        return cls.RED if value == "crimson" else None


@pytest.mark.parametrize("value", ["red", "blue", "crimson"])
def test_an_enum_member_is_the_one_the_enum_gives(value):
    assert enum_member(Colour)(value) is Colour(value)
    assert enum_column(Colour, "colour")(SimpleNamespace(colour=value)) is Colour(value)


@pytest.mark.parametrize("value", ["green", None, ["red"]])
def test_a_value_of_no_member_is_refused_as_the_enum_refuses_it(value):
    with pytest.raises(ValueError) as expected:
        Colour(value)
    with pytest.raises(ValueError) as got:
        enum_member(Colour)(value)
    assert str(got.value) == str(expected.value)


def test_a_band_amount_is_its_decimal_made_once_per_text():
    made = bands.PricingBand.list_of(
        [
            {"lowerLimit": "0", "unitPrice": "0.150", "fixedPrice": "1E+2"},
            {"lowerLimit": "500", "unitPrice": "0.150", "fixedPrice": "0"},
        ]
    )
    assert [(b.lower_limit, b.unit_price, b.fixed_price) for b in made] == [
        (Decimal("0"), Decimal("0.150"), Decimal("1E+2")),
        (Decimal("500"), Decimal("0.150"), Decimal("0")),
    ]
    assert [str(b.unit_price) for b in made] == ["0.150", "0.150"]
    assert made[0].unit_price is made[1].unit_price  # one Decimal for one text
    assert made[0].lower_limit is made[1].fixed_price


def test_a_band_amount_that_is_no_text_is_read_as_decimal_reads_it():
    assert bands._decimal(2) == Decimal(2) and bands._decimal(0.5) == Decimal(0.5)  # noqa: SLF001
    with pytest.raises(ArithmeticError):
        bands._decimal("not a number")  # noqa: SLF001
