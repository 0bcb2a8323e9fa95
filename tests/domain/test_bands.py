"""Tests for app.domain.bands: units from quantity, tiered and volume band pricing."""

from decimal import Decimal, localcontext

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.domain.bands import (
    BandUsage,
    Charge,
    PricingBand,
    band_charge,
    tiered_charge,
    validate_bands,
    volume_charge,
)
from app.domain.units import UnitRounding, to_units
from tests.case_ids import case_id

D = Decimal
U = UnitRounding


def bands_of(*specs):
    """Bands from (lowerLimit, unitPrice[, fixedPrice]) string tuples."""
    return [PricingBand(*(D(value) for value in spec)) for spec in specs]


# 0-500 at 0.15, above 500 at 0.10
TWO = bands_of(("0", "0.15"), ("500", "0.10"))
# Stairstep: $12 up to 4 units, $25 up to 6, $50 above.
STAIRS = bands_of(("0", "0", "12"), ("4", "0", "25"), ("6", "0", "50"))
# Tiered unit prices with fixed entry prices.
FIXED = bands_of(("0", "1", "10"), ("10", "0.5", "5"), ("20", "0.25", "2"))


def breakdown(charge: Charge):
    return [
        (b.lower_limit, b.unit_price, b.fixed_price, b.band_units, b.band_quantity, b.band_subtotal)
        for b in charge.bands
    ]


def row(*values):
    return tuple(D(value) for value in values)


# --------------------------------------------------------------------------
# to_units
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "per_unit", "rounding", "expected"),
    [
        # a half
        ("2.5", "1", U.UP, "3"),
        ("2.5", "1", U.DOWN, "2"),
        ("2.5", "1", U.NEAREST, "3"),
        ("2.5", "1", U.NONE, "2.5"),
        # just below a half
        ("2.4999", "1", U.UP, "3"),
        ("2.4999", "1", U.DOWN, "2"),
        ("2.4999", "1", U.NEAREST, "2"),
        ("2.4999", "1", U.NONE, "2.4999"),
        # exact multiples stay put
        ("3", "1", U.UP, "3"),
        ("3", "1", U.DOWN, "3"),
        ("3", "1", U.NEAREST, "3"),
        ("3", "1", U.NONE, "3"),
        ("10", "2.5", U.UP, "4"),
        ("10", "2.5", U.DOWN, "4"),
        ("10", "2.5", U.NEAREST, "4"),
        ("10", "2.5", U.NONE, "4"),
        ("6.0", "2", U.UP, "3"),
        ("1000", "1000", U.UP, "1"),
        # a half of a larger quantityPerUnit
        ("11", "2", U.UP, "6"),
        ("11", "2", U.DOWN, "5"),
        ("11", "2", U.NEAREST, "6"),
        ("11", "2", U.NONE, "5.5"),
        ("1500", "1000", U.NEAREST, "2"),
        ("1499.999", "1000", U.NEAREST, "1"),
        ("1001", "1000", U.UP, "2"),
        ("1001", "1000", U.DOWN, "1"),
        ("1001", "1000", U.NEAREST, "1"),
        ("10.9", "2", U.NEAREST, "5"),
        # negative quantities: UP is ceiling, DOWN floor, NEAREST half away from zero
        ("-2.5", "1", U.UP, "-2"),
        ("-2.5", "1", U.DOWN, "-3"),
        ("-2.5", "1", U.NEAREST, "-3"),
        ("-2.5", "1", U.NONE, "-2.5"),
        ("-2.4", "1", U.UP, "-2"),
        ("-2.4", "1", U.DOWN, "-3"),
        ("-2.4", "1", U.NEAREST, "-2"),
        ("-3", "1", U.UP, "-3"),
        ("-3", "1", U.DOWN, "-3"),
        ("-11", "2", U.NEAREST, "-6"),
        ("-0.5", "1", U.UP, "0"),
        ("-0.5", "1", U.DOWN, "-1"),
        ("-0.5", "1", U.NEAREST, "-1"),
        ("-0.4", "1", U.NEAREST, "0"),
        # zero
        ("0", "1", U.UP, "0"),
        ("0", "1", U.DOWN, "0"),
        ("0", "1", U.NEAREST, "0"),
        ("0", "1", U.NONE, "0"),
        # NONE keeps the exact quotient, 50 significant digits when it repeats
        ("7.5", "1.5", U.NONE, "5"),
        ("1", "3", U.NONE, "0." + "3" * 50),
        ("2", "3", U.NONE, "0." + "6" * 49 + "7"),
        # 50 nines after the point: decided exactly, not after rounding
        ("0." + "9" * 50, "1", U.NEAREST, "1"),
        ("0." + "9" * 50, "1", U.DOWN, "0"),
        ("1." + "0" * 59 + "1", "1", U.UP, "2"),
        ("1." + "0" * 59 + "1", "1", U.DOWN, "1"),
    ],
    ids=case_id,
)
def test_to_units_table(quantity, per_unit, rounding, expected):
    # str() pins the exponent as well: whole units print as integers.
    assert str(to_units(D(quantity), D(per_unit), rounding)) == expected


