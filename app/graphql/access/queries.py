"""Root queries of people and machines: users, serviceUsers, permissionPolicies."""

from __future__ import annotations

import strawberry

from app.graphql.access.types import PermissionPolicy, ServiceUser, User
from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.pagination import Connection, paginate
from app.models.access import PermissionPolicy as PolicyModel
from app.models.access import ServiceUser as ServiceUserModel
from app.models.access import User as UserModel


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
