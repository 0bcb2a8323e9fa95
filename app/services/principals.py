"""Who is calling: a verified token turned into a Principal with its permissions.

Reading key status and policies on every request would cost several queries per call;
instead each process keeps what it read for `principal_cache_seconds` (30 s), which bounds
how long a deactivated key or a detached policy keeps working (SEMANTICS §2.3 allows 60 s).
Changes made through this process drop the organization's entries at once.

A token names the generation of its key or user (`token_generation`), which every
deactivation raises: a token from before a deactivation finds no principal, even once its
key or user is ACTIVE again.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from app.auth.permissions import MANAGED_POLICIES, PermissionSet, Statement
from app.auth.tokens import TokenError, verify_token
from app.models.access import AccessKey, PermissionPolicy, PolicyAttachment, ServiceUser, User
from app.services.errors import AuthError, PermissionDenied
from app.settings import get_settings

USER = "USER"
SERVICE_USER = "SERVICE_USER"


@dataclass(frozen=True)
class Principal:
    organization_id: uuid.UUID
    principal_type: str
    principal_id: uuid.UUID
    access_key_id: str | None
    permissions: PermissionSet

    @property
    def actor(self) -> str:
        """What audit columns (`createdBy`, `lastModifiedBy`) record."""
        return str(self.principal_id)

    def can(self, action: str, resource: str) -> bool:
        return self.permissions.allows(action, resource)

    def require(self, action: str, resource: str) -> None:
        if not self.can(action, resource):
            raise PermissionDenied(f"not permitted: {action} on {resource}")


# Keyed by every claim the principal is loaded from: keying by (principal id, key id)
# alone let a token with another `typ` (or `org`) reuse a principal loaded for a
# different claim set instead of being checked itself.
_CacheKey = tuple[uuid.UUID, str, uuid.UUID, str | None, int]
_cache: dict[_CacheKey, tuple[float, Principal | None]] = {}
# Bounded: an entry was kept for every key and user ever seen until its organization
# changed a key or policy, so a process's memory grew with every access key created
# (each holding its principal's indexed statements). When full, everything is read again.
_KEPT = 10_000


def forget_organization(organization_id: uuid.UUID) -> None:
    """Drop cached principals of one organization (after a key or policy change)."""
    for key in list(_cache):
        if key[0] == organization_id:
            _cache.pop(key, None)


async def principal_from_token(token: str) -> Principal:
    settings = get_settings()
    try:
        claims = verify_token(settings.secret_key, token)
    except TokenError as exc:
        raise AuthError(str(exc)) from exc
    key = (claims.organization_id, claims.principal_type, claims.principal_id, claims.access_key_id, claims.generation)
    cached = _cache.get(key)
    now = time.monotonic()
    if cached is None or cached[0] < now:
        principal = await _load_principal(*key)
        cached = (now + settings.principal_cache_seconds, principal)
        if len(_cache) >= _KEPT:
            _cache.clear()
        _cache[key] = cached
    principal = cached[1]
    if principal is None or principal.organization_id != claims.organization_id:
        raise AuthError("credentials are no longer valid")
    return principal


async def _load_principal(
    organization_id: uuid.UUID, principal_type: str, principal_id: uuid.UUID, key_id: str | None, generation: int
) -> Principal | None:
    if principal_type == SERVICE_USER:
        active_key = await AccessKey.filter(
            organization_id=organization_id,
            service_user_id=principal_id,
            access_key_id=key_id,
            status="ACTIVE",
            token_generation=generation,
        ).exists()
        if not active_key:
            return None
        if not await ServiceUser.filter(organization_id=organization_id, id=principal_id).exists():
            return None
    elif principal_type == USER:
        active_user = User.filter(
            organization_id=organization_id, id=principal_id, status="ACTIVE", token_generation=generation
        )
        if not await active_user.exists():
            return None
    else:
        return None
    statements = await statements_of(organization_id, principal_type, principal_id)
    return Principal(
        organization_id=organization_id,
        principal_type=principal_type,
        principal_id=principal_id,
        access_key_id=key_id,
        permissions=PermissionSet.from_statements(statements),
    )


async def statements_of(organization_id: uuid.UUID, principal_type: str, principal_id: uuid.UUID) -> list[Statement]:
    policy_ids = await PolicyAttachment.filter(
        organization_id=organization_id, principal_type=principal_type, principal_id=principal_id
    ).values_list("policy_id", flat=True)
    if not policy_ids:
        return []
    policies = await PermissionPolicy.filter(organization_id=organization_id, id__in=policy_ids)
    return [statement for policy in policies for statement in policy_statements(policy)]


def policy_statements(policy: PermissionPolicy) -> list[Statement]:
    # Managed policies are evaluated from code, so their stored copy can never drift.
    if policy.managed and policy.name in MANAGED_POLICIES:
        return list(MANAGED_POLICIES[policy.name])
    return [Statement.of(s["effect"], s["action"], s["resource"]) for s in policy.statements]