@pytest.mark.parametrize("rounding", list(UnitRounding), ids=case_id)
def test_to_units_none_stays_none(rounding):
    assert to_units(None, D("1"), rounding) is None


@pytest.mark.parametrize(
    ("quantity", "per_unit", "error"),
    [
        (D("1"), D("0"), ValueError),
        (D("1"), D("-2"), ValueError),
        (D("1"), D("NaN"), ValueError),
        (1.5, D("1"), TypeError),
        (D("1"), 1, TypeError),
        (D("Infinity"), D("1"), ValueError),
    ],
    ids=case_id,
)
def test_to_units_rejects_bad_input(quantity, per_unit, error):
    with pytest.raises(error):
        to_units(quantity, per_unit, U.UP)


# --------------------------------------------------------------------------
# validate_bands
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ([], [(0, "lowerLimit")]),
        (bands_of(("0", "1")), []),
        (bands_of(("0", "1"), ("10", "2", "3"), ("20", "0")), []),
        (bands_of(("0", "-1", "-2")), []),  # negative prices are allowed
        (bands_of(("1", "1")), [(0, "lowerLimit")]),
        (bands_of(("-1", "1")), [(0, "lowerLimit")]),
        (bands_of(("0", "1"), ("10", "1"), ("10", "1")), [(2, "lowerLimit")]),
        (bands_of(("0", "1"), ("10", "1"), ("5", "1"), ("3", "1")), [(2, "lowerLimit")]),
        (bands_of(("0", "1"), ("0", "1")), [(1, "lowerLimit")]),
        (bands_of(("0", "1"), ("-5", "1")), [(1, "lowerLimit")]),
        (bands_of(("5", "1"), ("3", "1")), [(0, "lowerLimit"), (1, "lowerLimit")]),
        (bands_of(("0", "1"), ("10", "NaN")), [(1, "unitPrice")]),
        (bands_of(("0", "1"), ("Infinity", "1")), [(1, "lowerLimit")]),
        ([PricingBand(D("0"), D("1"), 1.5)], [(0, "fixedPrice")]),  # type: ignore[arg-type]
        ([PricingBand(0.0, D("1"))], [(0, "lowerLimit")]),  # type: ignore[arg-type]
        (
            [PricingBand(D("0"), 0.5, D("NaN")), PricingBand(D("0"), D("1"))],  # type: ignore[arg-type]
            [(0, "unitPrice"), (0, "fixedPrice"), (1, "lowerLimit")],
        ),
    ],
    ids=case_id,
)
def test_validate_bands_table(bands, expected):
    problems = validate_bands(bands)
    assert [(index, field) for index, field, _ in problems] == expected
    assert all(isinstance(message, str) and message for _, _, message in problems)


@pytest.mark.parametrize("price", [tiered_charge, volume_charge], ids=case_id)
def test_charges_refuse_invalid_bands(price):
    with pytest.raises(ValueError, match="lowerLimit"):
        price(bands_of(("1", "1")), D("5"))
    with pytest.raises(ValueError):
        price([], D("5"))


