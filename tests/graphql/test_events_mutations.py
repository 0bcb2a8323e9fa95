"""Every configuration mutation of the schema records its event, in its transaction
(SEMANTICS §14.1–14.2).

One story walks every create/update/delete-style mutation through the public API and, after
each, finds the event it owes: `configuration.<entity>.<created|updated|deleted>` about
the entity written (nested creates: one per entity). `test_every_configuration_mutation_
is_walked` compares the schema's mutations with what the story called plus the
mutations that are not configuration (their events are tested with their writers), so a
new mutation fails it until the story covers it.
"""

from __future__ import annotations

import uuid
from typing import Any

from graphql import GraphQLObjectType, get_named_type

from app.graphql.schema import schema
from app.models.events import Event
from app.services.events.catalogue import event_types
from app.services.events.queries import render_payloads
from tests.conftest import Tenant, data_of

ERRORS = "userErrors { field code message }"
JAN = "2026-01-01T00:00:00+00:00"
BAND = [{"lowerLimit": "0", "unitPrice": "0.5"}]
MUTATIONS = schema._schema.mutation_type.fields
# Not configuration: sessions, ingest and the bill lifecycle (tests/services/test_events_billing.py).
NOT_CONFIGURATION = {
    "login",
    "submitMeasurements",
    "createBillJob",
    "cancelBillJob",
    "recalculateBills",
    "approveBills",
    "lockBill",
    # Actions of other features that change no configuration entity (their own tests).
    "generateBillStatement",
    "createExportJob",
    "sendTestWebhook",
    "redeliverWebhook",
    "redeliverFailedWebhooks",
}
# What the story below calls: every mutation of SEMANTICS §§2–5 configuration.
WALKED = {
    "updateOrganizationConfig",
    "createCurrency",
    "updateCurrency",
    "deleteCurrency",
    "createPermissionPolicy",
    "updatePermissionPolicy",
    "deletePermissionPolicy",
    "attachPermissionPolicy",
    "detachPermissionPolicy",
    "createServiceUser",
    "deleteServiceUser",
    "createAccessKey",
    "updateAccessKey",
    "inviteUser",
    "acceptInvitation",
    *(
        f"{verb}{kind}"
        for verb in ("create", "update", "delete")
        for kind in (
            "Product",
            "Meter",
            "Aggregation",
            "CompoundAggregation",
            "PlanTemplate",
            "Plan",
            "Pricing",
            "Account",
            "AccountPlan",
            "Commitment",
        )
    ),
    "replaceAccountPlan",
    "updateBillConfig",
}
# Mutations whose event type is not named after them.
NAMED_TYPES = {
    "setBillPending": "billing.bill.updated",
    # Memo lines are part of their bill (SEMANTICS §12.1): a memo change updates the bill.
    "createBillLineItem": "billing.bill.updated",
    "updateBillLineItem": "billing.bill.updated",
    "deleteBillLineItem": "billing.bill.updated",
    "rotateWebhookSecret": "webhookdestination.updated",
}


class Story:
    """Runs mutations as the tenant's administrator and checks each one's events."""

    def __init__(self, tenant: Tenant) -> None:
        self.t = tenant
        self.org = uuid.UUID(tenant.organization_id)
        self.called: set[str] = set()

    async def run(self, name: str, input_: dict | None = None, args: dict | None = None) -> dict:
        field = MUTATIONS[name]
        payload_type = field.type.of_type
        selected = " ".join(_selection(f, t.type) for f, t in payload_type.fields.items() if f != "userErrors")
        if input_ is not None:
            args = {"input": input_}
        declared = ", ".join(f"${a}: {field.args[a].type}" for a in args or {})
        passed = ", ".join(f"{a}: ${a}" for a in args or {})
        query = f"mutation({declared}) {{ {name}({passed}) {{ {selected} {ERRORS} }} }}"
        result = data_of(await self.t.gql(query, args, token="" if name == "acceptInvitation" else None))[name]
        assert result["userErrors"] == [], (name, result)
        self.called.add(name)
        return result

    async def expect(self, type_: str, entity_id: Any, **payload_new: Any) -> Event:
        found = await Event.filter(organization_id=self.org, type=type_, entity_id=entity_id).order_by("-sequence")
        assert found, f"no {type_} event about {entity_id}"
        event = found[0]
        # No secret column is stored, even in a payload of row images (a versioned update's).
        for stored in event.images.values() if event.payload_table else ():
            assert not {k for k in stored if "hash" in k or "secret" in k}, stored
        await render_payloads([event])  # the payload as every reader shows it
        action = type_.rsplit(".", 1)[1]
        parts = {"created": {"new"}, "updated": {"old", "new"}, "deleted": {"old"}}.get(action)
        if parts:
            assert set(event.payload) == parts, event.payload
            shown = event.payload.get("new") or event.payload["old"]
            assert shown["id"] == str(entity_id), shown
            assert not {k for k in shown if "hash" in k.lower() or "secret" in k.lower()}, shown
        for key, value in payload_new.items():
            assert event.payload["new"][key] == value, (key, event.payload)
        return event

    async def version(self, query: str, id_: str) -> int:
        root = query.split("(")[0]
        return data_of(await self.t.gql(f'{{ {query}(id: "{id_}") {{ version }} }}'))[root]["version"]

    async def update(self, kind: str, entity: str, id_: str, **changes: Any) -> None:
        version = await self.version(kind, id_)
        name = "update" + kind[0].upper() + kind[1:]
        await self.run(name, {"id": id_, "version": version, **changes})
        event = await self.expect(f"configuration.{entity}.updated", id_)
        assert (event.payload["old"]["version"], event.payload["new"]["version"]) == (version, version + 1)

    async def delete(self, kind: str, entity: str, id_: str) -> None:
        version = await self.version(kind, id_)
        await self.run("delete" + kind[0].upper() + kind[1:], {"id": id_, "version": version})
        await self.expect(f"configuration.{entity}.deleted", id_)


