"""Inputs and payloads of the access mutations, and the authorization items they name."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry
from strawberry import UNSET

from app.graphql.access.types import (
    PRINCIPAL_KINDS,
    AccessKey,
    AccessKeyStatus,
    PermissionPolicy,
    PrincipalType,
    ServiceUser,
    User,
)
from app.graphql.errors import UserError
from app.graphql.inputs import parse_id
from app.graphql.lookups import input_item
from app.services import policies


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


@strawberry.input(description="Deactivate a user, or make one ACTIVE again.")
class UpdateUserInput:
    id: strawberry.ID = strawberry.field(description="Id of the user.")
    version: int = strawberry.field(description="The version you read.")
    status: str = strawberry.field(
        description="ACTIVE or INACTIVE. INACTIVE revokes the user's login tokens for good (an invitation too); "
        "ACTIVE lets a user who has a password log in again. Nobody can deactivate themselves."
    )


@strawberry.type(description="Result of updateUser.")
class UserPayload:
    user: User | None = strawberry.field(description="The user after the change.")
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
            changes["statements"] = statements_of(self.statements) or []
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


def statements_of(items: list[PolicyStatementInput] | None) -> list[dict] | None:
    return None if items is None else [{"effect": s.effect, "action": s.action, "resource": s.resource} for s in items]


def policy_ids(values: list[strawberry.ID], field: str) -> list[uuid.UUID]:
    return [parse_id(v, ("input", field, str(i))) for i, v in enumerate(values)]


def key_owner(args: dict) -> list[tuple[str, strawberry.ID]]:
    """A key lets its holder act as the service user: users:manage on that service user."""
    return [("serviceUser", input_item("service_user_id")(args))]


def principal_items(args: dict) -> list[tuple[str, strawberry.ID]]:
    """Attaching or detaching changes the principal too: users:manage on it as well."""
    kind = input_item("principal_type")(args).value
    return [(PRINCIPAL_KINDS[kind], input_item("principal_id")(args))]