@pytest.mark.parametrize("price", [tiered_charge, volume_charge], ids=case_id)
@pytest.mark.parametrize(
    ("units", "previous", "per_unit", "error"),
    [
        (5, D("0"), D("1"), TypeError),
        (D("5"), 0.0, D("1"), TypeError),
        (D("NaN"), D("0"), D("1"), ValueError),
        (D("5"), D("0"), D("0"), ValueError),
    ],
    ids=case_id,
)
def test_charges_refuse_bad_numbers(price, units, previous, per_unit, error):
    with pytest.raises(error):
        price(TWO, units, previous_units=previous, quantity_per_unit=per_unit)


# --------------------------------------------------------------------------
# Tiered and volume tables
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("units", "tiered", "volume"),
    [
        ("0", "0", "0"),
        ("1", "0.15", "0.15"),
        ("499", "74.85", "74.85"),
        ("500", "75.00", "75.00"),  # exactly at the limit: still band 1
        ("500.5", "75.05", "50.05"),
        ("501", "75.10", "50.10"),
        ("700", "95.00", "70.00"),
        ("-10", "-1.50", "-1.50"),  # negative units fall in band 1
    ],
    ids=case_id,
)
def test_two_band_table(units, tiered, volume):
    assert tiered_charge(TWO, D(units)).subtotal == D(tiered)
    assert volume_charge(TWO, D(units)).subtotal == D(volume)
    assert band_charge(TWO, D(units), cumulative=True).subtotal == D(tiered)
    assert band_charge(TWO, D(units), cumulative=False).subtotal == D(volume)


@pytest.mark.parametrize(
    ("units", "expected", "band_lower_limit"),
    [
        ("0", "12", "0"),
        ("1", "12", "0"),
        ("4", "12", "0"),
        ("4.0001", "25", "4"),
        ("5", "25", "4"),
        ("6", "25", "4"),
        ("6.01", "50", "6"),
        ("100", "50", "6"),
        ("-1", "12", "0"),
    ],
    ids=case_id,
)
def test_stairstep_volume_every_edge(units, expected, band_lower_limit):
    charge = volume_charge(STAIRS, D(units))
    assert charge.subtotal == D(expected)
    assert [band.lower_limit for band in charge.bands] == [D(band_lower_limit)]
    assert charge.bands[0].fixed_price == D(expected)


@pytest.mark.parametrize(
    ("units", "expected", "bands_listed"),
    [
        ("0", "10", 1),  # zero units: band 1's fixed price
        ("5", "15", 1),
        ("10", "20", 1),  # exactly at L2: band 2's fixed price NOT added
        ("10.5", "25.25", 2),  # 10 + 10×1 + 5 + 0.5×0.5
        ("20", "30", 2),  # exactly at L3: band 3's fixed price NOT added
        ("20.5", "32.125", 3),  # 30 + 2 + 0.5×0.25
        ("30", "34.5", 3),
        ("-4", "6", 1),  # -4×1 + 10: band 1 takes negative units
    ],
    ids=case_id,
)
def test_tiered_fixed_prices_every_edge(units, expected, bands_listed):
    charge = tiered_charge(FIXED, D(units))
    assert charge.subtotal == D(expected)
    assert len(charge.bands) == bands_listed


@pytest.mark.parametrize(
    ("units", "expected"),
    [("0", "12"), ("4", "12"), ("4.0001", "37"), ("6", "37"), ("6.01", "87")],
    ids=case_id,
)
def test_stairstep_bands_priced_tiered_add_each_entered_fixed_price(units, expected):
    assert tiered_charge(STAIRS, D(units)).subtotal == D(expected)


def test_tiered_breakdown_with_quantity_per_unit():
    charge = tiered_charge(TWO, D("700"), quantity_per_unit=D("2.5"))
    assert charge.units == D("700")
    assert charge.subtotal == D("95.00")
    assert breakdown(charge) == [
        row("0", "0.15", "0", "500", "1250", "75.00"),
        row("500", "0.10", "0", "200", "500", "20.00"),
    ]
    assert str(charge.average_unit_price) == "0.13571428571428571428571428571428571428571428571429"


def test_volume_breakdown_with_quantity_per_unit():
    charge = volume_charge(TWO, D("700"), quantity_per_unit=D("2.5"))
    assert charge.subtotal == D("70.00")
    assert breakdown(charge) == [row("500", "0.10", "0", "700", "1750", "70.00")]
    assert charge.average_unit_price == D("0.1")


