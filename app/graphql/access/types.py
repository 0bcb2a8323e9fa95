"""Output types of people and machines: users, service users, access keys, policies."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

import strawberry

from app.graphql.context import Info
from app.graphql.loaders import children_by, load
from app.graphql.pagination import Connection, connection_of_list
from app.models.access import AccessKey as AccessKeyModel
from app.models.access import PermissionPolicy as PolicyModel
from app.models.access import ServiceUser as ServiceUserModel
from app.models.access import User as UserModel
from app.services import policies

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
    status: AccessKeyStatus = strawberry.field(
        description="ACTIVE keys obtain tokens. Setting INACTIVE stops its tokens within 60 s and for good: "
        "made ACTIVE again, the key obtains new tokens."
    )
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
    status: str = strawberry.field(
        description="INVITED until the invitation is accepted, then ACTIVE; INACTIVE once deactivated (updateUser)."
    )

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
