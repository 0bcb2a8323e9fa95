"""Tests for app.domain.money: currency rounding modes and exact conversion."""

from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    getcontext,
)

import pytest

from app.domain.money import CurrencyRounding, convert, round_money
from tests.case_ids import case_id

D = Decimal
R = CurrencyRounding


@pytest.mark.parametrize(
    ("mode", "decimal_constant"),
    [
        (R.UP, ROUND_UP),
        (R.DOWN, ROUND_DOWN),
        (R.CEILING, ROUND_CEILING),
        (R.FLOOR, ROUND_FLOOR),
        (R.HALF_UP, ROUND_HALF_UP),
        (R.HALF_DOWN, ROUND_HALF_DOWN),
        (R.HALF_EVEN, ROUND_HALF_EVEN),
    ],
    ids=case_id,
)
def test_each_mode_maps_to_its_decimal_constant(mode, decimal_constant):
    assert mode.decimal_rounding == decimal_constant
    assert mode.value == mode.name


# str() is compared, not just the value: it pins the exponent too.
@pytest.mark.parametrize(
    ("amount", "places", "mode", "expected"),
    [
        # positive half, 2 places
        ("2.345", 2, R.UP, "2.35"),
        ("2.345", 2, R.DOWN, "2.34"),
        ("2.345", 2, R.CEILING, "2.35"),
        ("2.345", 2, R.FLOOR, "2.34"),
        ("2.345", 2, R.HALF_UP, "2.35"),
        ("2.345", 2, R.HALF_DOWN, "2.34"),
        ("2.345", 2, R.HALF_EVEN, "2.34"),
        # negative half, 2 places
        ("-2.345", 2, R.UP, "-2.35"),
        ("-2.345", 2, R.DOWN, "-2.34"),
        ("-2.345", 2, R.CEILING, "-2.34"),
        ("-2.345", 2, R.FLOOR, "-2.35"),
        ("-2.345", 2, R.HALF_UP, "-2.35"),
        ("-2.345", 2, R.HALF_DOWN, "-2.34"),
        ("-2.345", 2, R.HALF_EVEN, "-2.34"),
        # a half whose lower neighbour is odd: HALF_EVEN goes up
        ("2.355", 2, R.UP, "2.36"),
        ("2.355", 2, R.DOWN, "2.35"),
        ("2.355", 2, R.CEILING, "2.36"),
        ("2.355", 2, R.FLOOR, "2.35"),
        ("2.355", 2, R.HALF_UP, "2.36"),
        ("2.355", 2, R.HALF_DOWN, "2.35"),
        ("2.355", 2, R.HALF_EVEN, "2.36"),
        ("-2.355", 2, R.HALF_EVEN, "-2.36"),
        # just off the half: every HALF_* mode agrees
        ("2.3451", 2, R.HALF_DOWN, "2.35"),
        ("2.3449", 2, R.HALF_UP, "2.34"),
        ("-2.3451", 2, R.HALF_EVEN, "-2.35"),
        # the brief's example
        ("1.005", 2, R.HALF_UP, "1.01"),
        ("1.005", 2, R.HALF_EVEN, "1.00"),
        # places 0: an integer exponent
        ("2.5", 0, R.UP, "3"),
        ("2.5", 0, R.DOWN, "2"),
        ("2.5", 0, R.CEILING, "3"),
        ("2.5", 0, R.FLOOR, "2"),
        ("2.5", 0, R.HALF_UP, "3"),
        ("2.5", 0, R.HALF_DOWN, "2"),
        ("2.5", 0, R.HALF_EVEN, "2"),
        ("3.5", 0, R.HALF_EVEN, "4"),
        ("-2.5", 0, R.UP, "-3"),
        ("-2.5", 0, R.DOWN, "-2"),
        ("-2.5", 0, R.CEILING, "-2"),
        ("-2.5", 0, R.FLOOR, "-3"),
        ("-2.5", 0, R.HALF_UP, "-3"),
        ("-2.5", 0, R.HALF_DOWN, "-2"),
        ("-2.5", 0, R.HALF_EVEN, "-2"),
        ("7", 0, R.UP, "7"),
        ("7.00", 0, R.HALF_UP, "7"),
        # places 5
        ("1.234565", 5, R.HALF_UP, "1.23457"),
        ("1.234565", 5, R.HALF_DOWN, "1.23456"),
        ("1.234565", 5, R.HALF_EVEN, "1.23456"),
        ("1.234565", 5, R.UP, "1.23457"),
        ("-1.234565", 5, R.FLOOR, "-1.23457"),
        ("-1.234565", 5, R.CEILING, "-1.23456"),
        ("0.000001", 5, R.UP, "0.00001"),
        # fewer decimals than asked: padded, not changed
        ("7", 2, R.HALF_EVEN, "7.00"),
        ("7", 5, R.DOWN, "7.00000"),
        ("1.1", 5, R.UP, "1.10000"),
        # a carry into a new digit
        ("9.995", 2, R.HALF_UP, "10.00"),
        ("-9.999", 0, R.FLOOR, "-10"),
        # zero results are positive zero, never "-0.00"
        ("-0.001", 2, R.HALF_UP, "0.00"),
        ("-0.001", 2, R.DOWN, "0.00"),
        ("-0.4", 0, R.CEILING, "0"),
        ("-0.000005", 5, R.HALF_DOWN, "0.00000"),
        ("-0.000005", 5, R.HALF_UP, "-0.00001"),
        ("0", 2, R.UP, "0.00"),
    ],
    ids=case_id,
)
def test_round_money_table(amount, places, mode, expected):
    result = round_money(D(amount), places, mode)
    assert str(result) == expected
    assert result.as_tuple().exponent == -places