def test_breakdown_of_fixed_prices():
    charge = tiered_charge(FIXED, D("10.5"), quantity_per_unit=D("100"))
    assert breakdown(charge) == [
        row("0", "1", "10", "10", "1000", "20"),
        row("10", "0.5", "5", "0.5", "50", "5.25"),
    ]
    assert str(charge.average_unit_price) == "2.4047619047619047619047619047619047619047619047619"


@pytest.mark.parametrize("price", [tiered_charge, volume_charge], ids=case_id)
def test_zero_units_price_band_one_and_average_zero(price):
    charge = price(FIXED, D("0"))
    assert charge.subtotal == D("10")
    assert charge.average_unit_price == D("0")
    assert breakdown(charge) == [row("0", "1", "10", "0", "0", "10")]


def test_average_unit_price_of_a_plain_price():
    assert tiered_charge(TWO, D("400")).average_unit_price == D("0.15")
    assert tiered_charge(TWO, D("-10")).average_unit_price == D("0.15")
    assert volume_charge(STAIRS, D("4")).average_unit_price == D("3")


def test_subtotals_are_exact_beyond_the_default_precision():
    bands = bands_of(("0", "0.123456789"))
    units = D("123456789012345678901234.5")
    expected = D("15241578751714678875171.4595060205")  # 33 digits > 28
    assert tiered_charge(bands, units).subtotal == expected
    assert volume_charge(bands, units).subtotal == expected


# --------------------------------------------------------------------------
# tiersSpanPlan
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "units", "expected", "rows"),
    [
        (
            "400",
            "200",
            "25.00",
            [row("0", "0.15", "0", "100", "100", "15.00"), row("500", "0.10", "0", "100", "100", "10.00")],
        ),
        ("400", "100", "15.00", [row("0", "0.15", "0", "100", "100", "15.00")]),
        ("500", "100", "10.00", [row("500", "0.10", "0", "100", "100", "10.00")]),
        ("600", "100", "10.00", [row("500", "0.10", "0", "100", "100", "10.00")]),
        # no units this period: the band at the current position, nothing charged
        ("400", "0", "0", [row("0", "0.15", "0", "0", "0", "0")]),
        ("600", "0", "0", [row("500", "0.10", "0", "0", "0", "0")]),
        # a negative correction walks back down through the bands
        (
            "600",
            "-200",
            "-25.00",
            [row("0", "0.15", "0", "-100", "-100", "-15.00"), row("500", "0.10", "0", "-100", "-100", "-10.00")],
        ),
    ],
    ids=case_id,
)
def test_tiered_spanning_two_bands(previous, units, expected, rows):
    charge = tiered_charge(TWO, D(units), previous_units=D(previous))
    assert charge.subtotal == D(expected)
    assert breakdown(charge) == rows


@pytest.mark.parametrize(
    ("previous", "units", "expected", "rows"),
    [
        # band 2 entered now: its fixed price; band 1's was paid before
        ("5", "10", "12.5", [row("0", "1", "0", "5", "5", "5"), row("10", "0.5", "5", "5", "5", "7.5")]),
        # previous exactly at L2: band 2 not entered before, so charged now
        ("10", "5", "7.5", [row("10", "0.5", "5", "5", "5", "7.5")]),
        # band 2 entered before: no fixed price again; band 3 entered now
        ("15", "10", "5.75", [row("10", "0.5", "0", "5", "5", "2.5"), row("20", "0.25", "2", "5", "5", "3.25")]),
        ("25", "10", "2.5", [row("20", "0.25", "0", "10", "10", "2.5")]),
        # no earlier usage: band 1's fixed price is charged (decision)
        ("0", "5", "15", [row("0", "1", "10", "5", "5", "15")]),
        ("0", "0", "10", [row("0", "1", "10", "0", "0", "10")]),
        # earlier usage already paid band 1's fixed price
        ("3", "0", "0", [row("0", "1", "0", "0", "0", "0")]),
        ("3", "2", "2", [row("0", "1", "0", "2", "2", "2")]),
        # moving down out of a band refunds nothing of its fixed price
        ("15", "-10", "-7.5", [row("0", "1", "0", "-5", "-5", "-5"), row("10", "0.5", "0", "-5", "-5", "-2.5")]),
    ],
    ids=case_id,
)
def test_tiered_spanning_fixed_prices(previous, units, expected, rows):
    charge = tiered_charge(FIXED, D(units), previous_units=D(previous))
    assert charge.subtotal == D(expected)
    assert breakdown(charge) == rows


