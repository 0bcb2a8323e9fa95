"""Users: invited by email, activated with a password, logging in for a bearer token."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.fields import CharField
from tortoise.transactions import in_transaction

from app.auth import secrets
from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hash_password, verify_password
from app.auth.permissions import Effect, PermissionSet
from app.auth.tokens import issue_token
from app.domain.naming import name_problem
from app.models.access import PolicyAttachment, User
from app.services import events, rate_limits
from app.services.errors import AuthError, ErrorCode, ProblemCollector, fail
from app.services.policies import report_unknown_policies, require_attachable, require_grants, require_policy_room
from app.services.principals import USER, forget_organization, statements_of
from app.services.versioning import get_owned, refuse_stale, update_versioned
from app.settings import get_settings

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
INVITATION_DAYS = 7
SETTABLE_STATUSES = ("ACTIVE", "INACTIVE")  # INVITED is reached only by inviting


@dataclass(frozen=True)
class Invitation:
    user: User
    token: str  # shown once to the inviter, who passes it on to the invitee


@dataclass(frozen=True, slots=True)
class InviteUser:
    email: str
    first_name: str
    last_name: str
    policy_ids: Sequence[uuid.UUID] = dataclasses.field(default=(), metadata={"input": "permissionPolicyIds"})


async def invite_user(
    organization_id: uuid.UUID,
    command: InviteUser,
    *,
    actor: str,
    now: datetime | None = None,
    grantor: PermissionSet | None = None,
) -> Invitation:
    first_name, last_name, policy_ids = command.first_name, command.last_name, command.policy_ids
    email = command.email.strip().lower()
    problems = ProblemCollector()
    if len(email) > 254 or not EMAIL.fullmatch(email):
        problems.add("email", ErrorCode.INVALID, "is not an email address")
    for field, value in (("firstName", first_name), ("lastName", last_name)):
        if msg := name_problem(value):
            problems.add(field, ErrorCode.INVALID, msg)
    await report_unknown_policies(organization_id, policy_ids, problems)
    require_policy_room(policy_ids, problems)
    problems.raise_if_any()
    # The inviter holds the invitation token: it must not hand out more than it holds.
    await require_attachable(organization_id, policy_ids, grantor)
    token = secrets.new_secret()
    now = now or datetime.now(UTC)
    try:
        async with in_transaction():
            user = await User.create(
                organization_id=organization_id,
                email=email,
                first_name=first_name,
                last_name=last_name,
                invitation_token_hash=secrets.keyed_hash(get_settings().secret_key, token),
                invitation_expires=now + timedelta(days=INVITATION_DAYS),
                created_by=actor,
                last_modified_by=actor,
            )
            attachments = [
                await PolicyAttachment.create(
                    organization_id=organization_id,
                    policy_id=policy_id,
                    principal_type=USER,
                    principal_id=user.id,
                    created_by=actor,
                    last_modified_by=actor,
                )
                for policy_id in dict.fromkeys(policy_ids)
            ]
            await events.created(user, *attachments)
    except IntegrityError as exc:
        raise fail(("input", "email"), ErrorCode.DUPLICATE, f"a user with email {email} exists") from exc
    return Invitation(user, token)


@dataclass(frozen=True, slots=True)
class SetUserStatus:
    user_id: uuid.UUID = dataclasses.field(metadata={"input": "id"})
    status: str
    version: int


async def set_user_status(
    organization_id: uuid.UUID,
    command: SetUserStatus,
    *,
    actor: str,
    actor_id: uuid.UUID,
    grantor: PermissionSet | None = None,
) -> User:
    """Deactivate a user (someone who left) or make one ACTIVE again.

    INACTIVE stops the user's login tokens within the principal cache's bound (at once in
    this process) and for good: making the user ACTIVE again lets them log in, it does not
    revive a token from before. An INVITED user made INACTIVE loses the invitation.
    Making a user ACTIVE gives their password back their policies, so, as when a key is
    reactivated, the caller must hold all of those. Nobody deactivates themselves: an
    organization's last administrator would lock everyone out."""
    user_id, status, version = command.user_id, command.status, command.version
    if status not in SETTABLE_STATUSES:
        raise fail(("input", "status"), ErrorCode.INVALID, f"status must be one of {', '.join(SETTABLE_STATUSES)}")
    user = await get_owned(User, organization_id, user_id)
    # The checks below read this row; the update applies only at the same version.
    refuse_stale(user, version)
    changes: dict[str, object] = {"status": status}
    if status == "INACTIVE":
        if user.id == actor_id:
            raise fail(("input", "id"), ErrorCode.INVALID_STATE, "you cannot deactivate yourself")
        changes.update(
            token_generation=F("token_generation") + 1,  # revokes its login tokens for good
            invitation_token_hash=None,
            invitation_expires=None,
        )
    elif user.status != "ACTIVE":
        if user.password_hash is None:
            raise fail(
                ("input", "status"),
                ErrorCode.INVALID_STATE,
                "the user never accepted an invitation, so has no password",
            )
        held = await statements_of(organization_id, USER, user.id)
        require_grants(grantor, [s for s in held if s.effect is Effect.ALLOW], "reactivating this user")
    updated = await update_versioned(User, organization_id, user_id, version, changes, actor)
    forget_organization(organization_id)
    return updated


