"""Permission policies: custom ones are edited here; managed ones are fixed (SEMANTICS §2.3)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.auth.permissions import Effect, PermissionSet, Statement, parse_statements
from app.domain.given import NOT_GIVEN, given
from app.domain.naming import name_problem
from app.models.access import PermissionPolicy, PolicyAttachment, ServiceUser, User
from app.services import events
from app.services.errors import ErrorCode, PermissionDenied, ProblemCollector, fail
from app.services.principals import SERVICE_USER, USER, forget_organization, policy_statements
from app.services.versioning import get_owned, update_versioned

PRINCIPAL_MODELS = {USER: User, SERVICE_USER: ServiceUser}
MANAGE = "users:manage"
# Every principal's statements are read and indexed on each request's principal load, and a
# grant is checked pair by pair: a policy of tens of thousands of resources (1 MB of input)
# attached a few hundred times cost seconds of the event loop, for every tenant of the
# process. Bounded like AWS IAM bounds its policies (6,144 characters, 10 to 20 per role);
# a larger need is a few policies, or a resource pattern instead of a list of items.
MAX_STATEMENTS = 100
MAX_ACTIONS_PER_STATEMENT = 25  # the nine actions in both spellings, `*` and the services' `x:*`
MAX_RESOURCES_PER_POLICY = 500
MAX_POLICIES_PER_PRINCIPAL = 20
# A statement as policy documents write it: {"effect", "action", "resource"}.
StatementData = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class CreatePolicy:
    name: str
    statements: Sequence[StatementData]


@dataclass(frozen=True, slots=True)
class UpdatePolicy:
    """Only the fields given (not `NOT_GIVEN`) change; `name` None is refused."""

    policy_id: uuid.UUID = field(metadata={"input": "id"})
    version: int = field()
    name: str | None = NOT_GIVEN
    statements: Sequence[StatementData] = NOT_GIVEN


# ---------------------------------------------------------------- what may be handed out
#
# The rule: a principal hands out only what it holds. Attaching a policy (inviteUser,
# createServiceUser, attachPermissionPolicy) needs users:manage on that policy item AND
# every ALLOW of the policy within the caller's own permissions; writing statements
# (create/update a policy) needs them within the caller's permissions too, and so does
# removing a DENY (detaching a policy, or an update dropping it), which widens whoever
# held it. Issuing an access key lets its holder act as the service user: the caller must
# hold what that service user holds. `grantor` None means the system itself (bootstrap).


def require_grants(grantor: PermissionSet | None, statements: list[Statement], what: str) -> None:
    """Refuse (FORBIDDEN) unless `grantor` holds everything `statements` would give."""
    if grantor is None:
        return
    ungranted = grantor.ungranted(statements)
    if ungranted:
        _, action, resource = ungranted[0]
        raise PermissionDenied(f"not permitted: {what} would give {action} on {resource}, which you do not hold")


def _widening(statements: list[Statement], effect: Effect) -> list[Statement]:
    return [s for s in statements if s.effect is effect]


async def report_unknown_policies(
    organization_id: uuid.UUID, policy_ids: Sequence[uuid.UUID], problems: ProblemCollector
) -> None:
    """NOT_FOUND at `permissionPolicyIds.<i>` for each id that is not one of the organization's policies."""
    if not policy_ids:
        return
    query = PermissionPolicy.filter(organization_id=organization_id, id__in=list(policy_ids))
    found = set(await query.values_list("id", flat=True))
    for index, policy_id in enumerate(policy_ids):
        if policy_id not in found:
            problems.add(("permissionPolicyIds", index), ErrorCode.NOT_FOUND, f"no policy with id {policy_id}")


async def require_attachable(
    organization_id: uuid.UUID, policy_ids: Sequence[uuid.UUID], grantor: PermissionSet | None
) -> None:
    """The caller may attach each of these (existing) policies: see the rule above."""
    if grantor is None or not policy_ids:
        return
    for policy in await PermissionPolicy.filter(organization_id=organization_id, id__in=list(policy_ids)):
        resource = f"users:permissionPolicy/item/{policy.id}"
        if not grantor.allows(MANAGE, resource):
            raise PermissionDenied(f"not permitted: {MANAGE} on {resource}")
        require_grants(grantor, _widening(policy_statements(policy), Effect.ALLOW), f"the policy '{policy.name}'")


def _validated_statements(raw: Sequence[Mapping[str, Any]], problems: ProblemCollector) -> list[dict]:
    if _oversized(raw, problems):
        return []
    statements, bad = parse_statements(raw)
    for path, message in bad:
        problems.add(("statements", *path), ErrorCode.INVALID, message)
    if not raw:
        problems.add("statements", ErrorCode.REQUIRED, "a policy needs at least one statement")
    return [{"effect": s.effect.value, "action": list(s.actions), "resource": list(s.resources)} for s in statements]


