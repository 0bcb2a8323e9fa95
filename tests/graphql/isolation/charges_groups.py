"""Charges, plan groups and their links across tenants (SEMANTICS §9, §10).

Charges and plan groups have codes and are generated with the other configuration kinds
(`entities.KINDS`). Here: B charging A's account, making a group bespoke to A's account,
linking A's plan or linking to A's group, removing A's link and attaching A's group to
its own account are refused NOT_FOUND at the exact path.

A's world: a charge on the account dated 2026-02-01, which A's January bill carries (built
before the bill run, so the bill and the charge's `billId` are in the snapshot); a group
bespoke to A's account linking A's plan; and a second group, without links, attached to
A's account (so no bill of A changes and `PlanGroup.accountPlans` has a row).
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Tenant, data_of
from tests.graphql.isolation.entities import Check
from tests.graphql.isolation.world import JAN, World, accepted, mutation, not_found

GROUP = "planGroup { id code version }"


async def _create(t: Tenant, name: str, input_type: str, selection: str, data: dict) -> dict[str, Any]:
    payload = data_of(await t.gql(mutation(name, input_type, selection), {"input": data}))[name]
    return accepted(payload)


async def build_charges_groups(t: Tenant, p: str, has: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    account = has["account"]["id"]
    charge = await _create(
        t,
        "createCharge",
        "CreateChargeInput",
        "charge { id code version }",
        {
            "accountId": account,
            "code": f"{p}-setup",
            "name": "Setup",
            "currency": "USD",
            "amount": "5",
            "billDate": "2026-02-01",
            "servicePeriodStartDate": JAN,
            "servicePeriodEndDate": JAN,
        },
    )
    group = await _create(
        t,
        "createPlanGroup",
        "CreatePlanGroupInput",
        GROUP,
        {"code": f"{p}-pro", "name": "Pro", "currency": "USD", "accountId": account, "minimumSpend": "1"},
    )
    link = await _create(
        t,
        "createPlanGroupLink",
        "CreatePlanGroupLinkInput",
        "planGroupLink { id version }",
        {"planGroupId": group["planGroup"]["id"], "planId": has["plan"]["id"]},
    )
    empty = await _create(
        t, "createPlanGroup", "CreatePlanGroupInput", GROUP, {"code": f"{p}-empty", "name": "Empty", "currency": "USD"}
    )
    attached = await _create(
        t,
        "createAccountPlan",
        "CreateAccountPlanInput",
        "accountPlan { id code version }",
        {"accountId": account, "planGroupId": empty["planGroup"]["id"], "startDate": JAN, "code": f"{p}-grouped"},
    )
    return {
        "charge": charge["charge"],
        "planGroup": group["planGroup"],
        "planGroupLink": {**link["planGroupLink"], "code": None},
        "emptyPlanGroup": empty["planGroup"],
        "groupAccountPlan": attached["accountPlan"],
    }


async def m_create_charge(w: World) -> None:
    data = {
        "accountId": w.a_has["account"]["id"],
        "code": "b-charge",
        "name": "Charge",
        "currency": "USD",
        "amount": "5",
        "billDate": "2026-02-01",
        "servicePeriodStartDate": JAN,
        "servicePeriodEndDate": JAN,
    }
    not_found(await w.b_run("createCharge", "CreateChargeInput", "charge { id }", data), "accountId")


async def m_create_plan_group(w: World) -> None:
    data = {"code": "b-group", "name": "Group", "currency": "USD", "accountId": w.a_has["account"]["id"]}
    not_found(await w.b_run("createPlanGroup", "CreatePlanGroupInput", "planGroup { id }", data), "accountId")


async def m_create_plan_group_link(w: World) -> None:
    a = w.a_has
    on_a = {"planGroupId": a["planGroup"]["id"], "planId": (await w.b_catalog())["plan"]["id"]}
    not_found(
        await w.b_run("createPlanGroupLink", "CreatePlanGroupLinkInput", "planGroupLink { id }", on_a), "planGroupId"
    )
    mine = await w.b_run(
        "createPlanGroup",
        "CreatePlanGroupInput",
        "planGroup { id }",
        {"code": "b-group", "name": "G", "currency": "USD"},
    )
    a_plan = {"planGroupId": accepted(mine)["planGroup"]["id"], "planId": a["plan"]["id"]}
    not_found(
        await w.b_run("createPlanGroupLink", "CreatePlanGroupLinkInput", "planGroupLink { id }", a_plan), "planId"
    )


async def m_delete_plan_group_link(w: World) -> None:
    link = w.a_has["planGroupLink"]
    payload = await w.b_run("deletePlanGroupLink", "DeleteInput", "deletedId", {"id": link["id"], "version": 1})
    not_found(payload, "id")


async def m_attach_a_group(w: World) -> None:
    b = await w.b_catalog()
    data = {"accountId": b["account"]["id"], "planGroupId": w.a_has["emptyPlanGroup"]["id"], "startDate": JAN}
    not_found(await w.b_run("createAccountPlan", "CreateAccountPlanInput", "accountPlan { id }", data), "planGroupId")


LINKS = "planGroupLinks(first: 100{args}) {{ totalCount nodes {{ id }} }}"
LINK = "query($id: ID!) { planGroupLink(id: $id) { id planId } }"


async def q_plan_group_links(w: World) -> None:
    a = w.a_has
    mine = a["planGroupLink"]["id"]
    for flt in ("", f'ids: ["{mine}"]', f'planGroupId: "{a["planGroup"]["id"]}"', f'planId: "{a["plan"]["id"]}"'):
        query = "{ " + LINKS.format(args=f", filter: {{{flt}}}" if flt else "") + " }"
        assert mine in {n["id"] for n in (await w.as_a(query))["planGroupLinks"]["nodes"]}, query
        assert (await w.as_b(query))["planGroupLinks"] == {"totalCount": 0, "nodes": []}, query


async def q_plan_group_link(w: World) -> None:
    mine = w.a_has["planGroupLink"]["id"]
    for spelling in (mine, mine.upper(), mine.replace("-", "")):
        assert (await w.as_a(LINK, {"id": spelling}))["planGroupLink"]["id"] == mine
        assert (await w.as_b(LINK, {"id": spelling}))["planGroupLink"] is None, spelling


def generated() -> dict[str, dict[str, Check]]:
    return {
        "Query": {"planGroupLinks": q_plan_group_links, "planGroupLink": q_plan_group_link},
        "Mutation": {
            "createCharge": m_create_charge,
            "createPlanGroup": m_create_plan_group,
            "createPlanGroupLink": m_create_plan_group_link,
            "deletePlanGroupLink": m_delete_plan_group_link,
            "createAccountPlan": m_attach_a_group,
        },
    }