async def accept_invitation(token: str, password: str, *, now: datetime | None = None) -> User:
    now = now or datetime.now(UTC)
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise fail(("password",), ErrorCode.INVALID, f"must be {MIN_PASSWORD_LENGTH}–{MAX_PASSWORD_LENGTH} characters")
    token_hash = secrets.keyed_hash(get_settings().secret_key, token)
    user = await User.filter(invitation_token_hash=token_hash, status="INVITED").first()
    if user is None or user.invitation_expires is None or user.invitation_expires <= now:
        raise fail(("token",), ErrorCode.INVALID, "the invitation is unknown, used or expired")
    password_hash = await hash_password(password)
    async with in_transaction():
        # The status guard makes a second, concurrent acceptance of the same token a no-op.
        updated = await User.filter(id=user.id, status="INVITED").update(
            password_hash=password_hash,
            status="ACTIVE",
            invitation_token_hash=None,
            invitation_expires=None,
            version=user.version + 1,
        )
        if not updated:
            raise fail(("token",), ErrorCode.INVALID, "the invitation is unknown, used or expired")
        accepted = await User.get(id=user.id)
        await events.updated(events.snapshot(user), accepted)
    return accepted


async def login(
    email: str,
    password: str,
    organization_id: uuid.UUID | None,
    *,
    now: datetime | None = None,
    limits: rate_limits.Limiter | None = None,
    client_address: str | None = None,
) -> str:
    """A bearer token for the user. Wrong guesses are throttled per email and per client
    address (RateLimited once the budget is spent, before the password is checked)."""
    email = email.strip().lower()
    user = await rate_limits.check_credentials(
        limits, "email", email, client_address, lambda: _user_by_password(email, password, organization_id)
    )
    settings = get_settings()
    return issue_token(
        settings.secret_key,
        organization_id=user.organization_id,
        principal_type=USER,
        principal_id=user.id,
        access_key_id=None,
        now=now or datetime.now(UTC),
        lifetime_seconds=settings.token_lifetime_seconds,
        generation=user.token_generation,
    )


async def _user_by_password(email: str, password: str, organization_id: uuid.UUID | None) -> User:
    # PostgreSQL text cannot hold NUL, and the column holds 254 characters: no user has this
    # email (asking would fail the query, or Tortoise's length check of the filter value).
    if "\x00" in email or len(email) > cast(CharField, User._meta.fields_map["email"]).max_length:
        raise AuthError("wrong email or password")
    query = User.filter(email=email, status="ACTIVE")
    if organization_id is not None:
        query = query.filter(organization_id=organization_id)
    candidates = await query.limit(10)
    # The password is checked before ambiguity is reported, so a caller without it cannot
    # learn that an email belongs to several organizations.
    matching = [user for user in candidates if await verify_password(password, user.password_hash)]
    if not candidates:
        await verify_password(password, None)
    if not matching:
        raise AuthError("wrong email or password")
    if len(matching) > 1:
        raise fail(("organizationId",), ErrorCode.REQUIRED, "this email belongs to several organizations; name one")
    return matching[0]
