"""The meter's fast path (``MeterSchema.plain_values``) against the exact checks
(``exact_values``): on any meter and any item it gives the exact checks' values, in their
key order, or None; never values for an item the exact checks reject."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calc import MAX_STRING
from app.domain.measurement_values import MAX_DIGITS, MAX_EXPONENT, MAX_METADATA, Rejection
from app.domain.measurements import (
    NUMBER_SECTIONS,
    SECTION_OF_CATEGORY,
    SECTIONS,
    BatchChecks,
    MeterSchema,
    exact_values,
    meter_schema,
)
from tests.case_ids import case_id

ACCEPTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CODES = ["a", "b", "c", "n", "note"]
# Calculations over the codes above: numbers and strings, nulls from absent inputs and from
# division by zero, values of the wrong type for their category, `ts`, strings built past
# their bound, results near the number bounds, and text that does not compile.
CALCULATIONS = [
    "a * 0.0004 + b / 1000000000 * 0.09",
    "a / n",
    "a / 0",
    'c == "gold" ? null : a',
    "a",
    "b - a",
    "ts - 1767225600000",
    'c + "-x"',
    "c",
    "note",
    'a > 100 ? "big" : "small"',
    "a * 1e999",
    "a / 3",
    "a +",
    "n",
    "Math.round(a, 2)",
    "c + c + c + c + c + c + c + c + c + c + c + c + c + c + c + c + c + c + c + c",
]
CATEGORIES = list(SECTION_OF_CATEGORY)

data_fields = st.lists(
    st.fixed_dictionaries({"category": st.sampled_from(CATEGORIES), "code": st.sampled_from(CODES)}),
    max_size=6,
)
derived_fields = st.lists(
    st.fixed_dictionaries(
        {
            "category": st.sampled_from(CATEGORIES),
            "code": st.sampled_from(["d1", "d2", "a", "c"]),
            "calculation": st.sampled_from(CALCULATIONS),
        }
    ),
    max_size=3,
)

NUMBERS = st.one_of(
    st.integers(-5, 5000),
    st.integers(-(10 ** (MAX_DIGITS + 1)), 10 ** (MAX_DIGITS + 1)),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9),
    st.builds(
        lambda sign, digits, exponent: Decimal((sign, tuple(int(d) for d in digits), exponent)),
        st.integers(0, 1),
        st.text("0123456789", min_size=1, max_size=MAX_DIGITS + 3),
        st.integers(-(MAX_EXPONENT + MAX_DIGITS + 5), MAX_EXPONENT + 2),
    ),
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), 1.5, True, None]),
)
STRINGS = st.one_of(
    st.sampled_from(["eu-west-1", "", "sdk-python/1.4.2", "a\x00b", "x" * MAX_METADATA, "x" * (MAX_METADATA + 1)]),
    st.sampled_from(["x" * MAX_STRING, "x" * (MAX_STRING + 1), None, 7, Decimal("1.5")]),
    st.text(max_size=8),
)
GOOD_NUMBERS = st.one_of(
    st.integers(0, 5000),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9),
)
GOOD_STRINGS = st.sampled_from(["eu-west-1", "", "sdk-python/1.4.2", "gold"])
# Values next to each bound of the checks, drawn often enough to meet every branch.
EDGES = st.sampled_from(
    [
        None,
        True,
        1.5,
        "10",
        "a\x00b",
        "x" * MAX_METADATA,
        "x" * (MAX_METADATA + 1),
        "x" * MAX_STRING,
        "x" * (MAX_STRING + 1),
        10**MAX_DIGITS - 1,
        10**MAX_DIGITS,
        -1,
        Decimal("NaN"),
        Decimal(f"1e{MAX_EXPONENT}"),
        Decimal(f"1e{MAX_EXPONENT + 1}"),
        Decimal(f"1e-{MAX_EXPONENT + MAX_DIGITS - 1}"),
        Decimal(f"1e-{MAX_EXPONENT + MAX_DIGITS + 1}"),
        Decimal("1." + "0" * MAX_DIGITS),
        Decimal("1." + "0" * (MAX_DIGITS - 1)),
    ]
)
VALUES = st.one_of(NUMBERS, STRINGS, EDGES, EDGES)


def section_values(schema: MeterSchema, section: str) -> st.SearchStrategy[dict | None]:
    """Mostly fields of the section with values of its kind, so that many items pass
    (the fast path's answer is compared), with every kind of problem mixed in."""
    allowed = sorted(schema.sections[section])
    good = GOOD_NUMBERS if section in NUMBER_SECTIONS else GOOD_STRINGS
    if not allowed:
        return st.one_of(st.none(), st.none(), st.none(), st.just({}), st.dictionaries(st.just("x"), good, max_size=1))
    value = st.one_of(good, good, good, VALUES)
    code = st.one_of(*[st.just(c) for c in allowed] * 4, st.sampled_from(CODES))
    return st.one_of(st.none(), st.dictionaries(code, value, max_size=3))


@st.composite
def items_of(draw: st.DrawFn, schema: MeterSchema) -> SimpleNamespace:
    fields = {section: draw(section_values(schema, section)) for section in SECTIONS}
    ts = ACCEPTED - timedelta(seconds=draw(st.integers(0, 10**8)))
    return SimpleNamespace(uid="u", meter="m", account="acme", ts=ts, ets=None, **fields)


def schema_of(data: list[dict], derived: list[dict]) -> MeterSchema:
    return meter_schema(uuid.uuid4(), "m", data, derived)


def exact_or_rejection(item: SimpleNamespace, schema: MeterSchema) -> dict | Rejection:
    try:
        return exact_values(item, schema)
    except Rejection as rejection:
        return rejection


def assert_agrees(item: SimpleNamespace, schema: MeterSchema) -> bool:
    """True when the fast path answered (it never answers differently)."""
    plain = schema.plain_values(item)
    exact = exact_or_rejection(item, schema)
    if isinstance(exact, Rejection):
        assert plain is None, f"fast path stored what the exact checks reject ({exact.code}: {exact.reason})"
        return False
    if plain is None:
        return False
    assert list(plain.items()) == list(exact.items())
    assert [(type(v), str(v)) for v in plain.values()] == [(type(v), str(v)) for v in exact.values()]
    return True


@settings(max_examples=600, deadline=None)
@given(data_fields, derived_fields, st.data())
def test_the_fast_path_agrees_with_the_exact_checks(data, derived, draw):
    schema = schema_of(data, derived)
    for item in draw.draw(st.lists(items_of(schema), min_size=1, max_size=4)):
        assert_agrees(item, schema)


@settings(max_examples=200, deadline=None)
@given(
    st.tuples(
        *[
            st.one_of(good, good, good, VALUES)
            for good in [GOOD_NUMBERS] * 2 + [GOOD_STRINGS, GOOD_NUMBERS, GOOD_STRINGS]
        ]
    ),
    st.sampled_from(CALCULATIONS),
    st.sampled_from(["COST", "WHAT", "METADATA"]),
)
def test_the_fast_path_agrees_on_every_section_of_a_full_meter(values, calculation, category):
    """Every code in the section that holds it, so the values reach the checks of values
    rather than stopping at an unknown field."""
    data = [
        {"category": "MEASURE", "code": "a"},
        {"category": "COST", "code": "b"},
        {"category": "WHO", "code": "c"},
        {"category": "INCOME", "code": "n"},
        {"category": "METADATA", "code": "note"},
    ]
    schema = schema_of(data, [{"category": category, "code": "d1", "calculation": calculation}])
    a, b, c, n, note = values
    item = SimpleNamespace(
        uid="u",
        account="acme",
        ts=ACCEPTED,
        ets=None,
        who={"c": c},
        what=None,
        where=None,
        other=None,
        metadata={"note": note},
        measure={"a": a},
        income={"n": n},
        cost={"b": b},
    )
    assert_agrees(item, schema)


def bench_like_item(**changes) -> SimpleNamespace:
    """An item of bench/ingest.py's kind, with ``changes``; ``item | fields`` changes it."""
    fields = {
        "uid": "u-1",
        "account": "customer-001",
        "ts": ACCEPTED - timedelta(seconds=30),
        "ets": None,
        "who": {"region": "eu-west-1"},
        "what": {"endpoint": "/v1/items"},
        "where": None,
        "other": None,
        "metadata": {"client": "sdk-python/1.4.2"},
        "measure": {"requests": 38, "bytes": Decimal("908919.143")},
        "income": None,
        "cost": None,
    }
    return _Item(**(fields | changes))


class _Item(SimpleNamespace):
    def __or__(self, changes: dict) -> _Item:
        return _Item(**(vars(self) | changes))


BENCH_METER = meter_schema(
    uuid.uuid4(),
    "api",
    [
        {"category": "WHO", "code": "region"},
        {"category": "WHAT", "code": "endpoint"},
        {"category": "MEASURE", "code": "requests"},
        {"category": "MEASURE", "code": "bytes"},
        {"category": "METADATA", "code": "client"},
    ],
    [{"category": "COST", "code": "cost", "calculation": "requests * 0.0004 + bytes / 1000000000 * 0.09"}],
)


def test_a_plain_measurement_takes_the_fast_path():
    assert assert_agrees(bench_like_item(), BENCH_METER)
    assert BENCH_METER.plain_values(bench_like_item()) == {
        "region": "eu-west-1",
        "endpoint": "/v1/items",
        "requests": Decimal(38),
        "bytes": Decimal("908919.143"),
        "client": "sdk-python/1.4.2",
        "cost": Decimal("0.015200") + Decimal("908919.143") / Decimal(1000000000) * Decimal("0.09"),
    }


FULL_METER = [
    {"category": "MEASURE", "code": "a"},
    {"category": "WHO", "code": "c"},
    {"category": "MEASURE", "code": "n"},
    {"category": "METADATA", "code": "note"},
]


@pytest.mark.parametrize("calculation", CALCULATIONS)
@pytest.mark.parametrize("category", ["COST", "WHAT", "METADATA"])
@pytest.mark.parametrize(
    "fields",
    [
        {"measure": {"a": 5, "n": 0}, "who": {"c": "gold"}},
        {"measure": {"a": 5, "n": 2}, "who": {"c": "x" * 300}},
        {"measure": {"a": Decimal("2.5")}, "who": {"c": "eu"}, "metadata": {"note": "hi"}},
        {"measure": {"a": 10**40}, "who": {"c": "a\x00b"}},
        {"who": {"c": "x" * 2000}},
        {},
    ],
    ids=case_id,
)
def test_every_calculation_of_the_list_agrees(calculation, category, fields):
    """Each calculation above, for values that make it a number, a string, null with its
    inputs present or absent, a string past its bound, or a number past the bounds."""
    schema = schema_of(FULL_METER, [{"category": category, "code": "d1", "calculation": calculation}])
    assert_agrees(bench_like_item(who=None, what=None, metadata=None, measure=None) | fields, schema)


def test_what_the_fast_path_leaves_to_the_exact_checks():
    """Each of these is answered by the exact checks: a rejection with its code, or values."""
    cases = [
        ("UNKNOWN_FIELD", bench_like_item(where={"dc": "fra"})),  # a section the meter has no field in
        ("UNKNOWN_FIELD", bench_like_item(measure={"requests": 1, "region": 2})),  # a field of another section
        ("UNKNOWN_FIELD", bench_like_item(who={"endpoint": "/v1"})),
        ("WRONG_TYPE", bench_like_item(measure={"requests": "38"})),
        ("METADATA_TOO_LONG", bench_like_item(metadata={"client": "x" * (MAX_METADATA + 1)})),
        ("VALUE_TOO_LONG", bench_like_item(who={"region": "x" * (MAX_STRING + 1)})),
        (None, bench_like_item(measure={"requests": None, "bytes": Decimal("1.5")})),  # null: not carried
    ]
    for code, item in cases:
        assert BENCH_METER.plain_values(item) is None
        answer = exact_or_rejection(item, BENCH_METER)
        assert (answer.code if isinstance(answer, Rejection) else None) == code


def test_batch_checks_give_the_exact_answers_through_either_path():
    checks = BatchChecks(ACCEPTED)
    assert checks.prepare(bench_like_item(), BENCH_METER) == exact_values(bench_like_item(), BENCH_METER)
    broken = bench_like_item(measure={"requests": 1, "bytes": Decimal("1e1001")})
    try:
        checks.prepare(broken, BENCH_METER)
    except Rejection as rejection:
        assert rejection.code == "WRONG_TYPE" and "measure.'bytes'" in rejection.reason
    else:
        raise AssertionError("a number beyond 1e1000 was stored")


def test_meters_of_one_layout_share_compiled_code_and_keep_their_own_fields():
    """The written-out source depends on which sections a meter has, not on its codes."""
    by_region = schema_of([{"category": "WHO", "code": "region"}, {"category": "MEASURE", "code": "a"}], [])
    by_country = schema_of([{"category": "WHO", "code": "country"}, {"category": "MEASURE", "code": "b"}], [])
    assert by_region.plain_values.__code__ is by_country.plain_values.__code__
    item = SimpleNamespace(uid="u", meter="m", account="acme", ts=ACCEPTED, ets=None, **{s: None for s in SECTIONS})
    item.who, item.measure = {"region": "eu"}, {"a": 1}
    assert by_region.plain_values(item) == {"region": "eu", "a": Decimal(1)}
    assert by_country.plain_values(item) is None  # region and a are not its fields
