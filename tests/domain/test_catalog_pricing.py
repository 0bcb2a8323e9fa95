"""Rules of plan templates, plans and pricings (SEMANTICS §4), each at its edges."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.domain.catalog.pricing import (
    check_collisions,
    check_plan,
    check_plan_template,
    check_pricing,
    check_template_tree,
    overlapping,
    segment_key,
)
from app.domain.catalog.refs import AggregationRef, PlanTemplateRef, PricingWindow
from app.domain.problems import ProblemCollector
from tests.case_ids import case_id

PRODUCT = uuid.uuid4()
OTHER_PRODUCT = uuid.uuid4()
TEMPLATE = PlanTemplateRef(id=uuid.uuid4(), code="t", product_id=PRODUCT, currency="USD")
PLAN_ID = uuid.uuid4()
AGG = AggregationRef(id=uuid.uuid4(), code="gb", product_id=PRODUCT)
GLOBAL_AGG = AggregationRef(id=uuid.uuid4(), code="calls", product_id=None)
FOREIGN_AGG = AggregationRef(id=uuid.uuid4(), code="theirs", product_id=OTHER_PRODUCT)
COMPOUND = AggregationRef(id=uuid.uuid4(), code="mix", product_id=PRODUCT, compound=True)
SEGMENTED = AggregationRef(
    id=uuid.uuid4(),
    code="by_region",
    product_id=PRODUCT,
    segmented_fields=("region", "tier"),
    segments=({"region": "eu", "tier": "gold"}, {"region": "us", "tier": "*"}),
)
JAN = datetime(2026, 1, 1, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)
MAR = datetime(2026, 3, 1, tzinfo=UTC)


def found(at: ProblemCollector) -> list[tuple[list[str], str]]:
    return [(list(p.path), p.code.value) for p in at.problems]


def template_input(**changes) -> dict:
    return {"code": "std", "name": "Standard", "currency": "USD", "billFrequency": "MONTHLY", **changes}


def run_template(**changes):
    at = ProblemCollector()
    values, ref = check_plan_template(template_input(**changes), at, product_id=PRODUCT, currency_codes={"USD", "EUR"})
    return values, ref, found(at)


def band(lower, unit="1", fixed="0") -> dict:
    return {"lowerLimit": lower, "unitPrice": unit, "fixedPrice": fixed}


def pricing_input(**changes) -> dict:
    return {"aggregationId": str(AGG.id), "startDate": JAN, "pricingBands": [band("0", "0.15")], **changes}


def run_pricing(data=None, *, target=AGG, plan_id=PLAN_ID, plan_template_id=None, pricing_id=None, **changes):
    at = ProblemCollector()
    values, window = check_pricing(
        data if data is not None else pricing_input(**changes),
        at,
        owner_product_id=PRODUCT,
        plan_id=plan_id,
        plan_template_id=plan_template_id,
        target=target,
        pricing_id=pricing_id,
    )
    return values, window, found(at)


# ---------------------------------------------------------------- plan templates


def test_template_defaults_and_new_id():
    values, ref, problems = run_template()
    assert problems == []
    assert isinstance(values["id"], uuid.UUID) and ref.id == values["id"]
    assert (ref.code, ref.product_id, ref.currency) == ("std", PRODUCT, "USD")
    assert values["product_id"] == PRODUCT
    assert (
        values["bill_frequency_interval"],
        values["standing_charge_interval"],
        values["standing_charge_offset"],
    ) == (1, 1, 0)
    assert values["standing_charge"] == Decimal(0) and values["minimum_spend"] == Decimal(0)
    assert values["standing_charge_bill_in_advance"] is None and values["custom_fields"] == {}


@pytest.mark.parametrize("key", ["billFrequencyInterval", "standingChargeInterval"], ids=case_id)
@pytest.mark.parametrize(
    "value, ok",
    [(0, False), (1, True), (365, True), (366, False), (-1, False), (True, False), ("2", False)],
    ids=case_id,
)
def test_intervals(key, value, ok):
    problems = run_template(**{key: value})[2]
    assert problems == ([] if ok else [(["input", key], "INVALID")])


@pytest.mark.parametrize("value, ok", [(-1, False), (0, True), (364, True), (365, False)], ids=case_id)
def test_standing_charge_offset(value, ok):
    problems = run_template(standingChargeOffset=value)[2]
    assert problems == ([] if ok else [(["input", "standingChargeOffset"], "INVALID")])


@pytest.mark.parametrize("key", ["standingCharge", "minimumSpend"], ids=case_id)
@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("0"), Decimal("0")),
        ("12.50", Decimal("12.50")),
        (3, Decimal(3)),
        (Decimal("-0.01"), None),
        ("abc", None),
        (1.5, None),
        ("NaN", None),
        (False, None),
    ],
    ids=case_id,
)
def test_template_amounts(key, value, expected):
    values, _, problems = run_template(**{key: value})
    column = "standing_charge" if key == "standingCharge" else "minimum_spend"
    if expected is None:
        assert problems == [(["input", key], "INVALID")]
    else:
        assert problems == [] and values[column] == expected


@pytest.mark.parametrize("frequency", ["DAILY", "WEEKLY", "MONTHLY", "ANNUALLY"], ids=case_id)
def test_bill_frequencies(frequency):
    values, _, problems = run_template(billFrequency=frequency)
    assert problems == [] and values["bill_frequency"] == frequency


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"billFrequency": "HOURLY"}, [(["input", "billFrequency"], "INVALID")]),
        ({"billFrequency": None}, [(["input", "billFrequency"], "REQUIRED")]),
        ({"currency": "GBP"}, [(["input", "currency"], "NOT_FOUND")]),
        ({"currency": None}, [(["input", "currency"], "REQUIRED")]),
        ({"code": None}, [(["input", "code"], "REQUIRED")]),
        ({"code": " std"}, [(["input", "code"], "INVALID")]),
        ({"name": "x" * 201}, [(["input", "name"], "INVALID")]),
        ({"standingChargeDescription": "x" * 201}, [(["input", "standingChargeDescription"], "INVALID")]),
        ({"standingChargeBillInAdvance": "yes"}, [(["input", "standingChargeBillInAdvance"], "INVALID")]),
        ({"customFields": {f"k{i}": i for i in range(101)}}, [(["input", "customFields"], "INVALID")]),
    ],
    ids=case_id,
)
def test_template_refusals(changes, expected):
    assert run_template(**changes)[2] == expected


def test_template_reports_every_problem_at_once():
    problems = run_template(code="", billFrequencyInterval=0, standingChargeOffset=365, currency="GBP")[2]
    assert problems == [
        (["input", "code"], "INVALID"),
        (["input", "currency"], "NOT_FOUND"),
        (["input", "billFrequencyInterval"], "INVALID"),
        (["input", "standingChargeOffset"], "INVALID"),
    ]


def test_template_update_keeps_id_and_product():
    at = ProblemCollector()
    template_id = uuid.uuid4()
    values, ref = check_plan_template(
        template_input(productId=str(OTHER_PRODUCT)),
        at,
        product_id=PRODUCT,
        currency_codes={"USD"},
        template_id=template_id,
    )
    assert "id" not in values and ref.id == template_id
    assert found(at) == [(["input", "productId"], "INVALID")]


# ---------------------------------------------------------------- plans


def run_plan(plan_id=None, **changes):
    at = ProblemCollector()
    values, ref = check_plan({"code": "p", "name": "P", **changes}, at, template=TEMPLATE, plan_id=plan_id)
    return values, ref, found(at)


def test_plan_reads_through_by_default():
    values, ref, problems = run_plan()
    assert problems == []
    assert values["plan_template_id"] == TEMPLATE.id and values["product_id"] == PRODUCT
    for column in (
        "standing_charge",
        "standing_charge_description",
        "standing_charge_bill_in_advance",
        "minimum_spend",
        "minimum_spend_description",
        "minimum_spend_bill_in_advance",
        "account_id",
    ):
        assert values[column] is None, column
    assert ref.id == values["id"] and ref.plan_template_id == TEMPLATE.id


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"standingCharge": "-1"}, [(["input", "standingCharge"], "INVALID")]),
        ({"minimumSpend": Decimal("-0.5")}, [(["input", "minimumSpend"], "INVALID")]),
        ({"standingCharge": "0"}, []),
        ({"accountId": "not-an-id"}, [(["input", "accountId"], "INVALID")]),
        ({"accountId": str(uuid.uuid4())}, []),
        ({"planTemplateId": str(uuid.uuid4())}, [(["input", "planTemplateId"], "INVALID")]),
        ({"planTemplateId": str(TEMPLATE.id)}, []),
        ({"name": None}, [(["input", "name"], "REQUIRED")]),
    ],
    ids=case_id,
)
def test_plan_rules(changes, expected):
    assert run_plan(**changes)[2] == expected


def test_plan_update_keeps_its_id():
    plan_id = uuid.uuid4()
    values, ref, problems = run_plan(plan_id=plan_id, standingCharge="5")
    assert problems == [] and "id" not in values and ref.id == plan_id
    assert values["standing_charge"] == Decimal(5)


# ---------------------------------------------------------------- pricings: owner and target


def test_valid_pricing_values_and_window():
    values, window, problems = run_pricing()
    assert problems == []
    assert values["aggregation_id"] == AGG.id and values["compound_aggregation_id"] is None
    assert (values["plan_id"], values["plan_template_id"], values["product_id"]) == (PLAN_ID, None, PRODUCT)
    assert values["pricing_bands"] == [{"lowerLimit": "0", "unitPrice": "0.15", "fixedPrice": "0"}]
    assert (values["cumulative"], values["tiers_span_plan"], values["type"]) == (True, False, "DEBIT")
    assert window == PricingWindow(
        id=values["id"], owner_id=PLAN_ID, target_id=AGG.id, segment_key="", start=JAN, end=None
    )


def test_pricing_update_keeps_its_id():
    pricing_id = uuid.uuid4()
    values, window, _ = run_pricing(pricing_id=pricing_id)
    assert "id" not in values and window.id == pricing_id


@pytest.mark.parametrize(
    "data_keys, plan_id, template_id, expected",
    [
        ({"planId": "x", "planTemplateId": "y"}, None, None, [(["input", "planTemplateId"], "INVALID")]),
        ({}, None, None, [(["input", "planId"], "REQUIRED")]),
        ({"planId": str(uuid.uuid4())}, None, None, []),  # the caller could not find it and said so
        ({"planId": str(PLAN_ID)}, PLAN_ID, None, []),
        ({"planId": str(uuid.uuid4())}, PLAN_ID, None, [(["input", "planId"], "INVALID")]),
        ({"planId": str(PLAN_ID)}, None, TEMPLATE.id, [(["input", "planId"], "INVALID")]),
        ({"planTemplateId": str(TEMPLATE.id)}, None, TEMPLATE.id, []),
    ],
    ids=case_id,
)
def test_exactly_one_owner(data_keys, plan_id, template_id, expected):
    _, window, problems = run_pricing(pricing_input(**data_keys), plan_id=plan_id, plan_template_id=template_id)
    assert problems == expected
    assert (window is None) == (plan_id is None and template_id is None or bool(expected))


@pytest.mark.parametrize(
    "keys, target, expected",
    [
        ({}, None, [(["input", "aggregationId"], "REQUIRED")]),
        (
            {"aggregationId": "a", "compoundAggregationCode": "c"},
            None,
            [(["input", "compoundAggregationCode"], "INVALID")],
        ),
        ({"aggregationId": "a", "aggregationCode": "c"}, None, [(["input", "aggregationCode"], "INVALID")]),
        ({"aggregationCode": "nope"}, None, [(["input", "aggregationCode"], "NOT_FOUND")]),
        ({"compoundAggregationId": str(uuid.uuid4())}, None, [(["input", "compoundAggregationId"], "NOT_FOUND")]),
        ({"aggregationCode": "theirs"}, FOREIGN_AGG, [(["input", "aggregationCode"], "INVALID")]),
        ({"aggregationId": str(FOREIGN_AGG.id)}, FOREIGN_AGG, [(["input", "aggregationId"], "INVALID")]),
        ({"aggregationCode": "calls"}, GLOBAL_AGG, []),
        ({"aggregationCode": "gb"}, AGG, []),
    ],
    ids=case_id,
)
def test_exactly_one_target_of_this_product_or_global(keys, target, expected):
    data = {"startDate": JAN, "pricingBands": [band("0")], **keys}
    assert run_pricing(data, target=target)[2] == expected


def test_compound_target():
    values, window, problems = run_pricing(
        pricing_input(aggregationId=None, compoundAggregationCode="mix"), target=COMPOUND
    )
    assert problems == []
    assert (values["aggregation_id"], values["compound_aggregation_id"]) == (None, COMPOUND.id)
    assert window.target_id == COMPOUND.id


# ---------------------------------------------------------------- pricings: bands


@pytest.mark.parametrize(
    "bands, expected",
    [
        ([band("1")], [(["input", "pricingBands", "0", "lowerLimit"], "INVALID")]),
        ([band("0"), band("10"), band("5")], [(["input", "pricingBands", "2", "lowerLimit"], "INVALID")]),
        ([band("0"), band("10"), band("10")], [(["input", "pricingBands", "2", "lowerLimit"], "INVALID")]),
        ([band("0"), band("-1")], [(["input", "pricingBands", "1", "lowerLimit"], "INVALID")]),
        ([band("0"), band("abc")], [(["input", "pricingBands", "1", "lowerLimit"], "INVALID")]),
        (
            [band("0"), {"lowerLimit": "5", "fixedPrice": "1"}],
            [(["input", "pricingBands", "1", "unitPrice"], "REQUIRED")],
        ),
        ([band("0"), {"unitPrice": "1"}], [(["input", "pricingBands", "1", "lowerLimit"], "REQUIRED")]),
        ([band("0"), "five"], [(["input", "pricingBands", "1"], "INVALID")]),
        ([], [(["input", "pricingBands"], "REQUIRED")]),
        (None, [(["input", "pricingBands"], "REQUIRED")]),
        ([band("0"), band("0.5"), band("10")], []),
    ],
    ids=case_id,
)
def test_pricing_bands(bands, expected):
    assert run_pricing(pricingBands=bands)[2] == expected


def test_bands_stored_exactly_as_decimal_strings():
    bands = [
        {"lowerLimit": Decimal("0"), "unitPrice": Decimal("0.150")},
        {"lowerLimit": "1E+2", "unitPrice": 0, "fixedPrice": "-2.5"},
    ]
    values, _, problems = run_pricing(pricingBands=bands)
    assert problems == []
    assert values["pricing_bands"] == [
        {"lowerLimit": "0", "unitPrice": "0.150", "fixedPrice": "0"},
        {"lowerLimit": "100", "unitPrice": "0", "fixedPrice": "-2.5"},
    ]


@pytest.mark.parametrize(
    "cumulative, spans, expected",
    [
        (True, False, []),
        (None, None, []),
        (False, False, [(["input", "overagePricingBands"], "INVALID")]),
        (True, True, [(["input", "overagePricingBands"], "INVALID")]),
    ],
    ids=case_id,
)
def test_overage_bands_only_when_cumulative_and_not_spanning(cumulative, spans, expected):
    values, _, problems = run_pricing(
        overagePricingBands=[band("0", "0.2")], cumulative=cumulative, tiersSpanPlan=spans
    )
    assert problems == expected
    if not expected:
        assert values["overage_pricing_bands"] == [{"lowerLimit": "0", "unitPrice": "0.2", "fixedPrice": "0"}]


def test_overage_bands_are_validated_as_bands():
    problems = run_pricing(overagePricingBands=[band("3")])[2]
    assert problems == [(["input", "overagePricingBands", "0", "lowerLimit"], "INVALID")]


def test_no_overage_bands_with_volume_pricing_is_fine():
    assert run_pricing(overagePricingBands=[], cumulative=False)[2] == []


# ---------------------------------------------------------------- pricings: dates, type, amounts


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (JAN, JAN, [(["input", "endDate"], "INVALID")]),
        (FEB, JAN, [(["input", "endDate"], "INVALID")]),
        (JAN, JAN + timedelta(microseconds=1), []),
        (JAN, None, []),
        (None, FEB, [(["input", "startDate"], "REQUIRED")]),
        (datetime(2026, 1, 1), None, [(["input", "startDate"], "INVALID")]),
        ("2026-01-01T00:00:00+01:00", None, []),
        ("yesterday", None, [(["input", "startDate"], "INVALID")]),
    ],
    ids=case_id,
)
def test_dates(start, end, expected):
    assert run_pricing(startDate=start, endDate=end)[2] == expected


def test_dates_are_stored_in_utc():
    values = run_pricing(startDate="2026-01-01T01:00:00+01:00")[0]
    assert values["start_date"] == JAN and values["start_date"].tzinfo == UTC


@pytest.mark.parametrize(
    "value, expected",
    [("DEBIT", []), ("PRODUCT_CREDIT", []), ("GLOBAL_CREDIT", []), ("CREDIT", [(["input", "type"], "INVALID")])],
    ids=case_id,
)
def test_pricing_type(value, expected):
    assert run_pricing(type=value)[2] == expected


@pytest.mark.parametrize(
    "value, expected", [("0", []), ("-0.01", [(["input", "minimumSpend"], "INVALID")])], ids=case_id
)
def test_pricing_minimum_spend(value, expected):
    assert run_pricing(minimumSpend=value)[2] == expected


# ---------------------------------------------------------------- pricings: segments


@pytest.mark.parametrize(
    "segment, expected",
    [
        ({"region": "eu", "tier": "gold"}, []),
        ({"tier": "gold", "region": "eu"}, []),  # compared as maps
        ({"region": "us", "tier": "*"}, []),
        ({"region": "us", "tier": "gold"}, [(["input", "segment"], "INVALID")]),  # '*' is a segment of its own
        ({"region": "eu"}, [(["input", "segment"], "INVALID")]),
        (None, [(["input", "segment"], "REQUIRED")]),
        ("eu", [(["input", "segment"], "INVALID")]),
    ],
    ids=case_id,
)
def test_segments_of_a_segmented_target(segment, expected):
    _, window, problems = run_pricing(target=SEGMENTED, aggregationId=str(SEGMENTED.id), segment=segment)
    assert problems == expected
    if not expected:
        assert window.segment_key == segment_key({"region": segment["region"], "tier": segment["tier"]})


@pytest.mark.parametrize("target", [AGG, COMPOUND], ids=case_id)
def test_segment_refused_for_unsegmented_target(target):
    problems = run_pricing(target=target, segment={"region": "eu"})[2]
    assert problems == [(["input", "segment"], "INVALID")]


def test_empty_segment_counts_as_none():
    values, _, problems = run_pricing(segment={})
    assert problems == [] and values["segment"] is None


def test_no_window_when_anything_is_wrong():
    assert run_pricing(type="NOPE")[1] is None


# ---------------------------------------------------------------- overlapping windows

OWNER, TARGET = uuid.uuid4(), uuid.uuid4()


def window(start, end, *, owner=OWNER, target=TARGET, segment="", id_=None) -> PricingWindow:
    return PricingWindow(
        id=id_ or uuid.uuid4(), owner_id=owner, target_id=target, segment_key=segment, start=start, end=end
    )


@pytest.mark.parametrize(
    "a, b, collide",
    [
        ((JAN, FEB), (FEB, MAR), False),  # [a,b) and [b,c) touch
        ((FEB, MAR), (JAN, FEB), False),
        ((JAN, MAR), (FEB, None), True),
        ((JAN, None), (MAR, None), True),  # open-ended overlaps everything later
        ((MAR, None), (JAN, FEB), False),
        ((JAN, None), (JAN - timedelta(days=400), JAN), False),
        ((JAN, FEB), (JAN, FEB), True),
        ((JAN, MAR), (FEB, FEB + timedelta(days=1)), True),  # contained
        ((JAN, FEB), (FEB - timedelta(microseconds=1), MAR), True),
    ],
    ids=case_id,
)
def test_overlapping(a, b, collide):
    first, second = window(*a), window(*b)
    assert (overlapping(first, [second]) == second) is collide
    assert (overlapping(second, [first]) == first) is collide


@pytest.mark.parametrize(
    "other",
    [
        {"owner": uuid.uuid4()},
        {"target": uuid.uuid4()},
        {"segment": '{"region":"eu"}'},
    ],
    ids=case_id,
)
def test_other_owner_target_or_segment_never_collides(other):
    assert overlapping(window(JAN, None), [window(JAN, None, **other)]) is None


def test_a_pricing_never_collides_with_itself():
    same = uuid.uuid4()
    assert overlapping(window(JAN, None, id_=same), [window(JAN, None, id_=same)]) is None


def test_first_collision_is_named():
    early, late = window(JAN, FEB), window(FEB, None)
    assert overlapping(window(JAN, None), [early, late]) == early


def test_segment_key_ignores_key_order():
    assert segment_key({"a": "1", "b": "2"}) == segment_key({"b": "2", "a": "1"}) != segment_key(None) == ""


# ---------------------------------------------------------------- nested inputs


def resolve(key, value):
    return {("aggregationCode", "gb"): AGG, ("aggregationCode", "calls"): GLOBAL_AGG}.get((key, value))


def tree(data: dict) -> tuple:
    at = ProblemCollector()
    rows = check_template_tree(data, at, product_id=PRODUCT, currency_codes={"USD"}, resolve_target=resolve)
    check_collisions(rows, at)
    return rows, found(at), at


def nested_pricing(**changes) -> dict:
    return {"aggregationCode": "gb", "startDate": JAN, "pricingBands": [band("0")], **changes}


def test_tree_links_children_to_new_parents():
    rows, problems, _ = tree(
        template_input(
            pricings=[nested_pricing()],
            plans=[{"code": "a", "name": "A", "pricings": [nested_pricing(), nested_pricing(aggregationCode="calls")]}],
        )
    )
    assert problems == []
    template_id, plan_id = rows.templates[0]["id"], rows.plans[0]["id"]
    assert rows.plans[0]["plan_template_id"] == template_id
    assert [(p["plan_template_id"], p["plan_id"]) for p in rows.pricings] == [
        (template_id, None),
        (None, plan_id),
        (None, plan_id),
    ]
    assert {p["product_id"] for p in rows.pricings} == {PRODUCT}


def test_tree_problem_paths():
    bad = nested_pricing(pricingBands=[band("0"), band("0")])
    plans = [{"code": f"p{i}", "name": "P", "pricings": [nested_pricing()]} for i in range(2)]
    plans.append({"code": "p2", "name": "P", "pricings": [bad]})
    problems = tree(template_input(plans=plans))[1]
    assert problems == [(["input", "plans", "2", "pricings", "0", "pricingBands", "1", "lowerLimit"], "INVALID")]


def test_tree_duplicate_codes_within_input():
    problems = tree(
        template_input(
            plans=[{"code": "same", "name": "A"}, {"code": "same", "name": "B"}],
            pricings=[nested_pricing(code="pc", endDate=FEB), nested_pricing(code="pc", startDate=FEB)],
        )
    )[1]
    assert problems == [
        (["input", "pricings", "1", "code"], "DUPLICATE"),
        (["input", "plans", "1", "code"], "DUPLICATE"),
    ]


def test_tree_overlap_within_input_names_the_other_pricing():
    rows, problems, at = tree(template_input(pricings=[nested_pricing(endDate=MAR), nested_pricing(startDate=FEB)]))
    assert problems == [(["input", "pricings", "1", "startDate"], "INVALID")]
    assert str(rows.pricings[0]["id"]) in at.problems[0].message


def test_tree_overlap_with_existing():
    at = ProblemCollector()
    rows = check_template_tree(
        template_input(pricings=[nested_pricing(startDate=MAR)]),
        at,
        product_id=PRODUCT,
        currency_codes={"USD"},
        resolve_target=resolve,
    )
    existing = PricingWindow(
        id=uuid.uuid4(), owner_id=rows.templates[0]["id"], target_id=AGG.id, segment_key="", start=JAN, end=None
    )
    check_collisions(rows, at, [existing])
    assert found(at) == [(["input", "pricings", "0", "startDate"], "INVALID")]
    assert str(existing.id) in at.problems[0].message


def test_tree_nested_children_cannot_name_another_parent():
    problems = tree(
        template_input(
            pricings=[nested_pricing(planTemplateId=str(uuid.uuid4()))],
            plans=[{"code": "a", "name": "A", "planTemplateId": str(uuid.uuid4())}],
        )
    )[1]
    assert problems == [
        (["input", "pricings", "0", "planTemplateId"], "INVALID"),
        (["input", "plans", "0", "planTemplateId"], "INVALID"),
    ]


def test_tree_non_list_children():
    problems = tree(template_input(plans="many", pricings=["x"]))[1]
    assert problems == [(["input", "pricings", "0"], "INVALID"), (["input", "plans"], "INVALID")]
