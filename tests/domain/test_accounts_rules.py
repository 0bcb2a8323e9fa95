"""Pure rules of accounts, plan attachments and commitments (SEMANTICS §5), at their edges."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.domain.accounts import (
    MAX_CHILDREN,
    AccountRef,
    Attachment,
    CodeBook,
    Known,
    PlanRef,
    check_account,
    check_account_plan,
    check_commitment,
    check_new_accounts,
    check_replacement,
    first_collision,
    overlaps,
    references_of,
)
from app.domain.problems import ProblemCollector
from tests.case_ids import case_id

UTC = UTC
T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)
PRODUCT, OTHER_PRODUCT = uuid.uuid4(), uuid.uuid4()
PLAN = PlanRef(uuid.uuid4(), "standard", PRODUCT)
PLAN_B = PlanRef(uuid.uuid4(), "premium", PRODUCT)
OTHER_PLAN = PlanRef(uuid.uuid4(), "other", OTHER_PRODUCT)
ACCOUNT_ID = uuid.uuid4()
BESPOKE = PlanRef(uuid.uuid4(), "bespoke", PRODUCT, account_id=ACCOUNT_ID)
PARENT = AccountRef(uuid.uuid4(), "parent", None, 0)
KNOWN = Known(
    currencies=frozenset({"USD", "GBP"}),
    product_ids=frozenset({PRODUCT, OTHER_PRODUCT}),
    plans=(PLAN, PLAN_B, OTHER_PLAN, BESPOKE),
    accounts={PARENT.id: PARENT},
)


def account(**fields) -> dict:
    return {"code": "acme", "name": "Acme", "emailAddress": "billing@acme.example", **fields}


def check_one_account(data: dict, known: Known = KNOWN, **kwargs):
    at = ProblemCollector()
    values = check_account(data, at, known, CodeBook(known.taken_codes), **kwargs)
    return [(p.path, p.code.value) for p in at.problems], values


def attach(**fields) -> dict:
    return {"planId": str(PLAN.id), "startDate": T0, **fields}


def check_one_plan(data: dict, known: Known = KNOWN, others=(), account_id=ACCOUNT_ID):
    at = ProblemCollector()
    values = check_account_plan(data, at, known, CodeBook(known.taken_codes), account_id=account_id, others=others)
    return [(p.path, p.code.value) for p in at.problems], values


def commitment(**fields) -> dict:
    return {
        "currency": "USD",
        "amount": Decimal("1000"),
        "startDate": date(2026, 1, 1),
        "endDate": date(2027, 1, 1),
        **fields,
    }


def check_one_commitment(data: dict, known: Known = KNOWN):
    at = ProblemCollector()
    values = check_commitment(data, at, known, CodeBook(known.taken_codes), account_id=ACCOUNT_ID)
    return [(p.path, p.code.value) for p in at.problems], values


def check_tree(data: dict, known: Known = KNOWN):
    at = ProblemCollector()
    new = check_new_accounts(data, at, known)
    return [(p.path, p.code.value) for p in at.problems], new


# --- intervals -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((T0, T0 + DAY), (T0 + DAY, T0 + 2 * DAY), False),  # touching: [a, b) then [b, c)
        ((T0 + DAY, T0 + 2 * DAY), (T0, T0 + DAY), False),  # touching, other order
        ((T0, T0 + DAY), (T0 + DAY - TICK, T0 + 2 * DAY), True),  # one microsecond shared
        ((T0, None), (T0 + 100 * DAY, None), True),  # both open-ended
        ((T0, T0 + DAY), (T0 + DAY, None), False),  # open-ended starting at the end
        ((T0 + DAY, None), (T0, T0 + DAY), False),
        ((T0 + DAY, None), (T0, T0 + DAY + TICK), True),
        ((T0, T0 + 10 * DAY), (T0 + DAY, T0 + 2 * DAY), True),  # contained
        ((T0, T0 + DAY), (T0, T0 + DAY), True),  # identical
    ],
    ids=case_id,
)
def test_overlaps_is_half_open(a, b, expected):
    assert overlaps(*a, *b) is expected
    assert overlaps(*b, *a) is expected


def test_first_collision_only_looks_at_the_same_product():
    other = Attachment(uuid.uuid4(), None, OTHER_PRODUCT, T0, None)
    same = Attachment(uuid.uuid4(), "x", PRODUCT, T0 + DAY, None)
    assert first_collision(PRODUCT, T0, None, [other, same]) == same
    assert first_collision(PRODUCT, T0, T0 + DAY, [other, same]) is None


# --- accounts ------------------------------------------------------------------------


def test_minimal_account_gets_an_id_and_defaults():
    problems, values = check_one_account(account())
    assert problems == []
    assert isinstance(values["id"], uuid.UUID)
    assert values["custom_fields"] == {} and values["parent_account_id"] is None and values["currency"] is None


def test_update_values_have_no_id():
    problems, values = check_one_account(account(), account_id=ACCOUNT_ID)
    assert problems == [] and "id" not in values


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"code": None}, [(("input", "code"), "REQUIRED")]),
        ({"code": " acme"}, [(("input", "code"), "INVALID")]),
        ({"code": "x" * 81}, [(("input", "code"), "INVALID")]),
        ({"name": ""}, [(("input", "name"), "INVALID")]),
        ({"emailAddress": None}, [(("input", "emailAddress"), "REQUIRED")]),
        ({"emailAddress": "not-an-email"}, [(("input", "emailAddress"), "INVALID")]),
        ({"emailAddress": "a@b"}, [(("input", "emailAddress"), "INVALID")]),
        ({"emailAddress": "a b@c.example"}, [(("input", "emailAddress"), "INVALID")]),
        ({"emailAddress": "x" * 250 + "@a.io"}, [(("input", "emailAddress"), "INVALID")]),
        ({"daysBeforeBillDue": 0}, [(("input", "daysBeforeBillDue"), "INVALID")]),
        ({"daysBeforeBillDue": -1}, [(("input", "daysBeforeBillDue"), "INVALID")]),
        ({"currency": "EUR"}, [(("input", "currency"), "NOT_FOUND")]),
        ({"address": {"street": "1 Main St"}}, [(("input", "address", "street"), "INVALID")]),
        ({"address": {"postCode": 12345}}, [(("input", "address", "postCode"), "INVALID")]),
        ({"address": "1 Main St"}, [(("input", "address"), "INVALID")]),
        ({"purchaseOrderNumber": "p" * 201}, [(("input", "purchaseOrderNumber"), "INVALID")]),
        ({"customFields": {f"k{i}": i for i in range(101)}}, [(("input", "customFields"), "INVALID")]),
        # Numbers are bounded as every number we take: 30 significant digits, within 1e±31.
        ({"customFields": {"seats": 10**31}}, [(("input", "customFields"), "INVALID")]),
        ({"customFields": {"seats": int("1" * 31)}}, [(("input", "customFields"), "INVALID")]),
        ({"customFields": {"seats": 10**4000}}, [(("input", "customFields"), "INVALID")]),
        ({"customFields": {"ratio": 1e308}}, [(("input", "customFields"), "INVALID")]),
        ({"customFields": {"ratio": 1e-31}}, [(("input", "customFields"), "INVALID")]),
        ({"customFields": {"ratio": Decimal("1." + "1" * 30)}}, [(("input", "customFields"), "INVALID")]),
        ({"parentAccountId": "not-a-uuid"}, [(("input", "parentAccountId"), "NOT_FOUND")]),
        ({"parentAccountId": str(uuid.uuid4())}, [(("input", "parentAccountId"), "NOT_FOUND")]),
    ],
    ids=case_id,
)
def test_account_field_rules(fields, expected):
    assert check_one_account(account(**fields))[0] == expected


@pytest.mark.parametrize(
    "fields",
    [
        {"daysBeforeBillDue": 1},
        {"currency": "GBP"},
        {"emailAddress": "first.last+tag@sub.example.co.uk"},
        {"address": {"addressLine1": "1 Main St", "postCode": "N1 9GU", "country": "UK", "region": None}},
        {"customFields": {f"k{i}": i for i in range(100)}},
        {"customFields": {"seats": 10**30 - 1, "ratio": 0.1, "rate": 1e-30, "fee": Decimal("-1.5"), "tier": "gold"}},
        {"billEpoch": date(2026, 1, 31)},
        {"parentAccountId": str(PARENT.id)},
    ],
    ids=case_id,
)
def test_account_accepted_edges(fields):
    problems, values = check_one_account(account(**fields))
    assert problems == []


def test_address_drops_null_lines():
    _, values = check_one_account(account(address={"addressLine1": "1 Main St", "region": None}))
    assert values["address"] == {"addressLine1": "1 Main St"}


def test_every_account_problem_is_reported_at_once():
    problems, _ = check_one_account(
        {"code": "", "name": "", "emailAddress": "x", "daysBeforeBillDue": 0, "currency": "EUR"}
    )
    assert sorted(p for p, _ in problems) == sorted(
        [
            ("input", "code"),
            ("input", "name"),
            ("input", "emailAddress"),
            ("input", "daysBeforeBillDue"),
            ("input", "currency"),
        ]
    )


def test_taken_code_is_a_duplicate():
    known = Known(taken_codes={"account": frozenset({"acme"})})
    assert check_one_account(account(), known)[0] == [(("input", "code"), "DUPLICATE")]


# --- parent and child ----------------------------------------------------------------


def parent_with(children: int, parent_of_parent: uuid.UUID | None = None) -> Known:
    ref = AccountRef(PARENT.id, "parent", parent_of_parent, children)
    return Known(accounts={ref.id: ref})


@pytest.mark.parametrize(("children", "ok"), [(0, True), (MAX_CHILDREN - 1, True), (MAX_CHILDREN, False)], ids=case_id)
def test_at_most_999_children(children, ok):
    problems, _ = check_one_account(account(parentAccountId=PARENT.id), parent_with(children))
    assert problems == ([] if ok else [(("input", "parentAccountId"), "INVALID")])


def test_parent_cannot_be_a_child():
    problems, _ = check_one_account(account(parentAccountId=PARENT.id), parent_with(0, parent_of_parent=uuid.uuid4()))
    assert problems == [(("input", "parentAccountId"), "INVALID")]


def test_account_with_children_cannot_become_a_child():
    problems, _ = check_one_account(
        account(parentAccountId=PARENT.id), parent_with(0), account_id=ACCOUNT_ID, has_children=True
    )
    assert problems == [(("input", "parentAccountId"), "INVALID")]


def test_account_cannot_be_its_own_parent():
    problems, _ = check_one_account(account(parentAccountId=PARENT.id), parent_with(0), account_id=PARENT.id)
    assert problems == [(("input", "parentAccountId"), "INVALID")]


# --- account plans -------------------------------------------------------------------


def test_attachment_values():
    problems, values = check_one_plan(attach(endDate=T0 + DAY, code="ap-1"))
    assert problems == []
    assert (values["plan_id"], values["product_id"], values["account_id"]) == (PLAN.id, PRODUCT, ACCOUNT_ID)
    assert (values["start_date"], values["end_date"], values["child_billing_mode"]) == (
        T0,
        T0 + DAY,
        "PARENT_BREAKDOWN",
    )
    assert isinstance(values["id"], uuid.UUID)


def test_start_is_stored_in_utc():
    berlin = timezone(timedelta(hours=1))
    _, values = check_one_plan(attach(startDate=datetime(2026, 1, 1, 1, tzinfo=berlin)))
    assert values["start_date"] == T0 and values["start_date"].utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"startDate": None}, [(("input", "startDate"), "REQUIRED")]),
        ({"startDate": datetime(2026, 1, 1)}, [(("input", "startDate"), "INVALID")]),
        ({"endDate": T0}, [(("input", "endDate"), "INVALID")]),
        ({"endDate": T0 - TICK}, [(("input", "endDate"), "INVALID")]),
        ({"planId": None}, [(("input", "planId"), "REQUIRED")]),
        ({"planCode": "standard"}, [(("input", "planCode"), "INVALID")]),
        ({"planId": None, "planCode": "nope"}, [(("input", "planCode"), "NOT_FOUND")]),
        ({"planId": str(uuid.uuid4())}, [(("input", "planId"), "NOT_FOUND")]),
        ({"planId": "nope"}, [(("input", "planId"), "NOT_FOUND")]),
        ({"childBillingMode": "SIDEWAYS"}, [(("input", "childBillingMode"), "INVALID")]),
        ({"code": "\tap"}, [(("input", "code"), "INVALID")]),
    ],
    ids=case_id,
)
def test_attachment_field_rules(fields, expected):
    assert check_one_plan(attach(**fields))[0] == expected


def test_end_one_microsecond_after_start_is_fine():
    assert check_one_plan(attach(endDate=T0 + TICK))[0] == []


@pytest.mark.parametrize("mode", ["PARENT_BREAKDOWN", "PARENT_SUMMARY", "CHILD"], ids=case_id)
def test_child_billing_modes(mode):
    assert check_one_plan(attach(childBillingMode=mode))[1]["child_billing_mode"] == mode


def test_plan_by_code():
    problems, values = check_one_plan(attach(planId=None, planCode="premium"))
    assert problems == [] and values["plan_id"] == PLAN_B.id


def test_bespoke_plan_only_on_its_own_account():
    assert check_one_plan(attach(planId=str(BESPOKE.id)))[0] == []
    assert check_one_plan(attach(planId=str(BESPOKE.id)), account_id=uuid.uuid4())[0] == [
        (("input", "planId"), "INVALID")
    ]
    assert check_one_plan(attach(planId=None, planCode="bespoke"), account_id=uuid.uuid4())[0] == [
        (("input", "planCode"), "INVALID")
    ]


EXISTING = Attachment(uuid.uuid4(), "jan", PRODUCT, T0, T0 + 31 * DAY)


@pytest.mark.parametrize(
    ("start", "end", "collides"),
    [
        (T0 + 31 * DAY, None, False),  # starts exactly when the existing one ends
        (T0 - DAY, T0, False),  # ends exactly when the existing one starts
        (T0 + 31 * DAY - TICK, None, True),
        (T0 - DAY, T0 + TICK, True),
        (T0 - DAY, None, True),  # open-ended over it
        (T0 + DAY, T0 + 2 * DAY, True),  # inside it
    ],
    ids=case_id,
)
def test_overlap_with_an_existing_attachment(start, end, collides):
    problems, _ = check_one_plan(attach(startDate=start, endDate=end), others=[EXISTING])
    assert problems == ([(("input", "startDate"), "INVALID")] if collides else [])


def test_overlap_error_names_the_colliding_attachment():
    at = ProblemCollector()
    check_account_plan(attach(), at, KNOWN, CodeBook({}), account_id=ACCOUNT_ID, others=[EXISTING])
    assert str(EXISTING.id) in at.problems[0].message and "jan" in at.problems[0].message


def test_other_product_or_allowed_overlap_does_not_collide():
    assert check_one_plan(attach(planId=str(OTHER_PLAN.id)), others=[EXISTING])[0] == []
    allowing = Known(plans=KNOWN.plans, allow_overlapping_plans=True)
    assert check_one_plan(attach(), allowing, others=[EXISTING])[0] == []


def test_wrong_end_does_not_add_an_overlap_problem():
    problems, _ = check_one_plan(attach(startDate=T0 + DAY, endDate=T0), others=[EXISTING])
    assert problems == [(("input", "endDate"), "INVALID")]


# --- replacement ---------------------------------------------------------------------


def replace(old: Attachment, **fields):
    at = ProblemCollector()
    date_, values = check_replacement(
        old, {"planId": str(PLAN_B.id), **fields}, at, KNOWN, CodeBook({}), account_id=ACCOUNT_ID, others=[]
    )
    return [(p.path, p.code.value) for p in at.problems], date_, values


def test_replacement_starts_where_the_old_one_ends_and_keeps_its_end():
    problems, when, values = replace(EXISTING, date=T0 + 10 * DAY)
    assert problems == []
    assert when == T0 + 10 * DAY
    assert (values["start_date"], values["end_date"], values["plan_id"]) == (T0 + 10 * DAY, EXISTING.end, PLAN_B.id)


@pytest.mark.parametrize(
    ("when", "ok"),
    [
        (T0, False),  # at the start: the old one would be empty
        (T0 + TICK, True),
        (T0 + 31 * DAY - TICK, True),
        (T0 + 31 * DAY, False),  # at the end: nothing left to replace
        (T0 - DAY, False),
    ],
    ids=case_id,
)
def test_replacement_date_lies_inside_the_old_attachment(when, ok):
    problems, _, _ = replace(EXISTING, date=when)
    assert problems == ([] if ok else [(("input", "date"), "INVALID")])


def test_replacement_of_an_open_ended_attachment():
    open_ended = Attachment(uuid.uuid4(), None, PRODUCT, T0, None)
    problems, _, values = replace(open_ended, date=T0 + 400 * DAY)
    assert problems == [] and values["end_date"] is None


def test_replacement_date_required():
    assert replace(EXISTING)[0] == [(("input", "date"), "REQUIRED")]


# --- commitments ---------------------------------------------------------------------

FEE = {
    "date": date(2026, 1, 1),
    "amount": Decimal("500"),
    "servicePeriodStartDate": T0,
    "servicePeriodEndDate": T0 + 181 * DAY,
}


def test_commitment_defaults():
    problems, values = check_one_commitment(commitment())
    assert problems == []
    assert (values["amount_pre_paid"], values["amount_first_bill"], values["separate_overage_usage"]) == (0, 0, False)
    assert values["fee_dates"] == [] and values["billing_plan_id"] is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"amount": Decimal(0)}, [(("input", "amount"), "INVALID")]),
        ({"amount": Decimal("-1")}, [(("input", "amount"), "INVALID")]),
        ({"amount": Decimal("NaN")}, [(("input", "amount"), "INVALID")]),
        ({"amount": None}, [(("input", "amount"), "REQUIRED")]),
        ({"amountPrePaid": Decimal("-0.01")}, [(("input", "amountPrePaid"), "INVALID")]),
        ({"amountFirstBill": Decimal("-0.01")}, [(("input", "amountFirstBill"), "INVALID")]),
        ({"amountPrePaid": Decimal("1000.01")}, [(("input", "amountPrePaid"), "INVALID")]),
        (
            {"amountPrePaid": Decimal("600"), "amountFirstBill": Decimal("400.01")},
            [(("input", "amountFirstBill"), "INVALID")],
        ),
        ({"startDate": date(2027, 1, 1)}, [(("input", "endDate"), "INVALID")]),
        ({"endDate": date(2025, 12, 31)}, [(("input", "endDate"), "INVALID")]),
        ({"currency": "EUR"}, [(("input", "currency"), "NOT_FOUND")]),
        ({"currency": None}, [(("input", "currency"), "REQUIRED")]),
        ({"productIds": [str(PRODUCT), str(uuid.uuid4())]}, [(("input", "productIds", "1"), "NOT_FOUND")]),
        ({"lineItemTypes": ["USAGE", "COMMITMENT_FEE"]}, [(("input", "lineItemTypes", "1"), "INVALID")]),
        (
            {"overageSurchargePercent": Decimal("5"), "separateOverageUsage": True},
            [(("input", "separateOverageUsage"), "INVALID")],
        ),
        (
            {"overageSurchargePercent": Decimal("-5"), "separateOverageUsage": True},
            [(("input", "separateOverageUsage"), "INVALID")],
        ),
        ({"feeDates": [FEE], "billingPlanId": str(PLAN.id)}, [(("input", "billingPlanId"), "INVALID")]),
        ({"billingPlanId": str(uuid.uuid4())}, [(("input", "billingPlanId"), "NOT_FOUND")]),
        ({"billingPlanId": str(PLAN.id), "billingInterval": 0}, [(("input", "billingInterval"), "INVALID")]),
        ({"billingPlanId": str(PLAN.id), "billingInterval": 366}, [(("input", "billingInterval"), "INVALID")]),
        ({"billingPlanId": str(PLAN.id), "billingOffset": -1}, [(("input", "billingOffset"), "INVALID")]),
        ({"billingPlanId": str(PLAN.id), "billingOffset": 365}, [(("input", "billingOffset"), "INVALID")]),
        ({"billingInterval": 2}, [(("input", "billingInterval"), "INVALID")]),
        ({"billingOffset": 0}, [(("input", "billingOffset"), "INVALID")]),
        ({"feeDates": [{**FEE, "amount": Decimal(0)}]}, [(("input", "feeDates", "0", "amount"), "INVALID")]),
        (
            {"feeDates": [FEE, {**FEE, "servicePeriodEndDate": T0 - TICK}]},
            [(("input", "feeDates", "1", "servicePeriodEndDate"), "INVALID")],
        ),
        (
            {"feeDates": [{**FEE, "servicePeriodStartDate": None}]},
            [(("input", "feeDates", "0", "servicePeriodStartDate"), "REQUIRED")],
        ),
        (
            {"feeDates": [{**FEE, "servicePeriodStartDate": datetime(2026, 1, 1)}]},
            [(("input", "feeDates", "0", "servicePeriodStartDate"), "INVALID")],
        ),
        ({"commitmentFeeDescription": "d" * 201}, [(("input", "commitmentFeeDescription"), "INVALID")]),
        ({"childBillingMode": "NOPE"}, [(("input", "childBillingMode"), "INVALID")]),
    ],
    ids=case_id,
)
def test_commitment_rules(fields, expected):
    assert check_one_commitment(commitment(**fields))[0] == expected


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": Decimal("0.01")},
        {"amountPrePaid": Decimal(0), "amountFirstBill": Decimal(0)},
        {"amountPrePaid": Decimal("600"), "amountFirstBill": Decimal("400")},  # exactly the amount
        {"startDate": date(2026, 12, 31)},  # one day long
        {"overageSurchargePercent": Decimal(0), "separateOverageUsage": True},
        {"separateOverageUsage": True},
        {"overageSurchargePercent": Decimal("-10")},
        {"billingPlanId": str(PLAN.id), "billingInterval": 1, "billingOffset": 0},
        {"billingPlanId": str(PLAN.id), "billingInterval": 365, "billingOffset": 364},
        {"feeDates": [{**FEE, "servicePeriodEndDate": T0}]},  # start = end is allowed
        {"productIds": [str(PRODUCT)], "lineItemTypes": ["STANDING_CHARGE", "USAGE", "MINIMUM_SPEND"]},
    ],
    ids=case_id,
)
def test_commitment_accepted_edges(fields):
    assert check_one_commitment(commitment(**fields))[0] == []


def test_commitment_stores_fees_as_exact_strings_and_billing_defaults():
    _, values = check_one_commitment(commitment(feeDates=[{**FEE, "amount": Decimal("500.10")}]))
    assert values["fee_dates"] == [
        {
            "date": "2026-01-01",
            "amount": "500.10",
            "servicePeriodStartDate": T0.isoformat(),
            "servicePeriodEndDate": (T0 + 181 * DAY).isoformat(),
        }
    ]
    _, values = check_one_commitment(commitment(billingPlanId=str(PLAN.id)))
    assert (values["billing_plan_id"], values["billing_interval"], values["billing_offset"]) == (PLAN.id, 1, 0)


def test_commitment_deduplicates_products_and_line_item_types():
    _, values = check_one_commitment(
        commitment(productIds=[str(PRODUCT), str(PRODUCT)], lineItemTypes=["USAGE", "USAGE"])
    )
    assert values["product_ids"] == [str(PRODUCT)] and values["line_item_types"] == ["USAGE"]


# --- nested create -------------------------------------------------------------------


def test_tree_links_children_plans_and_commitments_by_generated_ids():
    problems, new = check_tree(
        account(
            accountPlans=[attach(endDate=T0 + DAY), attach(startDate=T0 + DAY, planId=None, planCode="premium")],
            commitments=[commitment()],
            children=[account(code="kid-1", accountPlans=[attach()]), account(code="kid-2")],
        )
    )
    assert problems == []
    root, kid1, kid2 = new.accounts
    assert root["parent_account_id"] is None and kid1["parent_account_id"] == root["id"] == kid2["parent_account_id"]
    assert [p["account_id"] for p in new.account_plans] == [root["id"], root["id"], kid1["id"]]
    assert [c["account_id"] for c in new.commitments] == [root["id"]]


def test_tree_problems_carry_nested_paths():
    problems, _ = check_tree(
        account(
            accountPlans=[attach(), attach(startDate=T0 + DAY)],  # overlaps the first
            children=[
                account(code="kid"),
                account(
                    code="kid",
                    parentAccountId=str(PARENT.id),
                    children=[account(code="grandkid")],
                    commitments=[commitment(amount=Decimal(0))],
                ),
            ],
        )
    )
    assert sorted(problems) == sorted(
        [
            (("input", "accountPlans", "1", "startDate"), "INVALID"),
            (("input", "children", "1", "code"), "DUPLICATE"),
            (("input", "children", "1", "parentAccountId"), "INVALID"),
            (("input", "children", "1", "children"), "INVALID"),
            (("input", "children", "1", "commitments", "0", "amount"), "INVALID"),
        ]
    )


def test_tree_codes_unique_across_the_input_per_kind():
    problems, _ = check_tree(
        account(
            accountPlans=[attach(code="same", endDate=T0 + DAY), attach(code="same", startDate=T0 + DAY)],
            commitments=[commitment(code="same"), commitment(code="c")],
            children=[account(code="kid", commitments=[commitment(code="c")])],
        )
    )
    assert sorted(problems) == [
        (("input", "accountPlans", "1", "code"), "DUPLICATE"),
        (("input", "children", "0", "commitments", "0", "code"), "DUPLICATE"),
    ]


def test_tree_child_plans_do_not_collide_with_the_parents():
    problems, _ = check_tree(account(accountPlans=[attach()], children=[account(code="kid", accountPlans=[attach()])]))
    assert problems == []


@pytest.mark.parametrize(("count", "ok"), [(MAX_CHILDREN, True), (MAX_CHILDREN + 1, False)], ids=case_id)
def test_tree_at_most_999_children(count, ok):
    problems, _ = check_tree(account(children=[account(code=f"kid-{i}") for i in range(count)]))
    assert problems == ([] if ok else [(("input", "children"), "INVALID")])


def test_tree_root_with_a_parent_cannot_have_children():
    problems, _ = check_tree(account(parentAccountId=str(PARENT.id), children=[account(code="kid")]))
    assert problems == [(("input", "parentAccountId"), "INVALID")]


def test_references_of_a_tree():
    refs = references_of(
        account(
            parentAccountId=str(PARENT.id),
            accountPlans=[attach(code="ap")],
            commitments=[commitment(billingPlanId=str(PLAN_B.id), productIds=[str(PRODUCT), "junk"], code="c")],
            children=[account(code="kid", accountPlans=[attach(planId=None, planCode="premium")])],
        )
    )
    assert refs.account_ids == {PARENT.id}
    assert refs.plan_ids == {PLAN.id, PLAN_B.id} and refs.plan_codes == {"premium"}
    assert refs.product_ids == {PRODUCT}
    assert refs.codes == {"account": {"acme", "kid"}, "accountPlan": {"ap"}, "commitment": {"c"}}