def test_spanning_of_the_brief_example_splits_tier():
    # Tier(400) + span(200 | 400) == Tier(600)
    assert tiered_charge(TWO, D("400")).subtotal == D("60.00")
    assert tiered_charge(TWO, D("200"), previous_units=D("400")).subtotal == D("25.00")
    assert tiered_charge(TWO, D("600")).subtotal == D("85.00")


@pytest.mark.parametrize(
    ("bands", "previous", "units", "expected", "band_lower_limit"),
    [
        (TWO, "400", "200", "20.00", "500"),
        (TWO, "300", "200", "30.00", "0"),  # lands exactly on 500: band 1
        (TWO, "300", "200.5", "20.05", "500"),
        (TWO, "600", "-200", "-30.00", "0"),
        (STAIRS, "3", "1", "12", "0"),
        (STAIRS, "3", "1.5", "25", "4"),
        (STAIRS, "5", "0", "25", "4"),  # fixed price charged every period
        (STAIRS, "100", "2", "50", "6"),
        (FIXED, "15", "10", "4.5", "20"),  # 10 × 0.25 + 2
    ],
    ids=case_id,
)
def test_volume_spanning(bands, previous, units, expected, band_lower_limit):
    charge = volume_charge(bands, D(units), previous_units=D(previous), quantity_per_unit=D("3"))
    assert charge.subtotal == D(expected)
    assert charge.units == D(units)
    [usage] = charge.bands
    assert usage.lower_limit == D(band_lower_limit)
    assert usage.band_units == D(units)
    assert usage.band_quantity == D(units) * 3


def test_band_charge_dispatches_with_spanning_and_quantity_per_unit():
    tiered = band_charge(TWO, D("200"), cumulative=True, previous_units=D("400"), quantity_per_unit=D("2"))
    volume = band_charge(TWO, D("200"), cumulative=False, previous_units=D("400"), quantity_per_unit=D("2"))
    assert tiered == tiered_charge(TWO, D("200"), previous_units=D("400"), quantity_per_unit=D("2"))
    assert volume == volume_charge(TWO, D("200"), previous_units=D("400"), quantity_per_unit=D("2"))
    assert tiered.subtotal == D("25.00")
    assert volume.subtotal == D("20.00")
    assert [b.band_quantity for b in tiered.bands] == [D("200"), D("200")]


def test_values_are_frozen():
    charge = tiered_charge(TWO, D("1"))
    with pytest.raises(AttributeError):
        charge.subtotal = D("0")  # type: ignore[misc]
    with pytest.raises(AttributeError):
        TWO[0].unit_price = D("0")  # type: ignore[misc]
    assert isinstance(charge.bands, tuple)
    assert isinstance(charge.bands[0], BandUsage)


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------


def _amounts(low, high, places):
    return st.decimals(min_value=low, max_value=high, places=places, allow_nan=False, allow_infinity=False)


@st.composite
def band_lists(draw, allow_negative_prices=False, allow_fixed=True):
    limits = draw(st.lists(_amounts(D("0.01"), D(1000), 2), max_size=4, unique=True))
    low = D(-10) if allow_negative_prices else D(0)
    bands = []
    for limit in [D(0), *sorted(limits)]:
        fixed = draw(_amounts(low, D(50), 2)) if allow_fixed else D(0)
        bands.append(PricingBand(limit, draw(_amounts(low, D(10), 4)), fixed))
    return bands


UNITS = _amounts(D(-100), D(3000), 2)
NON_NEGATIVE = _amounts(D(0), D(3000), 2)
PER_UNIT = _amounts(D("0.01"), D(1000), 2)


@settings(deadline=None)
@given(band_lists(), UNITS, UNITS)
def test_tiered_charge_never_decreases_as_units_grow(bands, a, b):
    low, high = sorted((a, b))
    assert tiered_charge(bands, low).subtotal <= tiered_charge(bands, high).subtotal


