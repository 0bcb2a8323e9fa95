"""Table tests of the meter, aggregation and compound aggregation checks (SEMANTICS §3.2–3.5)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from app.domain.catalog.meters import (
    check_aggregation,
    check_compound,
    check_meter,
    compound_references,
    mentioned_codes,
    normalize_segment,
)
from app.domain.catalog.refs import AggregationRef, FieldRef
from app.domain.problems import ProblemCollector
from tests.case_ids import case_id

PRODUCT = uuid.uuid4()

# SEMANTICS §3.2, written out here rather than imported, so the table is tested.
CATEGORY_FUNCTIONS = {
    "WHO": {"COUNT", "UNIQUE"},
    "WHAT": {"COUNT", "UNIQUE"},
    "WHERE": {"COUNT", "UNIQUE"},
    "OTHER": {"COUNT", "UNIQUE"},
    "METADATA": {"COUNT", "UNIQUE"},
    "MEASURE": {"SUM", "MIN", "MAX", "COUNT", "LATEST", "MEAN"},
    "INCOME": {"SUM", "MIN", "MAX", "COUNT", "LATEST", "MEAN"},
    "COST": {"SUM", "MIN", "MAX", "COUNT", "LATEST", "MEAN"},
}
FUNCTIONS = ("SUM", "MIN", "MAX", "COUNT", "LATEST", "MEAN", "UNIQUE")


def field(category: str, code: str, **extra) -> dict:
    return {"category": category, "code": code, "name": code.title(), **extra}


def meter_input(**overrides) -> dict:
    data = {
        "code": "storage",
        "name": "Storage",
        "dataFields": [field("MEASURE", "gb", unit="GB"), field("WHO", "user"), field("METADATA", "note")],
        "derivedFields": [field("MEASURE", "mb", calculation="gb * 1024")],
    }
    return {**data, **overrides}


def run(check, data, **kwargs):
    at = ProblemCollector()
    values, ref = check(data, at, **kwargs)
    return values, ref, [(p.path[1:], p.code.value) for p in at.problems], [p.message for p in at.problems]


def meter_problems(data) -> list[tuple[tuple[str, ...], str]]:
    return run(check_meter, data, product_id=PRODUCT)[2]


# --------------------------------------------------------------------------- meters


def test_valid_meter_gives_model_values_and_ref():
    values, ref, problems, _ = run(check_meter, meter_input(customFields={"team": "ops"}), product_id=PRODUCT)
    assert problems == []
    assert isinstance(values["id"], uuid.UUID) and ref.id == values["id"]
    assert values["product_id"] == PRODUCT and ref.product_id == PRODUCT
    assert values["data_fields"][0] == {"category": "MEASURE", "code": "gb", "name": "Gb", "unit": "GB"}
    assert values["derived_fields"] == [
        {"category": "MEASURE", "code": "mb", "name": "Mb", "unit": None, "calculation": "gb * 1024"}
    ]
    assert values["custom_fields"] == {"team": "ops"}
    assert ref.fields["mb"] == FieldRef("mb", "MEASURE", True)
    assert ref.fields["user"] == FieldRef("user", "WHO", False)


def test_creates_get_fresh_ids_and_updates_keep_theirs():
    first, _, _, _ = run(check_meter, meter_input(), product_id=None)
    second, _, _, _ = run(check_meter, meter_input(), product_id=None)
    assert first["id"] != second["id"] and first["product_id"] is None
    kept = uuid.uuid4()
    assert run(check_meter, meter_input(), product_id=None, meter_id=kept)[0]["id"] == kept


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, [(("dataFields",), "REQUIRED")]),
        (1, []),
        (15, []),
        (16, [(("dataFields",), "INVALID")]),
    ],
    ids=case_id,
)
def test_data_field_count(count, expected):
    fields = [field("MEASURE", f"f{i}") for i in range(count)]
    assert meter_problems(meter_input(dataFields=fields, derivedFields=[])) == expected


@pytest.mark.parametrize(
    ("count", "expected"), [(0, []), (15, []), (16, [(("derivedFields",), "INVALID")])], ids=case_id
)
def test_derived_field_count(count, expected):
    derived = [field("MEASURE", f"d{i}", calculation="gb") for i in range(count)]
    assert meter_problems(meter_input(derivedFields=derived)) == expected


def test_missing_lists_and_wrong_shapes():
    assert meter_problems({"code": "m", "name": "M"}) == [(("dataFields",), "REQUIRED")]
    assert meter_problems(meter_input(dataFields="gb", derivedFields=[])) == [(("dataFields",), "INVALID")]
    assert meter_problems(meter_input(dataFields=[field("MEASURE", "gb"), "user"], derivedFields=None)) == [
        (("dataFields", "1"), "INVALID")
    ]


@pytest.mark.parametrize(
    ("data_fields", "derived", "expected"),
    [
        ([field("MEASURE", "gb"), field("WHO", "gb")], [], [(("dataFields", "1", "code"), "DUPLICATE")]),
        (
            [field("MEASURE", "gb")],
            [field("MEASURE", "gb", calculation="gb")],
            [(("derivedFields", "0", "code"), "DUPLICATE")],
        ),
        (
            [field("MEASURE", "gb")],
            [field("MEASURE", "x", calculation="gb"), field("MEASURE", "x", calculation="gb")],
            [(("derivedFields", "1", "code"), "DUPLICATE")],
        ),
        ([field("MEASURE", "gb"), field("MEASURE", "GB")], [], []),  # codes are case-sensitive names
    ],
    ids=case_id,
)
def test_field_codes_unique_across_data_and_derived(data_fields, derived, expected):
    assert meter_problems(meter_input(dataFields=data_fields, derivedFields=derived)) == expected


@pytest.mark.parametrize(
    ("code", "fine"),
    [
        ("gb", True),
        ("_x", True),
        ("$x", True),
        ("a1_$", True),
        ("x" * 80, True),
        ("nullable", True),
        ("TS", True),
        ("", False),
        ("1gb", False),
        ("g-b", False),
        ("g b", False),
        ("a.b", False),
        ("x" * 81, False),
        ("ts", False),
        ("null", False),
        ("NULL", False),
        ("true", False),
        ("And", False),
        ("not", False),
    ],
    ids=case_id,
)
def test_field_code_shape(code, fine):
    expected = [] if fine else [(("dataFields", "0", "code"), "INVALID")]
    fields = [{"category": "MEASURE", "code": code, "name": "Field"}]
    assert meter_problems(meter_input(dataFields=fields, derivedFields=[])) == expected


@pytest.mark.parametrize(
    "category", ["WHO", "WHAT", "WHERE", "OTHER", "METADATA", "MEASURE", "INCOME", "COST"], ids=case_id
)
def test_every_category_is_valid(category):
    assert meter_problems(meter_input(dataFields=[field(category, "x")], derivedFields=[])) == []


@pytest.mark.parametrize("category", ["who", "NUMBER", "", None, 3], ids=case_id)
def test_invalid_categories(category):
    expected = [(("dataFields", "0", "category"), "REQUIRED" if category is None else "INVALID")]
    assert (
        meter_problems(meter_input(dataFields=[{"category": category, "code": "y", "name": "Y"}], derivedFields=[]))
        == expected
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"code": None}, [(("code",), "REQUIRED")]),
        ({"code": " storage"}, [(("code",), "INVALID")]),
        ({"code": "x" * 81}, [(("code",), "INVALID")]),
        ({"code": "Storage (GB)"}, []),  # meter codes are entity codes, not identifiers
        ({"name": ""}, [(("name",), "INVALID")]),
        ({"name": None}, [(("name",), "REQUIRED")]),
        ({"customFields": {f"k{i}": i for i in range(101)}}, [(("customFields",), "INVALID")]),
        ({"customFields": {"k": True}}, [(("customFields",), "INVALID")]),
        ({"dataFields": [field("MEASURE", "gb", unit="u" * 81)]}, [(("dataFields", "0", "unit"), "INVALID")]),
        ({"dataFields": [field("MEASURE", "gb", unit="u" * 80)]}, []),
        ({"dataFields": [{"category": "MEASURE", "code": "gb"}]}, [(("dataFields", "0", "name"), "REQUIRED")]),
    ],
    ids=case_id,
)
def test_meter_attributes(overrides, expected):
    assert meter_problems(meter_input(**overrides)) == expected


@pytest.mark.parametrize(
    ("category", "calculation", "message"),
    [
        ("MEASURE", "gb +", "unexpected end of expression at position 4"),
        ("MEASURE", "nope * 2", "unknown field 'nope' at position 0"),
        ("MEASURE", "gb + user", "operator '+' mixes NUMBER and STRING at position 5"),
        ("MEASURE", "gb * (1", "expected ')' at position 7"),
        ("MEASURE", "mb * 2", "unknown field 'mb' at position 0"),  # derived fields see data fields only
        ("MEASURE", "user", "a MEASURE field holds a NUMBER, but the calculation yields a STRING"),
        ("COST", '"free"', "a COST field holds a NUMBER, but the calculation yields a STRING"),
        ("INCOME", "gb > 1", "a INCOME field holds a NUMBER, but the calculation yields a BOOLEAN"),
        ("MEASURE", "null", "a MEASURE field holds a NUMBER, but the calculation yields a NULL"),
        ("WHO", "gb * 2", "a WHO field holds a STRING, but the calculation yields a NUMBER"),
        ("METADATA", "ts", "a METADATA field holds a STRING, but the calculation yields a NUMBER"),
    ],
    ids=case_id,
)
def test_derived_calculation_problems(category, calculation, message):
    derived = [field("MEASURE", "mb", calculation="gb * 1024"), field(category, "x", calculation=calculation)]
    _, _, problems, messages = run(check_meter, meter_input(derivedFields=derived), product_id=None)
    assert problems == [(("derivedFields", "1", "calculation"), "INVALID")]
    assert messages == [message]


@pytest.mark.parametrize(
    ("category", "calculation"),
    [
        ("MEASURE", "gb * 1024 + ts / 1000"),
        ("COST", "isnull(gb, 0) * 0.5"),
        ("WHO", "user"),
        ("OTHER", 'gb > 10 ? "big" : "small"'),
        ("METADATA", "note"),
        ("MEASURE", "gb > 1 ? gb : null"),
    ],
    ids=case_id,
)
def test_derived_calculations_that_fit(category, calculation):
    assert meter_problems(meter_input(derivedFields=[field(category, "x", calculation=calculation)])) == []


@pytest.mark.parametrize(
    ("calculation", "expected"),
    [
        (None, "REQUIRED"),
        ("", "INVALID"),
        ("gb" + " " * 4998, None),
        ("gb" + " " * 4999, "INVALID"),
    ],
    ids=case_id,
)
def test_derived_calculation_length(calculation, expected):
    problems = meter_problems(meter_input(derivedFields=[field("MEASURE", "x", calculation=calculation)]))
    assert problems == ([] if expected is None else [(("derivedFields", "0", "calculation"), expected)])


def test_every_problem_is_reported_at_once():
    data = {
        "code": "",
        "dataFields": [field("BAD", "1x"), field("MEASURE", "gb")],
        "derivedFields": [field("MEASURE", "gb", calculation="gb +")],
    }
    assert meter_problems(data) == [
        (("code",), "INVALID"),
        (("name",), "REQUIRED"),
        (("dataFields", "0", "code"), "INVALID"),
        (("dataFields", "0", "category"), "INVALID"),
        (("derivedFields", "0", "code"), "DUPLICATE"),
        (("derivedFields", "0", "calculation"), "INVALID"),
    ]


# --------------------------------------------------------------------------- aggregations


def agg_meter(product_id=PRODUCT):
    data = meter_input(
        dataFields=[
            field("WHO", "user"),
            field("WHAT", "what"),
            field("WHERE", "region"),
            field("OTHER", "other"),
            field("METADATA", "note"),
            field("MEASURE", "gb"),
            field("INCOME", "income"),
            field("COST", "cost"),
            field("WHO", "user2"),
        ],
        derivedFields=[field("MEASURE", "mb", calculation="gb * 1024"), field("WHO", "team", calculation="user")],
    )
    values, ref, problems, _ = run(check_meter, data, product_id=product_id)
    assert problems == []
    return ref


METER = agg_meter()
CATEGORY_FIELD = {
    "WHO": "user",
    "WHAT": "what",
    "WHERE": "region",
    "OTHER": "other",
    "METADATA": "note",
    "MEASURE": "gb",
    "INCOME": "income",
    "COST": "cost",
}


def agg_input(**overrides) -> dict:
    return {"code": "gb_total", "name": "GB", "targetField": "gb", "aggregation": "SUM", **overrides}


def agg_problems(data, meter=METER):
    return run(check_aggregation, data, meter=meter)[2]


def test_valid_aggregation_gives_model_values_and_ref():
    data = agg_input(
        quantityPerUnit=Decimal("1024"),
        rounding="UP",
        unit="GB",
        defaultValue=Decimal("0"),
        segmentedFields=["region", "user"],
        segments=[{"region": "eu"}, {"user": "u1", "region": "us"}],
        customFields={"a": 1},
    )
    values, ref, problems, _ = run(check_aggregation, data, meter=METER)
    assert problems == []
    assert values == {
        "id": ref.id,
        "product_id": PRODUCT,
        "meter_id": METER.id,
        "code": "gb_total",
        "name": "GB",
        "target_field": "gb",
        "aggregation": "SUM",
        "quantity_per_unit": Decimal("1024"),
        "rounding": "UP",
        "unit": "GB",
        "segmented_fields": ["region", "user"],
        "segments": [{"region": "eu", "user": "*"}, {"region": "us", "user": "u1"}],
        "default_value": Decimal("0"),
        "custom_fields": {"a": 1},
    }
    assert ref == AggregationRef(
        ref.id,
        "gb_total",
        PRODUCT,
        False,
        ("region", "user"),
        ({"region": "eu", "user": "*"}, {"region": "us", "user": "u1"}),
    )


def test_defaults_and_product_following_the_meter():
    global_meter = agg_meter(product_id=None)
    values, ref, problems, _ = run(check_aggregation, agg_input(), meter=global_meter)
    assert problems == []
    assert (values["quantity_per_unit"], values["rounding"], values["default_value"]) == (Decimal(1), "NONE", None)
    assert (values["segmented_fields"], values["segments"], values["custom_fields"], values["unit"]) == (
        [],
        [],
        {},
        None,
    )
    assert values["product_id"] is None and ref.product_id is None and values["meter_id"] == global_meter.id


@pytest.mark.parametrize("category", list(CATEGORY_FUNCTIONS), ids=case_id)
@pytest.mark.parametrize("function", FUNCTIONS, ids=case_id)
def test_function_must_suit_category(category, function):
    problems = agg_problems(agg_input(targetField=CATEGORY_FIELD[category], aggregation=function))
    assert problems == ([] if function in CATEGORY_FUNCTIONS[category] else [(("aggregation",), "INVALID")])


@pytest.mark.parametrize(
    ("target", "function", "fine"),
    [
        ("mb", "SUM", True),
        ("mb", "UNIQUE", False),
        ("team", "UNIQUE", True),
        ("team", "MEAN", False),
    ],
    ids=case_id,
)
def test_derived_fields_are_targets_with_their_category(target, function, fine):
    assert agg_problems(agg_input(targetField=target, aggregation=function)) == (
        [] if fine else [(("aggregation",), "INVALID")]
    )


def test_function_message_names_field_and_allowed():
    messages = run(check_aggregation, agg_input(targetField="user", aggregation="SUM"), meter=METER)[3]
    assert messages == ["SUM cannot aggregate the WHO field 'user'; use one of COUNT, UNIQUE"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"targetField": "nope"}, [(("targetField",), "INVALID")]),
        ({"targetField": None}, [(("targetField",), "REQUIRED")]),
        ({"aggregation": "AVG"}, [(("aggregation",), "INVALID")]),
        ({"aggregation": None}, [(("aggregation",), "REQUIRED")]),
        ({"code": "gb-total"}, [(("code",), "INVALID")]),  # identifier codes: compound calculations name them
        ({"code": None, "name": None}, [(("code",), "REQUIRED"), (("name",), "REQUIRED")]),
        ({"unit": "u" * 81}, [(("unit",), "INVALID")]),
        ({"customFields": []}, [(("customFields",), "INVALID")]),
    ],
    ids=case_id,
)
def test_aggregation_attributes(overrides, expected):
    assert agg_problems(agg_input(**overrides)) == expected


@pytest.mark.parametrize(
    ("value", "fine"),
    [
        (Decimal("1"), True),
        (Decimal("0.000001"), True),
        (Decimal("1E+6"), True),
        (5, True),
        ("2.5", True),
        (Decimal("0"), False),
        (Decimal("-0.0"), False),
        (Decimal("-1"), False),
        (-5, False),
        (1.5, False),
        (Decimal("NaN"), False),
        (Decimal("Infinity"), False),
        ("ten", False),
        (True, False),
    ],
    ids=case_id,
)
def test_quantity_per_unit(value, fine):
    assert agg_problems(agg_input(quantityPerUnit=value)) == ([] if fine else [(("quantityPerUnit",), "INVALID")])


@pytest.mark.parametrize(
    ("value", "fine"),
    [
        (None, True),
        (Decimal("0"), True),
        (Decimal("12.5"), True),
        (Decimal("-0.01"), False),
        (Decimal("-1"), False),
        (0.5, False),
    ],
    ids=case_id,
)
def test_default_value(value, fine):
    assert agg_problems(agg_input(defaultValue=value)) == ([] if fine else [(("defaultValue",), "INVALID")])


@pytest.mark.parametrize(
    ("rounding", "fine"),
    [
        ("UP", True),
        ("DOWN", True),
        ("NEAREST", True),
        ("NONE", True),
        (None, True),
        ("HALF_UP", False),
        ("up", False),
    ],
    ids=case_id,
)
def test_rounding(rounding, fine):
    assert agg_problems(agg_input(rounding=rounding)) == ([] if fine else [(("rounding",), "INVALID")])


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (["user", "what", "region", "other", "team"], []),
        (["user", "what", "region", "other", "team", "user2"], [(("segmentedFields",), "INVALID")]),
        (["nope"], [(("segmentedFields", "0"), "INVALID")]),
        (["user", "note"], [(("segmentedFields", "1"), "INVALID")]),  # METADATA is not segmentable
        (["gb"], [(("segmentedFields", "0"), "INVALID")]),
        (["mb"], [(("segmentedFields", "0"), "INVALID")]),
        (["user", "user"], [(("segmentedFields", "1"), "DUPLICATE")]),
    ],
    ids=case_id,
)
def test_segmented_fields(fields, expected):
    segments = [{"user": "*"}] if "user" in fields else [{}]
    assert agg_problems(agg_input(segmentedFields=fields, segments=segments)) == expected


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        ([{"region": "eu"}, {"region": "us", "user": "*"}], []),
        ([{"nope": "x"}], [(("segments", "0", "nope"), "INVALID")]),
        ([{"note": "x"}], [(("segments", "0", "note"), "INVALID")]),  # a meter field, but not a segmented one
        ([{"region": ""}], [(("segments", "0", "region"), "INVALID")]),
        ([{"region": 5}], [(("segments", "0", "region"), "INVALID")]),
        ([{"region": "r" * 256}], []),
        ([{"region": "r" * 257}], [(("segments", "0", "region"), "INVALID")]),
        (["eu"], [(("segments", "0"), "INVALID")]),
        ([{"region": "eu"}, {"region": "eu"}], [(("segments", "1"), "DUPLICATE")]),
        ([{"region": "eu"}, {"region": "eu", "user": "*"}], [(("segments", "1"), "DUPLICATE")]),
        ([{}, {"region": "*", "user": "*"}], [(("segments", "1"), "DUPLICATE")]),
        ([], [(("segments",), "REQUIRED")]),
        (None, [(("segments",), "REQUIRED")]),
    ],
    ids=case_id,
)
def test_segments(segments, expected):
    assert agg_problems(agg_input(segmentedFields=["region", "user"], segments=segments)) == expected


@pytest.mark.parametrize(("count", "fine"), [(1000, True), (1001, False)], ids=case_id)
def test_segment_count(count, fine):
    segments = [{"user": f"u{i}"} for i in range(count)]
    assert agg_problems(agg_input(segmentedFields=["user"], segments=segments)) == (
        [] if fine else [(("segments",), "INVALID")]
    )


def test_segments_need_segmented_fields():
    assert agg_problems(agg_input(segments=[{"user": "a"}])) == [(("segments",), "INVALID")]


def test_segments_are_stored_in_segmented_field_order():
    values = run(
        check_aggregation,
        agg_input(segmentedFields=["user", "region"], segments=[{"region": "eu", "user": "a"}]),
        meter=METER,
    )[0]
    assert list(values["segments"][0].items()) == [("user", "a"), ("region", "eu")]


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ({}, {"region": "*", "user": "*"}),
        ({"user": "a"}, {"region": "*", "user": "a"}),
        ({"user": "a", "region": "eu"}, {"region": "eu", "user": "a"}),
        ({"other": "x"}, None),
    ],
    ids=case_id,
)
def test_normalize_segment(segment, expected):
    assert normalize_segment(segment, ["region", "user"]) == expected


# --------------------------------------------------------------------------- compound aggregations


def usable(*codes: str, product_id=None) -> dict[str, AggregationRef]:
    return {code: AggregationRef(uuid.uuid4(), code, product_id) for code in codes}


def compound_input(**overrides) -> dict:
    return {
        "code": "weighted",
        "name": "Weighted",
        "calculation": "aggregation.cpu + aggregation.mem / 60",
        **overrides,
    }


def compound_run(data, product_id=PRODUCT, names=("cpu", "mem")):
    return run(check_compound, data, product_id=product_id, usable=usable(*names))


def test_valid_compound_gives_model_values_and_ref():
    values, ref, problems, _ = compound_run(
        compound_input(
            quantityPerUnit=Decimal("2"),
            rounding="NEAREST",
            unit="h",
            evaluateNullAggregations=True,
            customFields={"x": "y"},
        )
    )
    assert problems == []
    assert values == {
        "id": ref.id,
        "product_id": PRODUCT,
        "code": "weighted",
        "name": "Weighted",
        "calculation": "aggregation.cpu + aggregation.mem / 60",
        "quantity_per_unit": Decimal("2"),
        "rounding": "NEAREST",
        "unit": "h",
        "evaluate_null_aggregations": True,
        "custom_fields": {"x": "y"},
    }
    assert ref.compound is True and ref.product_id == PRODUCT and ref.code == "weighted"


def test_compound_defaults():
    values = compound_run(compound_input(), product_id=None)[0]
    assert (
        values["quantity_per_unit"],
        values["rounding"],
        values["evaluate_null_aggregations"],
        values["product_id"],
    ) == (Decimal(1), "NONE", False, None)


@pytest.mark.parametrize(
    ("calculation", "product_id", "message"),
    [
        (
            "aggregation.cpu + aggregation.disk",
            PRODUCT,
            (
                "unknown aggregation 'aggregation.disk' at position 18 (this compound aggregation may use "
                "its product's or global aggregations)"
            ),
        ),
        (
            "aggregation.disk",
            None,
            (
                "unknown aggregation 'aggregation.disk' at position 0 (this compound aggregation may use "
                "global aggregations)"
            ),
        ),
        ("cpu * 2", PRODUCT, "unknown field 'cpu' at position 0"),
        ("aggregation.cpu +", PRODUCT, "unexpected end of expression at position 17"),
        ("aggregation.cpu > 1", PRODUCT, "must yield a NUMBER, yields a BOOLEAN"),
        ('aggregation.cpu + "h"', PRODUCT, "operator '+' mixes NUMBER and STRING at position 18"),
        ("60 * 2", PRODUCT, "must use at least one aggregation (aggregation.<code>)"),
        ("", PRODUCT, "must be 1–5000 characters"),
    ],
    ids=case_id,
)
def test_compound_calculation_problems(calculation, product_id, message):
    _, _, problems, messages = compound_run(compound_input(calculation=calculation), product_id=product_id)
    assert problems == [(("calculation",), "INVALID")]
    assert messages == [message]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"calculation": None}, [(("calculation",), "REQUIRED")]),
        ({"quantityPerUnit": Decimal("0")}, [(("quantityPerUnit",), "INVALID")]),
        ({"quantityPerUnit": Decimal("-2")}, [(("quantityPerUnit",), "INVALID")]),
        ({"rounding": "CEILING"}, [(("rounding",), "INVALID")]),
        ({"evaluateNullAggregations": "yes"}, [(("evaluateNullAggregations",), "INVALID")]),
        ({"code": "1st"}, [(("code",), "INVALID")]),
        ({"calculation": "isnull(aggregation.cpu, 0) + Math.max(aggregation.mem, 1)"}, []),
    ],
    ids=case_id,
)
def test_compound_attributes(overrides, expected):
    assert compound_run(compound_input(**overrides))[2] == expected


@pytest.mark.parametrize(
    ("calculation", "expected"),
    [
        ("aggregation.cpu + aggregation.cpu2 * 2", {"cpu", "cpu2"}),
        ("isnull(aggregation.a, 0)", {"a"}),
        ('aggregation.a + ("aggregation.b" == "x" ? 1 : 0)', {"a"}),  # inside a string it is no reference
        ("aggregation.a + ", {"a"}),  # not compilable: every mention
        ("5", set()),
    ],
    ids=case_id,
)
def test_compound_references(calculation, expected):
    assert compound_references(calculation) == expected


def test_mentioned_codes_is_a_superset():
    assert mentioned_codes('aggregation.a == "aggregation.b" ? 1 : 0') == {"a", "b"}
