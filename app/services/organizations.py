"""Organizations: creation with everything a new tenant needs, and bootstrap credentials."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from app.auth.permissions import MANAGED_POLICIES
from app.models.access import PermissionPolicy
from app.models.organization import Currency, Organization, OrganizationConfig
from app.services import service_users

# SEMANTICS §2.1 default epochs per frequency.
DEFAULT_EPOCHS: dict[str, Any] = {
    "day_epoch": date(2022, 1, 1),
    "week_epoch": date(2022, 1, 4),
    "month_epoch": date(2022, 1, 1),
    "year_epoch": date(2022, 1, 1),
}
SYSTEM_ACTOR = "system"


async def create_organization(name: str) -> Organization:
    """A tenant with its config, the USD currency and the managed policies, atomically."""
    async with in_transaction():
        org = await Organization.create(name=name)
        await OrganizationConfig.create(
            organization_id=org.id, created_by=SYSTEM_ACTOR, last_modified_by=SYSTEM_ACTOR, **DEFAULT_EPOCHS
        )
        await Currency.create(
            organization_id=org.id,
            code="USD",
            name="US Dollar",
            max_decimal_places=2,
            rounding_mode="HALF_UP",
            created_by=SYSTEM_ACTOR,
            last_modified_by=SYSTEM_ACTOR,
        )
        for policy_name, statements in MANAGED_POLICIES.items():
            await PermissionPolicy.create(
                organization_id=org.id,
                name=policy_name,
                managed=True,
                statements=[
                    {"effect": s.effect.value, "action": list(s.actions), "resource": list(s.resources)}
                    for s in statements
                ],
                created_by=SYSTEM_ACTOR,
                last_modified_by=SYSTEM_ACTOR,
            )
    return org


@dataclass(frozen=True)
class BootstrapResult:
    organization_id: uuid.UUID
    access_key_id: str
    api_secret: str

    def as_json(self) -> dict[str, str]:
        return {
            "organizationId": str(self.organization_id),
            "accessKeyId": self.access_key_id,
            "apiSecret": self.api_secret,
        }


async def bootstrap_organization(name: str) -> BootstrapResult:
    """A new organization with an Administrator service user and one access key."""
    org = await create_organization(name)
    user = await service_users.create_service_user_unchecked(
        org.id, name="admin", description="Bootstrap administrator", actor=SYSTEM_ACTOR
    )
    await service_users.attach_managed_policy(org.id, "Administrator", user.id, actor=SYSTEM_ACTOR)
    issued = await service_users.issue_access_key(org.id, user.id, actor=SYSTEM_ACTOR)
    return BootstrapResult(org.id, issued.access_key_id, issued.api_secret)