def _oversized(raw: Sequence[Mapping[str, Any]], problems: ProblemCollector) -> bool:
    """Whether the statements are beyond the bounds (each problem added), checked before
    any of them is parsed."""
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return False  # parse_statements names the problem
    if len(raw) > MAX_STATEMENTS:
        problems.add("statements", ErrorCode.INVALID, f"a policy has at most {MAX_STATEMENTS} statements")
        return True
    oversized = False
    resources = 0
    for index, statement in enumerate(raw):
        actions = statement.get("action") if isinstance(statement, Mapping) else None
        if isinstance(actions, Sequence) and len(actions) > MAX_ACTIONS_PER_STATEMENT:
            message = f"a statement names at most {MAX_ACTIONS_PER_STATEMENT} actions"
            problems.add(("statements", index, "action"), ErrorCode.INVALID, message)
            oversized = True
        named = statement.get("resource") if isinstance(statement, Mapping) else None
        resources += len(named) if isinstance(named, Sequence) and not isinstance(named, str) else 0
    if resources > MAX_RESOURCES_PER_POLICY:
        message = f"a policy names at most {MAX_RESOURCES_PER_POLICY} resources in all its statements"
        problems.add("statements", ErrorCode.INVALID, message)
        oversized = True
    return oversized


def require_policy_room(policy_ids: Sequence[uuid.UUID], problems: ProblemCollector) -> None:
    """INVALID at `permissionPolicyIds` when more policies are named than a principal may hold."""
    if len(set(policy_ids)) > MAX_POLICIES_PER_PRINCIPAL:
        message = f"a user or service user holds at most {MAX_POLICIES_PER_PRINCIPAL} policies"
        problems.add("permissionPolicyIds", ErrorCode.INVALID, message)


async def create_policy(
    organization_id: uuid.UUID, command: CreatePolicy, *, actor: str, grantor: PermissionSet | None = None
) -> PermissionPolicy:
    name = command.name
    problems = ProblemCollector()
    if msg := name_problem(name):
        problems.add("name", ErrorCode.INVALID, msg)
    stored = _validated_statements(command.statements, problems)
    problems.raise_if_any()
    require_grants(grantor, _widening(_parsed(stored), Effect.ALLOW), "the policy")
    if await PermissionPolicy.filter(organization_id=organization_id, name=name).exists():
        raise fail(("input", "name"), ErrorCode.DUPLICATE, f"a policy named '{name}' exists")
    try:
        async with in_transaction():
            policy = await PermissionPolicy.create(
                organization_id=organization_id, name=name, statements=stored, created_by=actor, last_modified_by=actor
            )
            await events.created(policy)
            return policy
    except IntegrityError as exc:
        raise fail(("input", "name"), ErrorCode.DUPLICATE, f"a policy named '{name}' exists") from exc


async def _editable(organization_id: uuid.UUID, policy_id: uuid.UUID) -> PermissionPolicy:
    policy = await get_owned(PermissionPolicy, organization_id, policy_id)
    if policy.managed:
        raise fail(("input", "id"), ErrorCode.INVALID_STATE, f"the managed policy '{policy.name}' cannot be changed")
    return policy


def _parsed(stored: list[dict]) -> list[Statement]:
    return [Statement.of(s["effect"], s["action"], s["resource"]) for s in stored]


async def update_policy(
    organization_id: uuid.UUID, command: UpdatePolicy, *, actor: str, grantor: PermissionSet | None = None
) -> PermissionPolicy:
    policy_id = command.policy_id
    current = await _editable(organization_id, policy_id)
    problems = ProblemCollector()
    values: dict[str, Any] = {}
    changes = given(command)
    if "name" in changes:
        if changes["name"] is None:  # `name: null` in the input; a policy always has a name
            problems.add("name", ErrorCode.REQUIRED, "a policy needs a name")
        elif msg := name_problem(changes["name"]):
            problems.add("name", ErrorCode.INVALID, msg)
        elif (
            await PermissionPolicy.filter(organization_id=organization_id, name=changes["name"])
            .exclude(id=policy_id)
            .exists()
        ):
            problems.add("name", ErrorCode.DUPLICATE, f"a policy named '{changes['name']}' exists")
        values["name"] = changes["name"]
    if "statements" in changes:
        values["statements"] = _validated_statements(changes["statements"], problems)
    problems.raise_if_any()
    if "statements" in values:
        new = _parsed(values["statements"])
        dropped = [s for s in _widening(policy_statements(current), Effect.DENY) if s not in new]
        require_grants(grantor, _widening(new, Effect.ALLOW) + dropped, "the policy")
    policy = await update_versioned(PermissionPolicy, organization_id, policy_id, command.version, values, actor)
    forget_organization(organization_id)
    return policy


