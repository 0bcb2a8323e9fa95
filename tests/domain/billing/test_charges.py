"""Ad hoc charge rules (SEMANTICS §9.1–9.2), pure: which input is refused, the line's
figures, placement by frequency, and the line on a bill and on an AD_HOC bill."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.billing import DEFAULT_STEPS, BillFailure, LineType, compose_bill
from app.domain.billing.charges import (
    ChargeSnapshot,
    ad_hoc_charge_lines,
    charge_figures,
    charges_step,
    check_charge_values,
    placement,
)
from app.domain.periods import BillFrequency
from app.domain.problems import ProblemCollector

from .builders import D, account, account_plan, aggregation, org, plan, pricing, uid, utc

JULY1 = date(2024, 7, 1)
START, END = utc(2024, 7, 1), utc(2024, 7, 2)


def problems_of(amount=None, units=None, unit_price=None, start=START, end=END) -> list[tuple[str, str]]:
    found = ProblemCollector()
    check_charge_values(
        None if amount is None else D(amount),
        None if units is None else D(units),
        None if unit_price is None else D(unit_price),
        start,
        end,
        found,
    )
    return [(p.path[-1], p.code.value) for p in found.problems]


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ({"amount": "25"}, []),
        ({"amount": "-20"}, []),  # an ad hoc credit
        ({"units": "10", "unit_price": "2.5"}, []),
        ({"units": "10", "unit_price": "-1"}, []),
        ({"amount": "25", "units": "10"}, [("amount", "INVALID"), ("units", "INVALID")]),
        (
            {"amount": "25", "units": "10", "unit_price": "2"},
            [("amount", "INVALID"), ("units", "INVALID"), ("unitPrice", "INVALID")],
        ),
        ({}, [("amount", "REQUIRED")]),
        ({"units": "10"}, [("unitPrice", "REQUIRED")]),
        ({"unit_price": "2"}, [("units", "REQUIRED")]),
        ({"amount": "0"}, [("amount", "INVALID")]),
        ({"units": "0", "unit_price": "2"}, [("units", "INVALID")]),
        ({"units": "-1", "unit_price": "2"}, [("units", "INVALID")]),
        ({"units": "1", "unit_price": "0"}, [("unitPrice", "INVALID")]),
        ({"amount": "1", "start": END, "end": START}, [("servicePeriodEndDate", "INVALID")]),
        ({"amount": "1", "start": START, "end": START}, []),  # start = end is allowed
    ],
)
def test_exactly_one_of_amount_and_units_times_unit_price(figures, expected):
    assert problems_of(**figures) == expected


@pytest.mark.parametrize(
    ("amount", "units", "price", "expected"),
    [
        ("120", None, None, ("120", "1", "120")),
        ("-20", None, None, ("-20", "1", "-20")),
        (None, "10", "2.5", ("25.0", "10", "2.5")),
        (None, "3", "0.3333", ("0.9999", "3", "0.3333")),
    ],
)
def test_figures_of_a_charge(amount, units, price, expected):
    given = [None if v is None else D(v) for v in (amount, units, price)]
    assert charge_figures(*given) == tuple(D(v) for v in expected)


def charge(name="setup", amount="25", units="1", currency="USD", day=JULY1, fixed=None) -> ChargeSnapshot:
    return ChargeSnapshot(
        id=uid(f"charge:{name}"),
        account_id=uid("account:acme"),
        currency=currency,
        amount=D(amount),
        units=D(units),
        average_unit_price=D(amount) / D(units),
        bill_date=day,
        service_start=START,
        service_end=END,
        description=name.title(),
        fixed_frequency=fixed,
    )


M, A, W, DAY = BillFrequency.MONTHLY, BillFrequency.ANNUALLY, BillFrequency.WEEKLY, BillFrequency.DAILY


@pytest.mark.parametrize(
    ("frequencies", "fixed", "expected"),
    [
        ([M], None, "MONTHLY"),
        ([DAY, W, M], None, "MONTHLY"),
        ([M, A], None, "ANNUALLY"),
        ([DAY, W], None, "WEEKLY"),
        ([DAY], None, "DAILY"),
        ([], None, "AD_HOC"),
        ([M, A], "AD_HOC", "AD_HOC"),  # billed on an AD_HOC bill: a later plan bill does not move it
        ([], "MONTHLY", "MONTHLY"),
    ],
)
def test_placement_longest_frequency_or_ad_hoc(frequencies, fixed, expected):
    assert placement(charge(fixed=fixed), frequencies) == expected


def test_a_charge_line_follows_commitment_fees_and_carries_its_figures():
    calls = aggregation("calls")
    ap = account_plan(plan(pricing(calls)))
    result = compose_bill(
        account(),
        [ap],
        JULY1,
        M,
        org(),
        {},
        steps=(*DEFAULT_STEPS, charges_step([charge(amount="25", units="10"), charge("other", day=date(2024, 7, 2))])),
    )
    (line,) = result.lines
    assert (line.line_type, line.subtotal, line.units, line.average_unit_price) == (
        LineType.AD_HOC,
        D("25.00"),
        D(10),
        D("2.5"),
    )
    assert (line.charge_id, line.plan_id, line.service_period_start) == (uid("charge:setup"), None, START)
    assert result.total == D("25.00")


def test_ad_hoc_bill_lines_convert_to_the_bill_currency():
    (line,) = ad_hoc_charge_lines(
        account(), [charge(amount="120", currency="GBP")], JULY1, org(conversions={("GBP", "USD"): D("1.25")})
    )
    assert (line.currency, line.subtotal, line.conversion_rate, line.converted_subtotal) == (
        "GBP",
        D("120.00"),
        D("1.25"),
        D("150.00"),
    )


def test_ad_hoc_bill_without_a_conversion_fails_with_a_reason():
    with pytest.raises(BillFailure, match="no currency conversion from GBP to USD"):
        ad_hoc_charge_lines(account(), [charge(amount="120", currency="GBP")], JULY1, org())