def _selection(name: str, type_: Any) -> str:
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        return name
    return f"{name} {{ {'id' if 'id' in named.fields else '__typename'} }}"


def product_input() -> dict:
    return {
        "code": "ev-product",
        "name": "Events product",
        "meters": [
            {
                "code": "ev-meter",
                "name": "Events meter",
                "dataFields": [{"category": "MEASURE", "code": "gb", "name": "Gigabytes"}],
                "aggregations": [{"code": "ev_gb", "name": "GB", "targetField": "gb", "aggregation": "SUM"}],
            }
        ],
        "compoundAggregations": [{"code": "ev_combo", "name": "Combo", "calculation": "aggregation.ev_gb * 2"}],
        "planTemplates": [
            {
                "code": "ev-template",
                "name": "Template",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "standingCharge": "10",
                "pricings": [
                    {"code": "ev-t-pricing", "startDate": JAN, "aggregationCode": "ev_gb", "pricingBands": BAND}
                ],
                "plans": [
                    {
                        "code": "ev-plan",
                        "name": "Plan",
                        "pricings": [
                            {
                                "code": "ev-p-pricing",
                                "startDate": JAN,
                                "compoundAggregationCode": "ev_combo",
                                "pricingBands": BAND,
                            }
                        ],
                    }
                ],
            }
        ],
    }


CATALOG = """{ products { nodes { id code } } meters { nodes { id code } } aggregations { nodes { id code } }
  compoundAggregations { nodes { id code } } planTemplates { nodes { id code } } plans { nodes { id code } }
  pricings { nodes { id code } } accounts { nodes { id code } } accountPlans { nodes { id code } }
  commitments { nodes { id code } } }"""
ENTITIES = {
    "products": "product",
    "meters": "meter",
    "aggregations": "aggregation",
    "compoundAggregations": "compoundaggregation",
    "planTemplates": "plantemplate",
    "plans": "plan",
    "pricings": "pricing",
    "accounts": "account",
    "accountPlans": "accountplan",
    "commitments": "commitment",
}


async def by_code(s: Story) -> dict[str, tuple[str, str]]:
    """code → (entity name, id) of every catalog and account entity."""
    seen = data_of(await s.t.gql(CATALOG))
    return {n["code"]: (ENTITIES[k], n["id"]) for k, v in seen.items() for n in v["nodes"]}