@settings(deadline=None)
@given(
    band_lists(allow_negative_prices=True),
    UNITS,
    st.one_of(st.just(D(0)), UNITS),
    PER_UNIT,
    st.booleans(),
)
def test_breakdown_sums_to_the_charge(bands, units, previous, per_unit, cumulative):
    charge = band_charge(bands, units, cumulative=cumulative, previous_units=previous, quantity_per_unit=per_unit)
    assert charge.units == units
    assert sum(b.band_subtotal for b in charge.bands) == charge.subtotal
    assert sum(b.band_units for b in charge.bands) == units
    for usage in charge.bands:
        assert usage.band_subtotal == usage.band_units * usage.unit_price + usage.fixed_price
        assert usage.band_quantity == usage.band_units * per_unit
    limits = [usage.lower_limit for usage in charge.bands]
    assert limits == sorted(set(limits)) and len(limits) >= 1
    if units == 0:
        assert charge.average_unit_price == 0
    else:
        with localcontext() as context:
            context.prec = 50
            assert charge.average_unit_price == charge.subtotal / units


@settings(deadline=None)
@given(band_lists(allow_negative_prices=True), UNITS)
def test_tiered_and_volume_agree_on_a_single_band(bands, units):
    single = bands[:1]
    tiered = tiered_charge(single, units)
    volume = volume_charge(single, units)
    assert tiered == volume
    assert tiered.subtotal == units * single[0].unit_price + single[0].fixed_price


@settings(deadline=None)
@given(band_lists(allow_negative_prices=True), UNITS, NON_NEGATIVE)
def test_tier_of_a_plus_span_of_b_is_tier_of_a_plus_b(bands, a, b):
    # Band 1's fixed price counts as paid once earlier usage exists (a != 0).
    assume(a != 0)
    spanned = tiered_charge(bands, b, previous_units=a).subtotal
    assert tiered_charge(bands, a).subtotal + spanned == tiered_charge(bands, a + b).subtotal


@settings(deadline=None)
@given(band_lists(allow_negative_prices=True, allow_fixed=False), UNITS, UNITS)
def test_without_fixed_prices_spanning_is_exactly_a_difference_of_tiers(bands, a, b):
    # Any a (even 0) and any b (even negative): Tier(a) + span(b|a) == Tier(a+b).
    spanned = tiered_charge(bands, b, previous_units=a).subtotal
    assert tiered_charge(bands, a).subtotal + spanned == tiered_charge(bands, a + b).subtotal


@settings(deadline=None)
@given(band_lists(allow_negative_prices=True), UNITS)
def test_spanning_with_no_earlier_usage_is_the_plain_charge(bands, units):
    for price in (tiered_charge, volume_charge):
        assert price(bands, units, previous_units=D(0)) == price(bands, units)


@settings(deadline=None)
@given(band_lists(allow_negative_prices=True), UNITS, UNITS)
def test_volume_spanning_prices_units_at_the_band_of_the_total(bands, previous, units):
    charge = volume_charge(bands, units, previous_units=previous)
    plain_band = volume_charge(bands, previous + units).bands[0]
    assert charge.bands[0].lower_limit == plain_band.lower_limit
    assert charge.subtotal == units * plain_band.unit_price + plain_band.fixed_price


def test_a_tuple_of_bands_is_validated_once_and_its_problems_kept(monkeypatch):
    import app.domain.bands as bands_module

    calls = []
    real = bands_module.validate_bands
    monkeypatch.setattr(bands_module, "validate_bands", lambda bands: calls.append(1) or real(bands))
    shared = tuple(bands_of(("0", "2"), ("10", "1")))
    charges = [tiered_charge(shared, D(n)) for n in range(5)] + [volume_charge(shared, D(12))]
    assert len(calls) == 1 and [c.subtotal for c in charges][-2:] == [D(8), D(12)]
    broken = tuple(bands_of(("1", "2")))  # kept problems still refuse every charge
    for _ in range(2):
        with pytest.raises(ValueError, match="first band's lowerLimit must be 0"):
            tiered_charge(broken, D(1))
    listed = bands_of(("0", "2"))  # a list can change: validated at every charge
    tiered_charge(listed, D(1))
    tiered_charge(listed, D(1))
    assert len(calls) == 4