async def delete_policy(organization_id: uuid.UUID, policy_id: uuid.UUID, *, version: int) -> None:
    policy = await _editable(organization_id, policy_id)
    attached = await PolicyAttachment.filter(organization_id=organization_id, policy_id=policy.id).count()
    if attached:
        raise fail(
            ("input", "id"), ErrorCode.IN_USE, f"the policy is attached to {attached} principal(s); detach it first"
        )
    async with in_transaction():
        deleted = await PermissionPolicy.filter(organization_id=organization_id, id=policy.id, version=version).delete()
        if not deleted:
            raise fail(
                ("input", "version"),
                ErrorCode.CONFLICT,
                f"version {version} is stale; the current version is {policy.version}",
            )
        await events.deleted(policy)


async def _principal(organization_id: uuid.UUID, principal_type: str, principal_id: uuid.UUID) -> None:
    model = PRINCIPAL_MODELS.get(principal_type)
    if model is None:
        raise fail(("input", "principalType"), ErrorCode.INVALID, "principalType must be USER or SERVICE_USER")
    await get_owned(model, organization_id, principal_id, path="principalId")


@dataclass(frozen=True, slots=True)
class AttachPolicy:
    """The policy and the principal (USER or SERVICE_USER) it attaches to or detaches from."""

    policy_id: uuid.UUID
    principal_type: str
    principal_id: uuid.UUID


async def attach_policy(
    organization_id: uuid.UUID, command: AttachPolicy, *, actor: str, grantor: PermissionSet | None = None
) -> PolicyAttachment:
    policy_id, principal_type, principal_id = command.policy_id, command.principal_type, command.principal_id
    await get_owned(PermissionPolicy, organization_id, policy_id, path="policyId")
    await _principal(organization_id, principal_type, principal_id)
    await require_attachable(organization_id, [policy_id], grantor)
    async with in_transaction():
        held = await PolicyAttachment.filter(
            organization_id=organization_id, principal_type=principal_type, principal_id=principal_id
        ).values_list("policy_id", flat=True)
        if policy_id in held:
            raise fail(("input", "policyId"), ErrorCode.DUPLICATE, "the policy is already attached to this principal")
        if len(held) >= MAX_POLICIES_PER_PRINCIPAL:
            raise fail(
                ("input", "principalId"),
                ErrorCode.INVALID_STATE,
                f"a user or service user holds at most {MAX_POLICIES_PER_PRINCIPAL} policies; detach one first",
            )
        attachment = await PolicyAttachment.create(
            organization_id=organization_id,
            policy_id=policy_id,
            principal_type=principal_type,
            principal_id=principal_id,
            created_by=actor,
            last_modified_by=actor,
        )
        await events.created(attachment)
    forget_organization(organization_id)
    return attachment


async def detach_policy(
    organization_id: uuid.UUID, command: AttachPolicy, *, grantor: PermissionSet | None = None
) -> None:
    policy_id, principal_type, principal_id = command.policy_id, command.principal_type, command.principal_id
    policy = await get_owned(PermissionPolicy, organization_id, policy_id, path="policyId")
    await _principal(organization_id, principal_type, principal_id)
    require_grants(grantor, _widening(policy_statements(policy), Effect.DENY), f"detaching the policy '{policy.name}'")
    async with in_transaction():
        attached = await PolicyAttachment.filter(
            organization_id=organization_id,
            policy_id=policy_id,
            principal_type=principal_type,
            principal_id=principal_id,
        ).select_for_update()
        deleted = await PolicyAttachment.filter(id__in=[a.id for a in attached]).delete() if attached else 0
        if not deleted:
            raise fail(("input", "policyId"), ErrorCode.NOT_FOUND, "the policy is not attached to this principal")
        for attachment in attached:
            await events.deleted(attachment)
    forget_organization(organization_id)


async def policies_of(
    organization_id: uuid.UUID, principal_type: str, principal_id: uuid.UUID
) -> list[PermissionPolicy]:
    ids = await PolicyAttachment.filter(
        organization_id=organization_id, principal_type=principal_type, principal_id=principal_id
    ).values_list("policy_id", flat=True)
    return await PermissionPolicy.filter(organization_id=organization_id, id__in=ids).order_by("name") if ids else []