async def walk_access(s: Story) -> None:
    config = data_of(await s.t.gql("{ organizationConfig { id version } }"))["organizationConfig"]
    await s.run("updateOrganizationConfig", {"version": config["version"], "daysBeforeBillDue": 9})
    await s.expect("configuration.organizationconfig.updated", config["id"], daysBeforeBillDue=9)

    currency = (await s.run("createCurrency", {"code": "EVC", "name": "Event coin"}))["currency"]["id"]
    await s.expect("configuration.currency.created", currency, code="EVC")
    await s.update("currency", "currency", currency, name="Event coin 2")
    await s.delete("currency", "currency", currency)

    policy_input = {"name": "ev-policy", "statements": [{"effect": "ALLOW", "action": ["*"], "resource": ["*"]}]}
    policy = (await s.run("createPermissionPolicy", policy_input))["permissionPolicy"]["id"]
    await s.expect("configuration.permissionpolicy.created", policy, name="ev-policy")
    await s.run("updatePermissionPolicy", {"id": policy, "version": 1, "name": "ev-policy-2"})
    await s.expect("configuration.permissionpolicy.updated", policy, name="ev-policy-2")

    robot = (await s.run("createServiceUser", {"name": "ev-robot"}))["serviceUser"]["id"]
    await s.expect("configuration.serviceuser.created", robot, name="ev-robot")
    attach = {"policyId": policy, "principalType": "SERVICE_USER", "principalId": robot}
    await s.run("attachPermissionPolicy", attach)
    [attached] = await Event.filter(organization_id=s.org, type="configuration.policyattachment.created")
    assert attached.payload["new"]["policyId"] == policy
    await s.run("detachPermissionPolicy", attach)
    await s.expect("configuration.policyattachment.deleted", attached.entity_id)
    await s.run("deletePermissionPolicy", {"id": policy, "version": 2})
    await s.expect("configuration.permissionpolicy.deleted", policy)

    key = (await s.run("createAccessKey", {"serviceUserId": robot}))["accessKey"]["id"]
    await s.expect("configuration.accesskey.created", key, status="ACTIVE")
    await s.run("updateAccessKey", {"id": key, "version": 1, "status": "INACTIVE"})
    await s.expect("configuration.accesskey.updated", key, status="INACTIVE")
    await s.run("deleteServiceUser", {"id": robot, "version": 1})
    await s.expect("configuration.serviceuser.deleted", robot)
    await s.expect("configuration.accesskey.deleted", key)

    invited = await s.run("inviteUser", {"email": "ev@example.com", "firstName": "E", "lastName": "V"})
    user = invited["user"]["id"]
    await s.expect("configuration.user.created", user, status="INVITED")
    await s.run("acceptInvitation", args={"token": invited["invitationToken"], "password": "a long password"})
    await s.expect("configuration.user.updated", user, status="ACTIVE")


async def walk_catalog(s: Story) -> dict[str, tuple[str, str]]:
    await s.run("createProduct", product_input())
    await s.run(
        "createMeter",
        {
            "code": "ev-global",
            "name": "Global",
            "dataFields": [{"category": "MEASURE", "code": "calls", "name": "Calls"}],
        },
    )
    codes = await by_code(s)
    product, meter = codes["ev-product"][1], codes["ev-meter"][1]
    await s.run(
        "createAggregation",
        {
            "meterId": codes["ev-global"][1],
            "code": "ev_calls",
            "name": "Calls",
            "targetField": "calls",
            "aggregation": "COUNT",
        },
    )
    await s.run(
        "createCompoundAggregation", {"code": "ev_solo", "name": "Solo", "calculation": "aggregation.ev_calls * 3"}
    )
    template = (
        await s.run(
            "createPlanTemplate",
            {"productId": product, "code": "ev-t2", "name": "T2", "currency": "USD", "billFrequency": "MONTHLY"},
        )
    )["planTemplate"]["id"]
    await s.run("createPlan", {"planTemplateId": template, "code": "ev-plan-2", "name": "Plan 2"})
    await s.run(
        "createPricing",
        {
            "planTemplateId": template,
            "code": "ev-t2-pricing",
            "startDate": JAN,
            "aggregationCode": "ev_gb",
            "pricingBands": BAND,
        },
    )
    codes = await by_code(s)
    # Nested and standalone creates alike: one event per created entity.
    for entity, id_ in codes.values():
        await s.expect(f"configuration.{entity}.created", id_)
    await s.update("product", "product", product, name="Renamed")
    await s.update("meter", "meter", meter, name="Renamed meter")
    await s.update("aggregation", "aggregation", codes["ev_gb"][1], name="Renamed GB")
    await s.update(
        "compoundAggregation", "compoundaggregation", codes["ev_combo"][1], calculation="aggregation.ev_gb * 3"
    )
    await s.update("planTemplate", "plantemplate", template, standingCharge="12")
    await s.update("plan", "plan", codes["ev-plan-2"][1], name="Plan two")
    await s.update(
        "pricing", "pricing", codes["ev-t2-pricing"][1], pricingBands=[{"lowerLimit": "0", "unitPrice": "2"}]
    )
    return codes


