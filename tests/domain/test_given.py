"""Drafts: a field left out is NOT_GIVEN, read by its input name, merged over stored values."""

from __future__ import annotations

import pytest

from app.domain.accounts.drafts import AccountDraft
from app.domain.catalog.pricing import PricingDraft
from app.domain.given import NOT_GIVEN, given, input_name


def test_a_field_left_out_reads_as_none_and_is_not_given():
    # given
    draft = AccountDraft.from_input({"code": "acme", "emailAddress": None})
    # when
    sent = given(draft)
    # then
    assert sent == {"code": "acme", "email_address": None}
    assert draft.get("name") is None and draft.name is NOT_GIVEN


def test_nested_inputs_become_drafts_of_their_kind():
    # given
    data = {"code": "parent", "children": [{"code": "child", "accountPlans": [{"planCode": "basic"}]}]}
    # when
    draft = AccountDraft.from_input(data)
    # then
    assert draft.children[0].account_plans[0].get("planCode") == "basic"


def test_merged_replaces_only_the_fields_sent_null_included():
    # given
    stored = AccountDraft(code="acme", name="Acme", purchase_order_number="PO-1")
    # when
    merged = stored.merged(AccountDraft(name="Acme Ltd", purchase_order_number=None))
    # then
    assert (merged.code, merged.name, merged.purchase_order_number) == ("acme", "Acme Ltd", None)


@pytest.mark.parametrize(
    "changes, target",
    [
        pytest.param({}, ("aggregationId", "stored"), id="no-target-keeps-the-stored-one"),
        pytest.param({"aggregationCode": "gb"}, ("aggregationCode", "gb"), id="a-new-target-replaces-it"),
    ],
)
def test_a_pricing_update_names_one_target(changes, target):
    # given
    stored = PricingDraft(aggregation_id="stored", compound_aggregation_id=None)
    # when
    named = stored.merged(PricingDraft.from_input(changes)).target()
    # then
    assert (named.input_name, named.value) == target


def test_input_names_are_the_paths_problems_are_reported_at():
    assert input_name(PricingDraft, "start_date") == "startDate"
    assert input_name(AccountDraft, "days_before_bill_due") == "daysBeforeBillDue"
