"""Service users and their access keys; the client-credentials exchange (SEMANTICS §2.3)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.fields import CharField
from tortoise.transactions import in_transaction

from app.auth import secrets
from app.auth.permissions import Effect, PermissionSet
from app.auth.tokens import issue_token
from app.domain.naming import description_problem, name_problem
from app.models.access import AccessKey, PermissionPolicy, PolicyAttachment, ServiceUser
from app.services import events
from app.services.errors import AuthError, ErrorCode, ProblemCollector, fail
from app.services.policies import report_unknown_policies, require_attachable, require_grants, require_policy_room
from app.services.principals import SERVICE_USER, forget_organization, statements_of
from app.services.versioning import get_owned, refuse_stale, update_versioned
from app.settings import get_settings

KEY_STATUSES = ("ACTIVE", "INACTIVE")


@dataclass(frozen=True)
class IssuedKey:
    key: AccessKey
    access_key_id: str
    api_secret: str  # shown once, never stored


@dataclass(frozen=True, slots=True)
class CreateServiceUser:
    name: str
    description: str | None = None
    policy_ids: Sequence[uuid.UUID] = field(default=(), metadata={"input": "permissionPolicyIds"})


@dataclass(frozen=True, slots=True)
class SetAccessKeyStatus:
    access_key_id: uuid.UUID = field(metadata={"input": "id"})
    status: str = field()
    version: int = field()


async def create_service_user(
    organization_id: uuid.UUID, command: CreateServiceUser, *, actor: str, grantor: PermissionSet | None = None
) -> ServiceUser:
    name, description, policy_ids = command.name, command.description, command.policy_ids
    problems = ProblemCollector()
    await report_unknown_policies(organization_id, policy_ids, problems)
    require_policy_room(policy_ids, problems)
    if msg := name_problem(name):
        problems.add("name", ErrorCode.INVALID, msg)
    if msg := description_problem(description):
        problems.add("description", ErrorCode.INVALID, msg)
    problems.raise_if_any()
    await require_attachable(organization_id, policy_ids, grantor)
    if await ServiceUser.filter(organization_id=organization_id, name=name).exists():
        raise fail(("input", "name"), ErrorCode.DUPLICATE, f"a service user named '{name}' exists")
    try:
        async with in_transaction():
            user = await create_service_user_unchecked(organization_id, name=name, description=description, actor=actor)
            attachments = [
                await PolicyAttachment.create(
                    organization_id=organization_id,
                    policy_id=policy_id,
                    principal_type=SERVICE_USER,
                    principal_id=user.id,
                    created_by=actor,
                    last_modified_by=actor,
                )
                for policy_id in dict.fromkeys(policy_ids)
            ]
            await events.created(user, *attachments)
            return user
    except IntegrityError as exc:  # a concurrent create with the same name
        raise fail(("input", "name"), ErrorCode.DUPLICATE, f"a service user named '{name}' exists") from exc


async def create_service_user_unchecked(
    organization_id: uuid.UUID, *, name: str, description: str | None, actor: str
) -> ServiceUser:
    return await ServiceUser.create(
        organization_id=organization_id, name=name, description=description, created_by=actor, last_modified_by=actor
    )


async def issue_access_key(
    organization_id: uuid.UUID, service_user_id: uuid.UUID, *, actor: str, grantor: PermissionSet | None = None
) -> IssuedKey:
    await get_owned(ServiceUser, organization_id, service_user_id, path="serviceUserId")
    # A key lets whoever holds it act as the service user: no more than the caller holds.
    held = await statements_of(organization_id, SERVICE_USER, service_user_id)
    require_grants(grantor, [s for s in held if s.effect is Effect.ALLOW], "a key of this service user")
    secret = secrets.new_secret()
    key_id = secrets.new_access_key_id()
    async with in_transaction():
        key = await AccessKey.create(
            organization_id=organization_id,
            service_user_id=service_user_id,
            access_key_id=key_id,
            secret_hash=secrets.keyed_hash(get_settings().secret_key, secret),
            created_by=actor,
            last_modified_by=actor,
        )
        await events.created(key)
    return IssuedKey(key, key_id, secret)


async def set_access_key_status(
    organization_id: uuid.UUID, command: SetAccessKeyStatus, *, actor: str, grantor: PermissionSet | None = None
) -> AccessKey:
    key_uuid, status, version = command.access_key_id, command.status, command.version
    if status not in KEY_STATUSES:
        raise fail(("input", "status"), ErrorCode.INVALID, f"status must be one of {', '.join(KEY_STATUSES)}")
    if status == "ACTIVE":
        # Reactivating a key gives its secret back the service user's permissions, like
        # issuing one: a key made INACTIVE because its holder should no longer act as the
        # service user (rotation) comes back only from someone holding all of that.
        current = await get_owned(AccessKey, organization_id, key_uuid)
        # What is checked is the row the update applies to: the update needs the same version.
        refuse_stale(current, version)
        if current.status != "ACTIVE":
            held = await statements_of(organization_id, SERVICE_USER, current.service_user_id)
            require_grants(grantor, [s for s in held if s.effect is Effect.ALLOW], "reactivating this key")
    changes: dict[str, object] = {"status": status}
    if status == "INACTIVE":
        changes["token_generation"] = F("token_generation") + 1  # revokes its tokens for good
    key = await update_versioned(AccessKey, organization_id, key_uuid, version, changes, actor)
    forget_organization(organization_id)
    return key


async def attach_managed_policy(
    organization_id: uuid.UUID, policy_name: str, service_user_id: uuid.UUID, *, actor: str
) -> None:
    policy = await PermissionPolicy.get(organization_id=organization_id, name=policy_name, managed=True)
    await PolicyAttachment.create(
        organization_id=organization_id,
        policy_id=policy.id,
        principal_type=SERVICE_USER,
        principal_id=service_user_id,
        created_by=actor,
        last_modified_by=actor,
    )


async def exchange_client_credentials(access_key_id: str, api_secret: str, *, now: datetime | None = None) -> str:
    """`POST /oauth/token`: a bearer token for an ACTIVE key whose secret matches."""
    settings = get_settings()
    # PostgreSQL text cannot hold NUL, and the column holds 64 characters: no key has such
    # an id (asking would fail the query, or Tortoise's length check of the filter value).
    impossible = (
        "\x00" in access_key_id
        or len(access_key_id) > cast(CharField, AccessKey._meta.fields_map["access_key_id"]).max_length
    )
    key = None if impossible else await AccessKey.filter(access_key_id=access_key_id).first()
    if key is None:
        # Same work as a real check so response time does not reveal which key ids exist.
        secrets.verify_keyed_hash(settings.secret_key, api_secret, "0" * 64)
        raise AuthError("invalid client credentials")
    if not secrets.verify_keyed_hash(settings.secret_key, api_secret, key.secret_hash) or key.status != "ACTIVE":
        raise AuthError("invalid client credentials")
    return issue_token(
        settings.secret_key,
        organization_id=key.organization_id,
        principal_type=SERVICE_USER,
        principal_id=key.service_user_id,
        access_key_id=key.access_key_id,
        now=now or datetime.now(UTC),
        lifetime_seconds=settings.token_lifetime_seconds,
        generation=key.token_generation,
    )


async def delete_service_user(organization_id: uuid.UUID, service_user_id: uuid.UUID, *, version: int) -> None:
    user = await get_owned(ServiceUser, organization_id, service_user_id)
    refuse_stale(user, version)
    async with in_transaction():
        keys = await AccessKey.filter(organization_id=organization_id, service_user_id=user.id)
        attachments = await PolicyAttachment.filter(
            organization_id=organization_id, principal_type=SERVICE_USER, principal_id=user.id
        )
        await AccessKey.filter(organization_id=organization_id, service_user_id=user.id).delete()
        await PolicyAttachment.filter(
            organization_id=organization_id, principal_type=SERVICE_USER, principal_id=user.id
        ).delete()
        if await ServiceUser.filter(organization_id=organization_id, id=user.id, version=version).delete():
            for gone in (*keys, *attachments, user):
                await events.deleted(gone)
    forget_organization(organization_id)