@pytest.mark.parametrize(
    ("amount", "places", "mode", "expected"),
    [
        ("999999999999999.999995", 5, R.HALF_UP, "1000000000000000.00000"),
        ("999999999999999.99999", 5, R.UP, "999999999999999.99999"),
        ("123456789012345678901234567890.123456", 5, R.HALF_EVEN, "123456789012345678901234567890.12346"),
        ("-123456789012345678901234567890.5", 0, R.HALF_UP, "-123456789012345678901234567891"),
    ],
    ids=case_id,
)
def test_round_money_large_amounts_do_not_overflow_the_precision(amount, places, mode, expected):
    # The last two need more than the default 28 digits of precision.
    assert str(round_money(D(amount), places, mode)) == expected


def test_round_money_leaves_the_callers_context_alone():
    before = (getcontext().prec, getcontext().rounding)
    round_money(D("123456789012345678901234567890.5"), 5, R.UP)
    assert (getcontext().prec, getcontext().rounding) == before


def test_round_money_accepts_the_mode_by_name():
    assert str(round_money(D("2.345"), 2, "HALF_EVEN")) == "2.34"


@pytest.mark.parametrize(
    ("amount", "places", "error"),
    [
        (D("1.5"), -1, ValueError),
        (D("1.5"), 6, ValueError),
        (D("1.5"), True, TypeError),
        (D("1.5"), 2.0, TypeError),
        (1.5, 2, TypeError),
        (2, 2, TypeError),
        (D("NaN"), 2, ValueError),
        (D("Infinity"), 2, ValueError),
    ],
    ids=case_id,
)
def test_round_money_rejects_bad_input(amount, places, error):
    with pytest.raises(error):
        round_money(amount, places, R.HALF_UP)


def test_round_money_rejects_an_unknown_mode():
    with pytest.raises(ValueError):
        round_money(D("1.5"), 2, "SIDEWAYS")


@pytest.mark.parametrize(
    ("amount", "multiplier", "expected"),
    [
        ("12.50", "1.1", "13.750"),
        ("100", "0.85", "85.00"),
        ("-3.3", "2", "-6.6"),
        ("0", "1.2345", "0.0000"),
        # 37 significant digits: the default 28-digit context would round
        ("1234567890.123456789", "0.987654321987654321", "1219326312.467611632360920590112635269"),
    ],
    ids=case_id,
)
def test_convert_is_the_exact_product(amount, multiplier, expected):
    assert str(convert(D(amount), D(multiplier))) == expected


@pytest.mark.parametrize(
    ("amount", "multiplier", "error"),
    [
        (1.5, D("1"), TypeError),
        (D("1"), 0.5, TypeError),
        (D("NaN"), D("1"), ValueError),
        (D("1"), D("-Infinity"), ValueError),
    ],
    ids=case_id,
)
def test_convert_rejects_bad_input(amount, multiplier, error):
    with pytest.raises(error):
        convert(amount, multiplier)
