"""People and machines that call the API, and the policies that say what they may do
(SEMANTICS §2.3)."""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel


class User(TenantModel):
    email = fields.CharField(max_length=254)
    first_name = fields.CharField(max_length=200)
    last_name = fields.CharField(max_length=200)
    # argon2 hash; null until the invitation is accepted.
    password_hash = fields.CharField(max_length=200, null=True)
    # keyed hash of the one-time invitation token; cleared on acceptance.
    invitation_token_hash = fields.CharField(max_length=128, null=True, db_index=True)
    invitation_expires = fields.DatetimeField(null=True)
    status = fields.CharField(max_length=16, default="INVITED")
    # Raised each time the user is made INACTIVE. A login token carries the generation it
    # was issued under, so tokens from before a deactivation never work again, not even
    # after the user is made ACTIVE again (`app.services.principals`).
    token_generation = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "users"
        unique_together = (("organization_id", "email"),)


class ServiceUser(TenantModel):
    name = fields.CharField(max_length=200)
    description = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "service_users"
        unique_together = (("organization_id", "name"),)


class AccessKey(TenantModel):
    service_user_id = fields.UUIDField(db_index=True)
    # Public half of the credential. Unique per organization by constraint (every key includes
    # organization_id, migration 0016) and across organizations by its 96 random bits; the
    # token endpoint finds it by this index without knowing the organization.
    access_key_id = fields.CharField(max_length=64, db_index=True)
    # keyed hash (HMAC-SHA256) of the secret: fast to verify, useless if the table leaks
    # without the server key.
    secret_hash = fields.CharField(max_length=128)
    status = fields.CharField(max_length=16, default="ACTIVE")
    # Raised each time the key is made INACTIVE: its tokens carry the generation they were
    # issued under, so setting a key INACTIVE revokes them for good; making it ACTIVE again
    # lets the secret obtain new tokens, it does not bring the old ones back.
    token_generation = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "access_keys"
        unique_together = (("organization_id", "access_key_id"),)


class PermissionPolicy(TenantModel):
    name = fields.CharField(max_length=200)
    managed = fields.BooleanField(default=False)
    # [{"effect": "ALLOW", "action": [...], "resource": [...]}]
    statements = fields.JSONField(default=list)

    class Meta:
        table = "permission_policies"
        unique_together = (("organization_id", "name"),)


class PolicyAttachment(TenantModel):
    policy_id = fields.UUIDField(db_index=True)
    principal_type = fields.CharField(max_length=16)  # USER | SERVICE_USER
    principal_id = fields.UUIDField(db_index=True)

    class Meta:
        table = "policy_attachments"
        unique_together = (("organization_id", "policy_id", "principal_type", "principal_id"),)
