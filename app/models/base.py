"""Columns every tenant-owned entity shares (SEMANTICS §1).

Every table leads with `organization_id` so that queries always filter by tenant and the
schema can later be distributed by organization.
"""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model


class TenantModel(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    organization_id = fields.UUIDField(db_index=True)
    version = fields.IntField(default=1)
    dt_created = fields.DatetimeField(auto_now_add=True)
    dt_last_modified = fields.DatetimeField(auto_now=True)
    created_by = fields.CharField(max_length=80, null=True)
    last_modified_by = fields.CharField(max_length=80, null=True)

    class Meta:
        abstract = True
