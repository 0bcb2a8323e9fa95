"""Root mutations of people and machines: invitations, login, service users, access keys, policies."""

from __future__ import annotations

from collections.abc import Awaitable

import strawberry

from app.graphql.access.inputs import (
    AcceptInvitationPayload,
    AccessKeyPayload,
    CreateAccessKeyInput,
    CreateAccessKeyPayload,
    CreatePermissionPolicyInput,
    CreateServiceUserInput,
    InviteUserInput,
    InviteUserPayload,
    LoginPayload,
    PermissionPolicyPayload,
    PolicyAttachmentInput,
    ServiceUserPayload,
    UpdateAccessKeyInput,
    UpdatePermissionPolicyInput,
    UpdateUserInput,
    UserPayload,
    key_owner,
    policy_ids,
    principal_items,
    statements_of,
)
from app.graphql.access.types import MANAGE, AccessKey, PermissionPolicy, ServiceUser, User
from app.graphql.authorization import PUBLIC, authorize
from app.graphql.context import Info
from app.graphql.errors import respond, respond_deleted
from app.graphql.inputs import parse_id
from app.graphql.lookups import input_item
from app.graphql.organization import DeleteInput, DeletePayload
from app.http.rate_limit import client_address, limiter_of
from app.models.access import PermissionPolicy as PolicyModel
from app.services import policies, service_users, users


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
                    policy_ids=policy_ids(input.permission_policy_ids, "permissionPolicyIds"),
                ),
                actor=p.actor,
                grantor=p.permissions,
            ),
            lambda invitation: (User.of(invitation.user), invitation.token),
        )

    @strawberry.mutation(
        description="Deactivate a user (their tokens stop, for good) or make one ACTIVE again.",
        extensions=authorize(MANAGE, "user", input_item()),
    )
    async def update_user(self, info: Info, input: UpdateUserInput) -> UserPayload:
        p = info.context.require_principal()
        return await respond(
            UserPayload,
            "user",
            lambda: users.set_user_status(
                p.organization_id,
                users.SetUserStatus(parse_id(input.id), input.status, input.version),
                actor=p.actor,
                actor_id=p.principal_id,
                grantor=p.permissions,
            ),
            User.of,
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
                    policy_ids=policy_ids(input.permission_policy_ids, "permissionPolicyIds"),
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
        extensions=authorize(MANAGE, "accessKey", also=key_owner),
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
                grantor=p.permissions,
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
                policies.CreatePolicy(name=input.name, statements=statements_of(input.statements) or []),
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
        extensions=authorize(MANAGE, "permissionPolicy", input_item("policy_id"), principal_items),
    )
    async def attach_permission_policy(self, info: Info, input: PolicyAttachmentInput) -> PermissionPolicyPayload:
        return await _attachment(info, input, attach=True)

    @strawberry.mutation(
        description="Detach a policy from a user or service user.",
        extensions=authorize(MANAGE, "permissionPolicy", input_item("policy_id"), principal_items),
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