async def walk_accounts(s: Story, codes: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    account_input = {
        "code": "ev-account",
        "name": "Account",
        "emailAddress": "acc@example.com",
        "children": [{"code": "ev-child", "name": "Child", "emailAddress": "child@example.com"}],
        "accountPlans": [{"planCode": "ev-plan", "startDate": JAN, "code": "ev-ap"}],
        "commitments": [
            {
                "code": "ev-commit",
                "currency": "USD",
                "amount": "100",
                "startDate": "2026-01-01",
                "endDate": "2027-01-01",
            }
        ],
    }
    account = (await s.run("createAccount", account_input))["account"]["id"]
    other = (await s.run("createAccount", {"code": "ev-other", "name": "Other", "emailAddress": "o@example.com"}))[
        "account"
    ]["id"]
    plan2 = codes["ev-plan-2"][1]
    await s.run("createAccountPlan", {"accountId": other, "planId": plan2, "startDate": JAN, "code": "ev-ap2"})
    await s.run(
        "createCommitment",
        {
            "accountId": other,
            "code": "ev-c2",
            "currency": "USD",
            "amount": "5",
            "startDate": "2026-01-01",
            "endDate": "2027-01-01",
        },
    )
    codes = await by_code(s)
    for code in ("ev-account", "ev-child", "ev-ap", "ev-commit", "ev-other", "ev-ap2", "ev-c2"):
        entity, id_ = codes[code]
        await s.expect(f"configuration.{entity}.created", id_)
    await s.update("account", "account", account, name="Renamed account")
    await s.update("accountPlan", "accountplan", codes["ev-ap"][1], endDate="2026-06-01T00:00:00+00:00")
    await s.update("commitment", "commitment", codes["ev-commit"][1], amount="150")
    ap2 = codes["ev-ap2"][1]
    version = await s.version("accountPlan", ap2)
    replaced = await s.run(
        "replaceAccountPlan",
        {
            "accountPlanId": ap2,
            "version": version,
            "date": "2026-03-01T00:00:00+00:00",
            "planCode": "ev-plan",
            "code": "ev-ap3",
        },
    )
    await s.expect("configuration.accountplan.updated", ap2, endDate="2026-03-01T00:00:00Z")
    await s.expect("configuration.accountplan.created", replaced["accountPlan"]["id"])
    return await by_code(s)


async def delete_everything(s: Story, codes: dict[str, tuple[str, str]]) -> None:
    """Dependants first: pricings before plans and templates, child accounts before parents."""
    order = [
        ("pricing", "pricing"),
        ("commitment", "commitment"),
        ("accountplan", "accountPlan"),
        ("plan", "plan"),
        ("plantemplate", "planTemplate"),
        ("compoundaggregation", "compoundAggregation"),
        ("aggregation", "aggregation"),
        ("meter", "meter"),
        ("product", "product"),
    ]
    for entity, kind in order:
        for found, id_ in codes.values():
            if found == entity:
                await s.delete(kind, entity, id_)
    for code in ("ev-child", "ev-account", "ev-other"):
        await s.delete("account", "account", codes[code][1])


async def test_every_configuration_mutation_records_its_event(client, tenant):
    s = Story(tenant)
    await walk_access(s)
    codes = await walk_catalog(s)
    codes = await walk_accounts(s, codes)
    await delete_everything(s, codes)
    config = data_of(await s.t.gql("{ billConfig { version } }"))["billConfig"]
    await s.run("updateBillConfig", {"billLockDate": "2020-01-31", "version": config["version"]})
    [event] = await Event.filter(organization_id=s.org, type="billing.billconfig.updated")
    assert (event.payload["old"]["billLockDate"], event.payload["new"]["billLockDate"]) == (None, "2020-01-31")
    # Every event of the story is numbered 1, 2, 3 … per entity.
    rows = await Event.filter(organization_id=s.org).order_by("entity_id", "sequence").values("entity_id", "sequence")
    per_entity: dict[Any, list[int]] = {}
    for row in rows:
        per_entity.setdefault(row["entity_id"], []).append(row["sequence"])
    assert all(seq == list(range(1, len(seq) + 1)) for seq in per_entity.values())
    assert s.called == WALKED


def test_every_configuration_mutation_is_walked_or_declares_its_events():
    """A mutation the story does not walk must be outside configuration, or (another
    feature's entity) have its event type in the catalogue `eventTypes` serves."""
    catalogue = set(event_types())
    unknown = []
    for name in sorted(set(MUTATIONS) - WALKED - NOT_CONFIGURATION):
        verb = next((v for v in ("create", "update", "delete") if name.startswith(v)), None)
        entity = name[len(verb) :].lower() if verb else name.lower()
        wanted = NAMED_TYPES.get(name) or f"{entity}.{verb}d"
        if not any(t == wanted or t.endswith("." + wanted) for t in catalogue):
            unknown.append((name, wanted))
    assert not unknown, f"mutations recording no catalogued event: {unknown}"
