"""Bounded work per measurement (finding 2): one tenant's derived field cannot make a
worker build huge strings or evaluate without end; the measurement fails alone, naming
the field. Also the numbers a measurement may carry (finding 8, ingest side)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.domain.calc import MAX_STRING, CalcError, ValueType, compile_expression
from app.domain.catalog.meters import check_meter
from app.domain.measurement_values import Rejection
from app.domain.measurements import MAX_MEASUREMENT_OPERATIONS, meter_schema, prepare_measurement
from app.domain.problems import ProblemCollector
from tests.case_ids import case_id

ACCEPTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DATA = [{"category": "WHO", "code": "w"}, {"category": "MEASURE", "code": "gb"}]


def schema(*calculations: str, category: str = "WHAT"):
    return meter_schema(
        uuid.uuid4(),
        "hostile",
        DATA,
        [{"category": category, "code": f"d{n}", "calculation": text} for n, text in enumerate(calculations)],
    )


def item(**fields) -> SimpleNamespace:
    base = {
        "uid": "u",
        "meter": "hostile",
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


def rejected(meter, **fields) -> Rejection:
    with pytest.raises(Rejection) as caught:
        prepare_measurement(item(**fields), meter, ACCEPTED)
    return caught.value


def chain(terms: int, name: str = "w") -> str:
    return "+".join([name] * terms)


def test_the_reported_expression_is_refused_without_building_its_string():
    """2,500 terms within the length limit, from a meter stored before the bound: every
    measurement is refused before anything is evaluated."""
    meter = schema(chain(2500))
    problem = rejected(meter, who={"w": "x" * 1000})
    assert problem.code == "DERIVED_FIELD"
    assert "'d0'" in problem.reason and f"more than {MAX_MEASUREMENT_OPERATIONS}" in problem.reason


def test_a_concatenation_growing_past_the_cap_fails_the_measurement_naming_the_field():
    meter = schema(chain(900))  # within the work bound, but 900 × 100 characters is too long
    problem = rejected(meter, who={"w": "x" * 100})
    assert problem.code == "DERIVED_FIELD"
    assert problem.reason == f"derived field 'd0': string result longer than {MAX_STRING} characters"


def test_nested_concatenations_are_capped_too():
    meter = schema("(" + chain(20) + ")+(" + chain(20) + ")+(" + chain(20) + ")")
    assert "longer than" in rejected(meter, who={"w": "y" * 100}).reason
    assert prepare_measurement(item(who={"w": "y"}), meter, ACCEPTED)["d0"] == "y" * 60


def test_a_derived_string_from_an_input_at_the_cap_cannot_grow():
    assert prepare_measurement(item(who={"w": "z" * MAX_STRING}), schema("w"), ACCEPTED)["d0"] == "z" * MAX_STRING
    problem = rejected(schema('w + "!"'), who={"w": "z" * MAX_STRING})
    assert problem.code == "DERIVED_FIELD" and f"longer than {MAX_STRING} characters" in problem.reason


def test_strings_up_to_the_cap_are_fine():
    meter = schema(chain(4))
    assert prepare_measurement(item(who={"w": "a" * (MAX_STRING // 4)}), meter, ACCEPTED)["d0"] == "a" * MAX_STRING
    assert prepare_measurement(item(who={"w": "eu"}), schema('w + "-" + w'), ACCEPTED)["d0"] == "eu-eu"


def test_mixed_chains_keep_their_meaning():
    names = {"w": ValueType.STRING, "n": ValueType.NUMBER}
    assert compile_expression('w + "" + w', names).evaluate({"w": "ab"}) == "abab"
    assert compile_expression("n + 1 + n", names).evaluate({"n": Decimal(2)}) == Decimal(5)
    assert compile_expression('w + "x"', names).evaluate({"w": None}) is None


def test_literals_alone_past_the_cap_do_not_compile():
    text = " + ".join(['"' + "q" * 1100 + '"'] * 4)
    with pytest.raises(CalcError, match=f"longer than {MAX_STRING}"):
        compile_expression(text, {})


def test_a_meter_whose_derived_fields_take_too_many_operations_is_refused_at_the_field():
    at = ProblemCollector()
    check_meter(
        {
            "code": "m",
            "name": "M",
            "dataFields": [{"category": "WHO", "code": "w", "name": "W"}],
            "derivedFields": [
                {"category": "WHAT", "code": "a", "name": "A", "calculation": chain(1100)},
                {"category": "WHAT", "code": "b", "name": "B", "calculation": chain(1100)},
            ],
        },
        at,
        product_id=uuid.uuid4(),
    )
    assert [p.path for p in at.problems] == [("input", "derivedFields", "1", "calculation")]
    assert f"more than {MAX_MEASUREMENT_OPERATIONS}" in at.problems[0].message


@pytest.mark.parametrize(
    "value",
    [
        Decimal("0." + "1" * 17000),  # PostgreSQL numeric cannot hold it: the whole batch's COPY failed
        Decimal("1." + "0" * 2000),
        Decimal("1" * 51),
    ],
    ids=case_id,
)
def test_numbers_beyond_what_numeric_holds_are_refused_per_item(value):
    problem = rejected(schema(), measure={"gb": value})
    assert problem.code == "WRONG_TYPE" and "significant digits" in problem.reason


def test_ordinary_numbers_are_kept_exactly():
    values = prepare_measurement(item(measure={"gb": Decimal("12345678901234567890.1234567890")}), schema(), ACCEPTED)
    assert str(values["gb"]) == "12345678901234567890.1234567890"
    assert prepare_measurement(item(measure={"gb": Decimal("1E+1000")}), schema(), ACCEPTED)["gb"] == Decimal("1E+1000")


def test_string_values_sent_are_bounded_per_item():
    assert rejected(schema(), who={"w": "s" * (MAX_STRING + 1)}).code == "VALUE_TOO_LONG"
    assert prepare_measurement(item(who={"w": "s" * MAX_STRING}), schema(), ACCEPTED)["w"] == "s" * MAX_STRING
