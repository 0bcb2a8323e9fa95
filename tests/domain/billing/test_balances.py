"""Balances on bills: drawdown order, eligibility, rollover and expiry, overage
(SEMANTICS §11.2, the §11.4 examples)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from app.domain.billing import DEFAULT_STEPS, DraftLine, LineType, compose_bill
from app.domain.billing.balances import BalanceSnapshot
from app.domain.billing.balances_steps import (
    CreditKind,
    CreditSources,
    credit_order,
    credit_steps,
    drawn_balances,
)
from app.domain.billing.balances_summary import summarize
from app.domain.billing.commitments import CommitmentSnapshot, commitment_steps
from app.domain.periods import BillFrequency
from tests.case_ids import case_id

from .builders import D, account, account_plan, org, plan, uid, utc

ACME = uid("account:acme")
CLOUD, SUPPORT = uid("product:cloud"), uid("product:support")
PREPAYMENT, BALANCE = CreditKind.PREPAYMENT, CreditKind.BALANCE
JUNE = (utc(2024, 6, 1), utc(2024, 7, 1))
JULY = (utc(2024, 7, 1), utc(2024, 8, 1))


def line(kind: LineType, amount: str, period=JUNE, product=CLOUD) -> DraftLine:
    return DraftLine(kind, D(amount), "USD", None, None, product, *period)


def balance(name="b", credits="300", start=utc(2024, 6, 1), end=utc(2024, 9, 1), **fields) -> BalanceSnapshot:
    return BalanceSnapshot(
        id=uid(f"balance:{name}"), account_id=ACME, code=name, currency="USD", start=start, end=end,
        credits=D(credits), **fields,
    )  # fmt: skip


def commitment(amount="500", spent="0", **fields) -> CommitmentSnapshot:
    return CommitmentSnapshot(
        id=uid("commitment:c"), account_id=ACME, currency="USD", amount=D(amount),
        start=date(2024, 6, 1), end=date(2025, 6, 1), amount_spent_before=D(spent), **fields,
    )  # fmt: skip


def compose(lines, sources: CreditSources, bill_date=date(2024, 7, 1), the_org=None):
    """A bill whose charge lines are ``lines``, then the credit steps."""

    def charges(context, drafts):
        drafts.extend(replace(li) for li in lines)

    return compose_bill(
        account(),
        (account_plan(plan()),),
        bill_date,
        BillFrequency.MONTHLY,
        the_org or org(),
        {},
        steps=(*DEFAULT_STEPS, charges, *credit_steps(sources)),
    )


def summary(bill):
    return [(li.line_type.value, li.converted_subtotal) for li in bill.lines]


# --- §11.4: a commitment and a balance in either order ----------------------------------

JUNE_LINES = [line(LineType.USAGE, "420"), line(LineType.STANDING_CHARGE, "50")]
JULY_LINES = [line(LineType.USAGE, "380", JULY), line(LineType.STANDING_CHARGE, "50", JULY)]
SURCHARGED = {"overage_surcharge_percent": D("10")}


def test_prepayment_first_example():
    """June: 470 eligible, the commitment draws 470 (30 left), the balance nothing: 0.00.
    July: 430 eligible, the commitment draws 30, the balance min(300, 400) = 300, 100 stay
    uncovered and the balance (the last exhausted) surcharges 10% = 10.00: 110.00."""
    order = (PREPAYMENT, BALANCE)
    june = compose(JUNE_LINES, CreditSources((commitment(),), (balance(**SURCHARGED),), order))
    assert june.total == D("0.00")
    assert [li.line_type for li in june.lines].count(LineType.BALANCE_CONSUMED) == 0
    july = compose(
        JULY_LINES, CreditSources((commitment(spent="470"),), (balance(**SURCHARGED),), order), date(2024, 8, 1)
    )
    assert summary(july)[-3:] == [
        ("COMMITMENT_CONSUMED", D("-30.00")),
        ("BALANCE_CONSUMED", D("-300.00")),
        ("OVERAGE_SURCHARGE", D("10.00")),
    ]
    assert july.total == D("110.00")
    assert drawn_balances(july) == {uid("balance:b"): (D("300.00"), D("0"))}


def test_balance_first_example():
    """June: the balance draws 300, the commitment 170 (330 left). July: the balance has 0,
    the commitment draws 330, 100 stay uncovered; the last exhausted source is the
    commitment, without a surcharge: 100.00."""
    order = (BALANCE, PREPAYMENT)
    june = compose(JUNE_LINES, CreditSources((commitment(),), (balance(**SURCHARGED),), order))
    assert summary(june)[-2:] == [("COMMITMENT_CONSUMED", D("-170.00")), ("BALANCE_CONSUMED", D("-300.00"))]
    assert june.total == D("0.00")
    spent = balance(drawn_before=D("300"), **SURCHARGED)
    july = compose(JULY_LINES, CreditSources((commitment(spent="170"),), (spent,), order), date(2024, 8, 1))
    assert summary(july)[-1] == ("COMMITMENT_CONSUMED", D("-330.00"))
    assert july.total == D("100.00")


@pytest.mark.parametrize(
    ("order", "expected_total", "consumed"),
    [
        ((PREPAYMENT, BALANCE), "110.00", {"COMMITMENT_CONSUMED": "-30.00", "BALANCE_CONSUMED": "-300.00"}),
        ((BALANCE, PREPAYMENT), "100.00", {"COMMITMENT_CONSUMED": "-30.00", "BALANCE_CONSUMED": "-300.00"}),
        ((PREPAYMENT,), "400.00", {"COMMITMENT_CONSUMED": "-30.00"}),  # only commitments draw
        ((BALANCE,), "143.00", {"BALANCE_CONSUMED": "-300.00"}),  # 430 − 300 + 10% of 130
    ],
    ids=case_id,
)
def test_drawdown_order_table(order, expected_total, consumed):
    """July with 30 left on the commitment and 300 on the balance (10% surcharge)."""
    bill = compose(
        JULY_LINES, CreditSources((commitment(spent="470"),), (balance(**SURCHARGED),), order), date(2024, 8, 1)
    )
    drawn = {kind: str(amount) for kind, amount in summary(bill) if kind.endswith("_CONSUMED")}
    assert (str(bill.total), drawn) == (expected_total, consumed)


def test_without_balances_the_steps_are_the_commitment_steps():
    c = commitment(spent="470", overage_surcharge_percent=D("5"))
    with_sources = compose(JULY_LINES, CreditSources((c,)), date(2024, 8, 1))

    def charges(context, drafts):
        drafts.extend(replace(li) for li in JULY_LINES)

    before = compose_bill(
        account(), (account_plan(plan()),), date(2024, 8, 1), BillFrequency.MONTHLY, org(), {},
        steps=(*DEFAULT_STEPS, charges, *commitment_steps((c,))),
    )  # fmt: skip
    assert with_sources == before
    assert summary(before)[-1] == ("OVERAGE_SURCHARGE", D("20.00"))  # 400 × 5%


# --- eligibility ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "lines", "drawn"),
    [
        ({}, [line(LineType.USAGE, "40"), line(LineType.AD_HOC, "20", product=None)], "60"),
        ({"product_ids": {SUPPORT}}, [line(LineType.USAGE, "40"), line(LineType.USAGE, "7", product=SUPPORT)], "7"),
        ({"line_item_types": {LineType.AD_HOC}}, [line(LineType.USAGE, "40"), line(LineType.AD_HOC, "20")], "20"),
        ({"line_item_types": {LineType.STANDING_CHARGE}}, [line(LineType.USAGE, "40")], None),
        # Never eligible: negative lines and counter adjustment credits.
        ({}, [line(LineType.AD_HOC, "-20"), line(LineType.USAGE, "40")], "40"),
        ({}, [line(LineType.COUNTER_ADJUSTMENT_CREDIT, "-5"), line(LineType.COUNTER_ADJUSTMENT_DEBIT, "9")], "9"),
        # By service period start: before the window, inside, at its (exclusive) end.
        ({}, [line(LineType.USAGE, "40", (utc(2024, 5, 1), utc(2024, 6, 1)))], None),
        ({}, [line(LineType.USAGE, "40", (utc(2024, 8, 31), utc(2024, 9, 30)))], "40"),  # straddles: whole
        ({}, [line(LineType.USAGE, "40", (utc(2024, 9, 1), utc(2024, 10, 1)))], None),
    ],
    ids=case_id,
)
def test_eligibility_by_type_product_and_service_start(fields, lines, drawn):
    bill = compose(lines, CreditSources((), (balance(credits="1000", **fields),)))
    consumed = [li.subtotal for li in bill.lines if li.line_type is LineType.BALANCE_CONSUMED]
    assert consumed == ([] if drawn is None else [-D(drawn)])


def test_balances_draw_by_end_date_then_code_in_bill_order():
    """b2 ends first and draws first; a and z end together: a before z. Each covers lines in
    bill order (USAGE before STANDING_CHARGE), what it covered is not offered again."""
    early = balance("b2", credits="30", end=utc(2024, 8, 1))
    a, z = balance("a", credits="25"), balance("z", credits="100")
    bill = compose([line(LineType.STANDING_CHARGE, "50"), line(LineType.USAGE, "60")], CreditSources((), (z, a, early)))
    assert {li.balance_id: li.converted_subtotal for li in bill.lines if li.balance_id} == {
        early.id: D("-30.00"),
        a.id: D("-25.00"),
        z.id: D("-55.00"),
    }
    assert bill.total == D("0.00")


def test_a_balance_never_goes_below_zero_and_a_zero_draw_gives_no_line():
    spent = balance(credits="300", drawn_before=D("300"))
    bill = compose([line(LineType.USAGE, "40")], CreditSources((), (spent,)))
    assert summary(bill) == [("USAGE", D("40.00"))]
    over = balance(credits="300", drawn_before=D("350"))  # a bad snapshot still draws nothing
    assert summary(compose([line(LineType.USAGE, "40")], CreditSources((), (over,)))) == [("USAGE", D("40.00"))]


def test_a_balance_in_another_currency_converts_both_ways():
    eur = replace(balance(credits="100"), currency="EUR")
    the_org = org(conversions={("EUR", "USD"): D("1.1")})
    bill = compose([line(LineType.USAGE, "55")], CreditSources((), (eur,)), the_org=the_org)
    [consumed] = [li for li in bill.lines if li.line_type is LineType.BALANCE_CONSUMED]
    assert (consumed.converted_subtotal, consumed.subtotal, consumed.currency) == (D("-55.00"), D("-50.00"), "EUR")
    assert drawn_balances(bill) == {eur.id: (D("50.00"), D("0"))}


# --- rollover and expiry -----------------------------------------------------------------

H1 = {"start": utc(2024, 1, 1), "end": utc(2024, 7, 1)}


@pytest.mark.parametrize(
    ("fields", "period", "drawn"),
    [
        # R = 5000 − 4000 = 1000; rolls min(1000, 800) = 800 until 10-01.
        ({"rollover_end": utc(2024, 10, 1), "rollover_amount": D("800")}, JULY, ("0", "800")),
        ({"rollover_end": utc(2024, 10, 1)}, JULY, ("0", "1000")),  # no cap: all of R
        ({}, JULY, None),  # no rollover end: all of R expires at the end date
        # At the rollover's end the rollover expires too.
        ({"rollover_end": utc(2024, 10, 1)}, (utc(2024, 10, 1), utc(2024, 11, 1)), None),
        ({"rollover_end": utc(2024, 10, 1)}, (utc(2024, 9, 30), utc(2024, 10, 1)), ("0", "1000")),
        # A window line on the same bill draws first, from the window, and shrinks R.
        ({"rollover_end": utc(2024, 10, 1)}, None, ("600", "400")),
    ],
    ids=case_id,
)
def test_rollover_and_expiry_at_their_dates(fields, period, drawn):
    b = balance(credits="5000", drawn_before=D("4000"), **H1, **fields)
    lines = [line(LineType.USAGE, "5000", period)] if period else [
        line(LineType.USAGE, "600", JUNE), line(LineType.USAGE, "5000", JULY),
    ]  # fmt: skip
    bill = compose(lines, CreditSources((), (b,)), date(2024, 8, 1))
    assert drawn_balances(bill).get(b.id) == (None if drawn is None else (D(drawn[0]), D(drawn[1])))


def test_rollover_drawn_by_earlier_bills_is_not_drawn_again():
    b = balance(
        credits="5000", drawn_before=D("4000"), rollover_drawn_before=D("700"), rollover_end=utc(2024, 10, 1),
        rollover_amount=D("800"), **H1,
    )  # fmt: skip
    bill = compose([line(LineType.USAGE, "500", JULY)], CreditSources((), (b,)), date(2024, 8, 1))
    assert drawn_balances(bill) == {b.id: (D("0"), D("100.00"))}


def test_credit_order_defaults_and_validation():
    assert credit_order(None) == (PREPAYMENT, BALANCE)
    assert credit_order(["BALANCE"]) == (BALANCE,)
    with pytest.raises(ValueError):
        credit_order(["WALLET"])
    with pytest.raises(ValueError):
        balance(line_item_types={LineType.COUNTER_ADJUSTMENT_CREDIT})
    with pytest.raises(ValueError):
        balance(rollover_end=utc(2024, 9, 1))  # must be after the end


# --- transaction summary (rule 7) ----------------------------------------------------------


def summary_at(now, drawn="4000", rollover_drawn="500", credits=(("2024-01-01", "5000"),), **fields):
    rollover = {"rollover_end": utc(2024, 10, 1), "rollover_amount": D("800")} | fields
    return summarize(
        end=utc(2024, 7, 1),
        credits=[(datetime.fromisoformat(f"{d}T00:00:00+00:00"), D(a)) for d, a in credits],
        drawn=D(drawn),
        rollover_drawn=D(rollover_drawn),
        now=now,
        **rollover,
    )


def test_rollover_summary_example():
    """Credit 5,000; window draws 4,000 → R = 1,000, 800 rolls, 200 expire; July–September
    draw 500 of the rollover, 300 expire at 10-01: 5,000 = (4,000 + 500) + 200 + 300 + 0."""
    s = summary_at(utc(2024, 10, 1))
    assert (s.total_credit_amount, s.initial_credit_amount) == (D("5000"), D("5000"))
    assert (s.balance_consumed, s.rollover_consumed, s.total_debit_amount) == (D("4000"), D("500"), D("4500"))
    assert (s.expired_balance_amount, s.rollover_expired_amount, s.amount) == (D("200"), D("300"), D("0"))


@pytest.mark.parametrize(
    ("now", "rollover_drawn", "fields", "expected"),
    [
        (utc(2024, 6, 30), "0", {}, ("0", "0", "1000")),  # before the end: R is still available
        (utc(2024, 8, 15), "500", {}, ("200", "0", "300")),  # in the rollover: 800 − 500 left
        (utc(2024, 8, 15), "500", {"rollover_amount": None}, ("0", "0", "500")),  # no cap: all of R rolls
        (utc(2024, 8, 15), "0", {"rollover_end": None, "rollover_amount": None}, ("1000", "0", "0")),  # no rollover
    ],
    ids=case_id,
)
def test_summary_moves_with_time_and_keeps_the_invariant(now, rollover_drawn, fields, expected):
    """(expiredBalanceAmount, rolloverExpiredAmount, amount) with credit 5,000 and window draws 4,000."""
    s = summary_at(now, rollover_drawn=rollover_drawn, **fields)
    assert (s.expired_balance_amount, s.rollover_expired_amount, s.amount) == tuple(D(x) for x in expected)
    assert (
        s.total_credit_amount == s.total_debit_amount + s.expired_balance_amount + s.rollover_expired_amount + s.amount
    )


def test_summary_counts_credits_applied_by_now_and_the_earliest_as_initial():
    credits = (("2024-02-01", "70"), ("2024-01-05", "50"), ("2024-05-01", "999"))  # the last not yet applied
    s = summary_at(utc(2024, 3, 1), drawn="100", rollover_drawn="0", credits=credits)
    assert (s.total_credit_amount, s.initial_credit_amount, s.amount) == (D("120"), D("50"), D("20"))
