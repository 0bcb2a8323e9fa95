"""Pure ingest and aggregation rules: one measurement against its meter, derived fields,
segment matching and the aggregation functions (SEMANTICS §3.2–3.4, §6)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.domain.aggregate import (
    aggregate_values,
    compound_quantity,
    match_segment,
    mean,
    segment_key,
    segment_order,
    specificity,
)
from app.domain.calc import ValueType, compile_expression
from app.domain.measurement_values import MAX_DIGITS, MAX_EXPONENT, Rejection, number_value, plain_number
from app.domain.measurements import epoch_millis, meter_schema, prepare_measurement
from tests.case_ids import case_id

ACCEPTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SCHEMA = meter_schema(
    uuid.uuid4(),
    "storage",
    [
        {"category": "WHO", "code": "region"},
        {"category": "WHAT", "code": "tier"},
        {"category": "WHERE", "code": "dc"},
        {"category": "OTHER", "code": "tag"},
        {"category": "METADATA", "code": "note"},
        {"category": "MEASURE", "code": "gb"},
        {"category": "INCOME", "code": "paid"},
        {"category": "COST", "code": "spent"},
        {"category": "MEASURE", "code": "n"},
    ],
    [
        {"category": "COST", "code": "price", "calculation": "gb * 0.25"},
        {"category": "MEASURE", "code": "ratio", "calculation": "gb / n"},
        {"category": "WHAT", "code": "size", "calculation": 'gb > 100 ? "big" : "small"'},
        {"category": "MEASURE", "code": "age", "calculation": "ts - 1767225600000"},
    ],
)


def item(**fields) -> SimpleNamespace:
    base = {
        "uid": "u",
        "meter": "storage",
        "account": "acme",
        "ts": ACCEPTED,
        "ets": None,
        "who": None,
        "what": None,
        "where": None,
        "other": None,
        "metadata": None,
        "measure": None,
        "income": None,
        "cost": None,
    }
    return SimpleNamespace(**(base | fields))


def rejection(**fields) -> str:
    with pytest.raises(Rejection) as caught:
        prepare_measurement(item(**fields), SCHEMA, ACCEPTED)
    return caught.value.code


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1, 1, 1, 14, tzinfo=timezone(timedelta(hours=14))),  # 0001-01-01T00:00Z exactly
        datetime(1, 1, 1),  # no offset: UTC
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(9999, 12, 31, 11, 59, tzinfo=timezone(timedelta(hours=-12))),
    ],
    ids=case_id,
)
def test_the_calendars_edges_are_instants_like_any_other(moment):
    past = moment if moment.year == 1 else ACCEPTED
    values = prepare_measurement(item(ts=past, ets=moment), SCHEMA, ACCEPTED)
    assert values["age"] == epoch_millis(past) - 1767225600000  # stored, its ts read by a calculation


def test_values_of_every_section_and_derived_fields():
    values = prepare_measurement(
        item(
            who={"region": "eu"},
            what={"tier": "gold"},
            where={"dc": "fra"},
            other={"tag": "x"},
            metadata={"note": "hi"},
            measure={"gb": Decimal("10.0"), "n": 4},
            income={"paid": 3},
            cost={"spent": Decimal("0.5")},
        ),
        SCHEMA,
        ACCEPTED,
    )
    assert values == {
        "region": "eu",
        "tier": "gold",
        "dc": "fra",
        "tag": "x",
        "note": "hi",
        "gb": Decimal("10.0"),
        "n": Decimal(4),
        "paid": Decimal(3),
        "spent": Decimal("0.5"),
        "price": Decimal("2.500"),
        "ratio": Decimal("2.5"),
        "size": "small",
        "age": Decimal("5140800000.000"),
    }
    assert type(values["n"]) is Decimal


@pytest.mark.parametrize(
    "fields,code",
    [
        ({"who": {"colour": "red"}}, "UNKNOWN_FIELD"),
        ({"measure": {"region": 1}}, "UNKNOWN_FIELD"),  # a field of the meter, but not in this section
        ({"measure": {"gb": "10"}}, "WRONG_TYPE"),
        ({"measure": {"gb": True}}, "WRONG_TYPE"),
        ({"measure": {"gb": Decimal("1e1001")}}, "WRONG_TYPE"),
        ({"measure": {"gb": Decimal("1e-1001")}}, "WRONG_TYPE"),
        ({"who": {"region": 5}}, "WRONG_TYPE"),
        ({"who": {"region": "a\x00b"}}, "WRONG_TYPE"),
        ({"metadata": {"note": "x" * 257}}, "METADATA_TOO_LONG"),
        ({"ts": ACCEPTED + timedelta(minutes=5, microseconds=1)}, "TS_IN_FUTURE"),
        # Year 0 in UTC: stored, it broke every later read of the organization's measurements.
        ({"ts": datetime(1, 1, 1, 13, 59, 59, tzinfo=timezone(timedelta(hours=14)))}, "TS_OUT_OF_RANGE"),
        ({"ets": datetime(1, 1, 1, tzinfo=timezone(timedelta(minutes=1)))}, "TS_OUT_OF_RANGE"),
        ({"ets": datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12)))}, "TS_OUT_OF_RANGE"),
        ({"uid": "x" * 51}, "INVALID_UID"),
        ({"uid": ""}, "INVALID_UID"),
        ({"account": " padded"}, "INVALID_ACCOUNT"),
        ({"account": "x" * 81}, "INVALID_ACCOUNT"),
        ({"measure": {"gb": 1, "n": 0}}, "DERIVED_FIELD"),  # every input present, division by zero: null
    ],
    ids=case_id,
)
def test_rejections(fields, code):
    assert rejection(**fields) == code


@pytest.mark.parametrize(
    "fields",
    [
        {"metadata": {"note": "x" * 256}},
        {"ts": ACCEPTED + timedelta(minutes=5)},
        {"ts": datetime(2026, 3, 1, 12, 4)},  # no offset: read as UTC
        {"uid": "x" * 50},
        {"uid": None},
        {"measure": {"gb": None}},  # null: the field is not carried
        {"measure": {"gb": Decimal("1e1000")}},
    ],
    ids=case_id,
)
def test_edges_that_are_accepted(fields):
    prepare_measurement(item(**fields), SCHEMA, ACCEPTED)


# Numbers near every bound of number_value: coefficients of up to MAX_DIGITS + 5 digits
# (trailing zeros included), exponents around ±MAX_EXPONENT and -(MAX_EXPONENT + MAX_DIGITS).
NUMBERS_NEAR_BOUNDS = st.one_of(
    st.builds(
        lambda sign, digits, exponent: Decimal((sign, tuple(int(d) for d in digits), exponent)),
        st.integers(0, 1),
        st.text("0123456789", min_size=1, max_size=MAX_DIGITS + 5),
        st.integers(-(MAX_EXPONENT + MAX_DIGITS + 60), MAX_EXPONENT + 5),
    ),
    st.integers(-(10 ** (MAX_DIGITS + 3)), 10 ** (MAX_DIGITS + 3)),
    st.sampled_from([Decimal("NaN"), Decimal("-Infinity"), Decimal("sNaN"), 10**MAX_DIGITS - 1, -(10**MAX_DIGITS)]),
)


@given(NUMBERS_NEAR_BOUNDS)
@example(Decimal(f"1e{MAX_EXPONENT + 1}"))
@example(Decimal(f"-1e-{MAX_EXPONENT + 1}"))
@example(Decimal("9" * (MAX_DIGITS + 1)))
@example(Decimal("1." + "0" * (MAX_DIGITS + 2)))
@example(10**MAX_DIGITS + 1)
@example(True)
@example(1.5)
@example(Decimal(f"0e{MAX_EXPONENT + 1}"))
def test_the_fast_number_check_agrees_with_the_exact_one(value):
    """plain_number is number_value's fast path: it never passes what number_value
    refuses, passes the very value number_value returns, and takes every valid decimal
    whose coefficient has at most MAX_DIGITS digits, except a zero whose exponent is
    beyond the bounds (number_value stores it as 0; the fast path leaves it to it)."""
    plain = plain_number(value)
    try:
        exact = number_value(value, "measure.'x'")
    except Rejection:
        assert plain is None
        return
    if plain is not None:
        assert type(plain) is Decimal and str(plain) == str(exact)
    elif type(value) is Decimal:
        out_of_bounds_zero = value.is_zero() and abs(value.adjusted()) > MAX_EXPONENT
        assert len(value.as_tuple().digits) > MAX_DIGITS or out_of_bounds_zero


def test_a_derived_field_whose_input_is_absent_is_absent():
    values = prepare_measurement(item(measure={"gb": 8}), SCHEMA, ACCEPTED)  # no n: ratio cannot be computed
    assert "ratio" not in values and values["price"] == Decimal("2.00")
    assert "price" not in prepare_measurement(item(), SCHEMA, ACCEPTED)


def test_a_derived_field_that_does_not_compile_rejects_its_measurements():
    broken = meter_schema(
        uuid.uuid4(),
        "m",
        [{"category": "MEASURE", "code": "gb"}],
        [{"category": "MEASURE", "code": "bad", "calculation": "gb +"}],
    )
    with pytest.raises(Rejection) as caught:
        prepare_measurement(item(measure={"gb": 1}), broken, ACCEPTED)
    assert caught.value.code == "DERIVED_FIELD" and "does not compile" in caught.value.reason


def test_a_derived_value_of_the_wrong_type_is_refused():
    wrong = meter_schema(
        uuid.uuid4(),
        "m",
        [{"category": "WHO", "code": "who"}],
        [{"category": "MEASURE", "code": "bad", "calculation": "who"}],
    )
    with pytest.raises(Rejection):
        prepare_measurement(item(who={"who": "x"}), wrong, ACCEPTED)


@pytest.mark.parametrize(
    "moment,millis",
    [
        (datetime(1970, 1, 1, tzinfo=UTC), "0"),
        (datetime(2026, 1, 1, tzinfo=UTC), "1767225600000"),
        (datetime(2026, 1, 1, 0, 0, 0, 1500, tzinfo=UTC), "1767225600001.500"),
        (datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1))), "1767225600000"),
        (datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), "-1000"),
    ],
    ids=case_id,
)
def test_ts_in_calculations_is_exact_epoch_milliseconds(moment, millis):
    assert epoch_millis(moment) == Decimal(millis)


# ---------------------------------------------------------------- aggregation functions

T = datetime(2026, 1, 1, tzinfo=UTC)
ROWS = [
    (T, 0, Decimal("1.5")),
    (T + timedelta(hours=1), 1, Decimal(4)),
    (T + timedelta(hours=1), 2, Decimal(2)),
    (T, 3, Decimal("1.5")),
]


@pytest.mark.parametrize(
    "function,expected",
    [
        ("SUM", "9"),
        ("MIN", "1.5"),
        ("MAX", "4"),
        ("COUNT", "4"),
        ("MEAN", "2.25"),
        ("UNIQUE", "3"),
        ("LATEST", "2"),  # two at the greatest ts: the last ingested wins
    ],
    ids=case_id,
)
def test_aggregation_functions(function, expected):
    assert aggregate_values(function, ROWS) == Decimal(expected)


def test_no_rows_is_null_and_mean_keeps_fifty_digits():
    assert aggregate_values("SUM", []) is None
    assert mean(Decimal(1), 3) == Decimal("0." + "3" * 50)


def test_compound_quantity_and_null_handling():
    expression = compile_expression(
        "isnull(aggregation.a, 0) + aggregation.b / 60",
        {"aggregation.a": ValueType.NUMBER, "aggregation.b": ValueType.NUMBER},
    )
    assert compound_quantity(expression, {"a": Decimal(1), "b": Decimal(120)}, False) == Decimal(3)
    assert compound_quantity(expression, {"a": None, "b": Decimal(120)}, False) is None
    assert compound_quantity(expression, {"a": None, "b": Decimal(120)}, True) == Decimal(2)


# ---------------------------------------------------------------- segments

SEGMENTS = [
    {"region": "eu", "tier": "*"},
    {"region": "eu", "tier": "gold"},
    {"region": "*", "tier": "silver"},
    {"region": "*", "tier": "*"},
]


@pytest.mark.parametrize(
    "values,index",
    [
        ({"region": "eu", "tier": "gold"}, 1),  # most specific
        ({"region": "eu", "tier": "silver"}, 0),  # ties (one * each): first listed
        ({"region": "us", "tier": "silver"}, 2),
        ({"region": "us", "tier": "gold"}, 3),
        ({}, 3),  # * matches a field the measurement does not carry
    ],
    ids=case_id,
)
def test_most_specific_segment_wins_ties_to_the_first_listed(values, index):
    assert match_segment(values, SEGMENTS) == index


def test_no_matching_segment():
    assert match_segment({"region": "us"}, SEGMENTS[:3]) is None


def test_segment_keys_are_canonical():
    assert (
        segment_key({"tier": "gold", "region": "eu"})
        == segment_key({"region": "eu", "tier": "gold"})
        == '{"region":"eu","tier":"gold"}'
    )
    assert segment_key(None) == segment_key({}) == ""


values_st = st.sampled_from(["a", "b", "*"])
segment_st = st.fixed_dictionaries({"x": values_st, "y": values_st, "z": values_st})


@given(
    st.lists(segment_st, min_size=1, max_size=8),
    st.fixed_dictionaries({"x": st.sampled_from("ab"), "y": st.sampled_from("ab"), "z": st.sampled_from("ab")}),
)
def test_the_chosen_segment_matches_and_no_earlier_or_more_specific_one_does(segments, values):
    chosen = match_segment(values, segments)
    matching = [i for i, s in enumerate(segments) if all(v in ("*", values[k]) for k, v in s.items())]
    if not matching:
        assert chosen is None
        return
    assert chosen in matching
    assert all((specificity(segments[chosen]), chosen) <= (specificity(segments[i]), i) for i in matching)
    assert segment_order(segments)[0] == min(range(len(segments)), key=lambda i: (specificity(segments[i]), i))
