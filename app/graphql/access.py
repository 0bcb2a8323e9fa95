"""GraphQL surface of people and machines: users, service users, access keys, policies."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import UNSET

from app.graphql.authorization import PUBLIC, authorize
from app.graphql.context import Info
from app.graphql.errors import UserError, respond, respond_deleted
from app.graphql.inputs import parse_id
from app.graphql.loaders import children_by, load
from app.graphql.lookups import input_item
from app.graphql.organization import DeleteInput, DeletePayload
from app.graphql.pagination import Connection, connection_of_list, paginate
from app.http.rate_limit import client_address, limiter_of
from app.models.access import AccessKey as AccessKeyModel
from app.models.access import PermissionPolicy as PolicyModel
from app.models.access import ServiceUser as ServiceUserModel
from app.models.access import User as UserModel
from app.services import policies, service_users, users

MANAGE = "users:manage"
PRINCIPAL_KINDS = {"USER": "user", "SERVICE_USER": "serviceUser"}
KEYS_BY_USER = children_by(AccessKeyModel, "service_user_id")


@strawberry.enum(description="Kinds of principal a policy attaches to.")
class PrincipalType(Enum):
    USER = "USER"
    SERVICE_USER = "SERVICE_USER"


@strawberry.enum(description="Whether an access key can obtain tokens.")
class AccessKeyStatus(Enum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


@strawberry.type(description="A permission statement: effect on actions over resources.")
class PolicyStatement:
    effect: str = strawberry.field(description="ALLOW or DENY.")
    action: list[str] = strawberry.field(description="Actions, e.g. config:retrieve, or *.")
    resource: list[str] = strawberry.field(description="Resources, e.g. config:meter/*, or *.")


@strawberry.type(description="A named set of permission statements attached to users and service users.")
class PermissionPolicy:
    id: strawberry.ID = strawberry.field(description="Id of the policy.")
    version: int = strawberry.field(description="Incremented by every update.")
    name: str = strawberry.field(description="Unique name in the organization.")
    managed: bool = strawberry.field(description="Administrator, ReadOnly and IngestOnly are managed and fixed.")
    statements: list[PolicyStatement] = strawberry.field(description="What the policy allows or denies.")

    @classmethod
    def of(cls, m: PolicyModel) -> PermissionPolicy:
        return cls(
            id=strawberry.ID(str(m.id)),
            version=m.version,
            name=m.name,
            managed=m.managed,
            statements=[
                PolicyStatement(effect=s["effect"], action=s["action"], resource=s["resource"]) for s in m.statements
            ],
        )


@strawberry.type(description="An access key of a service user; its secret is shown only when created.")
class AccessKey:
    id: strawberry.ID = strawberry.field(description="Id of the key record.")
    version: int = strawberry.field(description="Incremented by every update.")
    access_key_id: str = strawberry.field(description="Public half of the credential (Basic auth user name).")
    status: AccessKeyStatus = strawberry.field(description="ACTIVE keys obtain tokens; INACTIVE ones stop within 60 s.")
    dt_created: datetime = strawberry.field(description="When it was created.")

    @classmethod
    def of(cls, m: AccessKeyModel) -> AccessKey:
        return cls(
            id=strawberry.ID(str(m.id)),
            version=m.version,
            access_key_id=m.access_key_id,
            status=AccessKeyStatus(m.status),
            dt_created=m.dt_created,
        )


@strawberry.type(description="An automated process (integration, ingest pipeline) calling the API.")
class ServiceUser:
    id: strawberry.ID = strawberry.field(description="Id of the service user.")
    version: int = strawberry.field(description="Incremented by every update.")
    name: str = strawberry.field(description="Unique name in the organization.")
    description: str | None = strawberry.field(description="What it is for.")
    dt_created: datetime = strawberry.field(description="When it was created.")

    @strawberry.field(description="Its access keys.")
    async def access_keys(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AccessKey]:
        rows = await load(info, KEYS_BY_USER, uuid.UUID(self.id))
        return connection_of_list(rows, first, after, AccessKey.of)

    @strawberry.field(description="Policies attached to it.")
    async def permission_policies(self, info: Info) -> list[PermissionPolicy]:
        org = info.context.require_principal().organization_id
        return [PermissionPolicy.of(p) for p in await policies.policies_of(org, "SERVICE_USER", uuid.UUID(self.id))]

    @classmethod
    def of(cls, m: ServiceUserModel) -> ServiceUser:
        return cls(
            id=strawberry.ID(str(m.id)),
            version=m.version,
            name=m.name,
            description=m.description,
            dt_created=m.dt_created,
        )


@strawberry.type(description="A person using a console or the playground.")
class User:
    id: strawberry.ID = strawberry.field(description="Id of the user.")
    version: int = strawberry.field(description="Incremented by every update.")
    email: str = strawberry.field(description="Login email, unique in the organization.")
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    status: str = strawberry.field(description="INVITED until the invitation is accepted, then ACTIVE.")

    @strawberry.field(description="Policies attached to the user.")
    async def permission_policies(self, info: Info) -> list[PermissionPolicy]:
        org = info.context.require_principal().organization_id
        return [PermissionPolicy.of(p) for p in await policies.policies_of(org, "USER", uuid.UUID(self.id))]

    @classmethod
    def of(cls, m: UserModel) -> User:
        return cls(
            id=strawberry.ID(str(m.id)),
            version=m.version,
            email=m.email,
            first_name=m.first_name,
            last_name=m.last_name,
            status=m.status,
        )


@strawberry.input(description="Invite a person by email.")
class InviteUserInput:
    email: str = strawberry.field(description="Their email address.")
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    permission_policy_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Policies to attach."
    )


@strawberry.type(description="Result of inviteUser.")
class InviteUserPayload:
    user: User | None = strawberry.field(description="The invited user.")
    invitation_token: str | None = strawberry.field(description="One-time token the invitee accepts with; shown once.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of acceptInvitation.")
class AcceptInvitationPayload:
    user: User | None = strawberry.field(description="The now active user.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of login.")
class LoginPayload:
    token: str | None = strawberry.field(description="Bearer token for the Authorization header.")
    expires_in: int | None = strawberry.field(description="Seconds until the token expires.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="A new service user.")
class CreateServiceUserInput:
    name: str = strawberry.field(description="Unique name.")
    description: str | None = strawberry.field(default=None, description="What it is for.")
    permission_policy_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Policies to attach."
    )


@strawberry.type(description="Result of a service-user mutation.")
class ServiceUserPayload:
    service_user: ServiceUser | None = strawberry.field(description="The service user.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="Create an access key for a service user.")
class CreateAccessKeyInput:
    service_user_id: strawberry.ID = strawberry.field(description="The service user.")


@strawberry.type(description="Result of createAccessKey: the only time the secret is shown.")
class CreateAccessKeyPayload:
    access_key: AccessKey | None = strawberry.field(description="The new key.")
    api_secret: str | None = strawberry.field(description="The secret; store it now, it is never shown again.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="Activate or deactivate an access key.")
class UpdateAccessKeyInput:
    id: strawberry.ID = strawberry.field(description="Id of the key record.")
    version: int = strawberry.field(description="The version you read.")
    status: AccessKeyStatus = strawberry.field(description="New status.")


@strawberry.type(description="Result of updateAccessKey.")
class AccessKeyPayload:
    access_key: AccessKey | None = strawberry.field(description="The key after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="A permission statement.")
class PolicyStatementInput:
    effect: str = strawberry.field(description="ALLOW or DENY.")
    action: list[str] = strawberry.field(description="Actions.")
    resource: list[str] = strawberry.field(description="Resources.")


@strawberry.input(description="A new custom policy.")
class CreatePermissionPolicyInput:
    name: str = strawberry.field(description="Unique name.")
    statements: list[PolicyStatementInput] = strawberry.field(description="At least one statement.")


@strawberry.input(description="Change a custom policy.")
class UpdatePermissionPolicyInput:
    id: strawberry.ID = strawberry.field(description="The policy.")
    version: int = strawberry.field(description="The version you read.")
    name: str | None = strawberry.UNSET
    statements: list[PolicyStatementInput] | None = strawberry.UNSET

    def to_command(self) -> policies.UpdatePolicy:
        """Statements sent as null clear to none (refused: a policy needs one)."""
        changes: dict[str, Any] = {} if self.name is UNSET else {"name": self.name}
        if self.statements is not UNSET:
            changes["statements"] = _statements(self.statements) or []
        return policies.UpdatePolicy(parse_id(self.id), self.version, **changes)


@strawberry.input(description="Attach or detach a policy.")
class PolicyAttachmentInput:
    policy_id: strawberry.ID = strawberry.field(description="The policy.")
    principal_type: PrincipalType = strawberry.field(description="USER or SERVICE_USER.")
    principal_id: strawberry.ID = strawberry.field(description="The user or service user.")


@strawberry.type(description="Result of a policy mutation.")
class PermissionPolicyPayload:
    permission_policy: PermissionPolicy | None = strawberry.field(description="The policy.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


def _statements(items: list[PolicyStatementInput] | None) -> list[dict] | None:
    return None if items is None else [{"effect": s.effect, "action": s.action, "resource": s.resource} for s in items]


def _ids(values: list[strawberry.ID], field: str) -> list[uuid.UUID]:
    return [parse_id(v, ("input", field, str(i))) for i, v in enumerate(values)]


def _key_owner(args: dict) -> list[tuple[str, strawberry.ID]]:
    """A key lets its holder act as the service user: users:manage on that service user."""
    return [("serviceUser", args["input"].service_user_id)]


def _principal(args: dict) -> list[tuple[str, strawberry.ID]]:
    """Attaching or detaching changes the principal too: users:manage on it as well."""
    return [(PRINCIPAL_KINDS[args["input"].principal_type.value], args["input"].principal_id)]


@strawberry.type
class AccessQuery:
    @strawberry.field(description="Users of the organization.", extensions=authorize("config:retrieve", "user"))
    async def users(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[User]:
        return await paginate(
            UserModel.filter(organization_id=info.context.organization_id), first, after, User.of, order_by=("email",)
        )

    @strawberry.field(
        description="Service users of the organization.", extensions=authorize("config:retrieve", "serviceUser")
    )
    async def service_users(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ServiceUser]:
        return await paginate(
            ServiceUserModel.filter(organization_id=info.context.organization_id),
            first,
            after,
            ServiceUser.of,
            order_by=("name",),
        )

    @strawberry.field(
        description="Permission policies, managed and custom.",
        extensions=authorize("config:retrieve", "permissionPolicy"),
    )
    async def permission_policies(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PermissionPolicy]:
        return await paginate(
            PolicyModel.filter(organization_id=info.context.organization_id),
            first,
            after,
            PermissionPolicy.of,
            order_by=("name",),
        )


@strawberry.type
class AccessMutation:
    @strawberry.mutation(
        description="Invite a person; returns a one-time invitation token.", extensions=authorize(MANAGE, "user")
    )
    async def invite_user(self, info: Info, input: InviteUserInput) -> InviteUserPayload:
        p = info.context.require_principal()
        return await respond(
            InviteUserPayload,
            ("user", "invitation_token"),
            lambda: users.invite_user(
                p.organization_id,
                users.InviteUser(
                    email=input.email,
                    first_name=input.first_name,
                    last_name=input.last_name,
                    policy_ids=_ids(input.permission_policy_ids, "permissionPolicyIds"),
                ),
                actor=p.actor,
                grantor=p.permissions,
            ),
            lambda invitation: (User.of(invitation.user), invitation.token),
        )

    @strawberry.mutation(description="Accept an invitation by choosing a password.", extensions=PUBLIC)
    async def accept_invitation(self, token: str, password: str) -> AcceptInvitationPayload:
        return await respond(AcceptInvitationPayload, "user", lambda: users.accept_invitation(token, password), User.of)

    @strawberry.mutation(description="Log in with email and password; returns a bearer token.", extensions=PUBLIC)
    async def login(
        self, info: Info, email: str, password: str, organization_id: strawberry.ID | None = None
    ) -> LoginPayload:
        from app.settings import get_settings

        request = info.context.request

        def call() -> Awaitable[str]:
            org = parse_id(organization_id, ("organizationId",)) if organization_id else None
            return users.login(email, password, org, limits=limiter_of(request), client_address=client_address(request))

        lifetime = get_settings().token_lifetime_seconds
        return await respond(LoginPayload, ("token", "expires_in"), call, lambda token: (token, lifetime))

    @strawberry.mutation(description="Create a service user.", extensions=authorize(MANAGE, "serviceUser"))
    async def create_service_user(self, info: Info, input: CreateServiceUserInput) -> ServiceUserPayload:
        p = info.context.require_principal()
        return await respond(
            ServiceUserPayload,
            "service_user",
            lambda: service_users.create_service_user(
                p.organization_id,
                service_users.CreateServiceUser(
                    name=input.name,
                    description=input.description,
                    policy_ids=_ids(input.permission_policy_ids, "permissionPolicyIds"),
                ),
                actor=p.actor,
                grantor=p.permissions,
            ),
            ServiceUser.of,
        )

    @strawberry.mutation(
        description="Delete a service user with its keys.",
        extensions=authorize(MANAGE, "serviceUser", input_item()),
    )
    async def delete_service_user(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: service_users.delete_service_user(
                info.context.organization_id, parse_id(input.id), version=input.version
            ),
            input.id,
        )

    @strawberry.mutation(
        description="Create an access key; the secret is returned once.",
        extensions=authorize(MANAGE, "accessKey", also=_key_owner),
    )
    async def create_access_key(self, info: Info, input: CreateAccessKeyInput) -> CreateAccessKeyPayload:
        p = info.context.require_principal()
        return await respond(
            CreateAccessKeyPayload,
            ("access_key", "api_secret"),
            lambda: service_users.issue_access_key(
                p.organization_id,
                parse_id(input.service_user_id, ("input", "serviceUserId")),
                actor=p.actor,
                grantor=p.permissions,
            ),
            lambda issued: (AccessKey.of(issued.key), issued.api_secret),
        )

    @strawberry.mutation(
        description="Activate or deactivate an access key.",
        extensions=authorize(MANAGE, "accessKey", input_item()),
    )
    async def update_access_key(self, info: Info, input: UpdateAccessKeyInput) -> AccessKeyPayload:
        p = info.context.require_principal()
        return await respond(
            AccessKeyPayload,
            "access_key",
            lambda: service_users.set_access_key_status(
                p.organization_id,
                service_users.SetAccessKeyStatus(parse_id(input.id), input.status.value, input.version),
                actor=p.actor,
            ),
            AccessKey.of,
        )

    @strawberry.mutation(
        description="Create a custom permission policy.", extensions=authorize(MANAGE, "permissionPolicy")
    )
    async def create_permission_policy(self, info: Info, input: CreatePermissionPolicyInput) -> PermissionPolicyPayload:
        p = info.context.require_principal()
        return await respond(
            PermissionPolicyPayload,
            "permission_policy",
            lambda: policies.create_policy(
                p.organization_id,
                policies.CreatePolicy(name=input.name, statements=_statements(input.statements) or []),
                actor=p.actor,
                grantor=p.permissions,
            ),
            PermissionPolicy.of,
        )

    @strawberry.mutation(
        description="Change a custom permission policy.",
        extensions=authorize(MANAGE, "permissionPolicy", input_item()),
    )
    async def update_permission_policy(self, info: Info, input: UpdatePermissionPolicyInput) -> PermissionPolicyPayload:
        p = info.context.require_principal()
        return await respond(
            PermissionPolicyPayload,
            "permission_policy",
            lambda: policies.update_policy(p.organization_id, input.to_command(), actor=p.actor, grantor=p.permissions),
            PermissionPolicy.of,
        )

    @strawberry.mutation(
        description="Delete a custom, unattached permission policy.",
        extensions=authorize(MANAGE, "permissionPolicy", input_item()),
    )
    async def delete_permission_policy(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await respond_deleted(
            lambda: policies.delete_policy(info.context.organization_id, parse_id(input.id), version=input.version),
            input.id,
        )

    @strawberry.mutation(
        description="Attach a policy to a user or service user.",
        extensions=authorize(MANAGE, "permissionPolicy", input_item("policy_id"), _principal),
    )
    async def attach_permission_policy(self, info: Info, input: PolicyAttachmentInput) -> PermissionPolicyPayload:
        return await _attachment(info, input, attach=True)

    @strawberry.mutation(
        description="Detach a policy from a user or service user.",
        extensions=authorize(MANAGE, "permissionPolicy", input_item("policy_id"), _principal),
    )
    async def detach_permission_policy(self, info: Info, input: PolicyAttachmentInput) -> PermissionPolicyPayload:
        return await _attachment(info, input, attach=False)


async def _attachment(info: Info, input: PolicyAttachmentInput, *, attach: bool) -> PermissionPolicyPayload:
    p = info.context.require_principal()

    async def call() -> PolicyModel:
        command = policies.AttachPolicy(
            parse_id(input.policy_id, ("input", "policyId")),
            input.principal_type.value,
            parse_id(input.principal_id, ("input", "principalId")),
        )
        if attach:
            await policies.attach_policy(p.organization_id, command, actor=p.actor, grantor=p.permissions)
        else:
            await policies.detach_policy(p.organization_id, command, grantor=p.permissions)
        return await PolicyModel.get(organization_id=p.organization_id, id=command.policy_id)

    return await respond(PermissionPolicyPayload, "permission_policy", call, PermissionPolicy.of)
