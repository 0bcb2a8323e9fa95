"""The CreditReason and DebitReason picklists (SEMANTICS §12.1): `name` (1–200), `code`
(an entity code, unique per organization within its list) and `archived`. An archived
reason stays readable on the memo lines that name it but cannot be given to a new or
changed memo. A reason named by a memo line cannot be deleted (archive it instead).
Changes record `configuration.creditreason|debitreason.created|updated|deleted` events
(updates and deletes through `update_versioned` / `delete_versioned`)."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.domain.given import given
from app.domain.naming import entity_code_problem, name_problem
from app.models.billing import BillLineItem
from app.models.memos import CreditReason, DebitReason, MemoReason
from app.services import events
from app.services.catalog.entities import Dependants, delete_versioned, taken_codes
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.memos.commands import ReasonFields, ReasonKind, UpdateReason
from app.services.versioning import get_owned, update_versioned

MODELS: dict[ReasonKind, type[MemoReason]] = {ReasonKind.CREDIT: CreditReason, ReasonKind.DEBIT: DebitReason}


def _check(fields: ReasonFields, problems: ProblemCollector) -> dict[str, Any]:
    values = given(fields)
    if "name" in values and (msg := name_problem(values["name"] or "")):
        problems.add("name", ErrorCode.INVALID, msg)
    if "code" in values and (msg := entity_code_problem(values["code"] or "")):
        problems.add("code", ErrorCode.INVALID, msg)
    if "archived" in values and values["archived"] is None:
        problems.add("archived", ErrorCode.REQUIRED, "cannot be null")
    return values


async def create_reason(organization_id: uuid.UUID, kind: ReasonKind, fields: ReasonFields, *, actor: str) -> Any:
    problems = ProblemCollector()
    values = _check(fields, problems)
    for name in ("name", "code"):
        if name not in values:
            problems.add(name, ErrorCode.REQUIRED, "is required")
    problems.raise_if_any()
    model = MODELS[kind]
    if await taken_codes(model, organization_id, [values["code"]]):
        raise fail(("input", "code"), ErrorCode.DUPLICATE, f"a {model.__name__} with code {values['code']} exists")
    try:
        async with in_transaction():  # the reason and its event (SEMANTICS §14.2)
            reason = await model.create(
                organization_id=organization_id, created_by=actor, last_modified_by=actor, **values
            )
            await events.created(reason)
            return reason
    except IntegrityError as exc:  # a concurrent create took the code
        raise fail(("input", "code"), ErrorCode.DUPLICATE, f"code {values['code']} exists") from exc


async def update_reason(organization_id: uuid.UUID, kind: ReasonKind, command: UpdateReason, *, actor: str) -> Any:
    model = MODELS[kind]
    await get_owned(model, organization_id, command.reason_id)
    problems = ProblemCollector()
    values = _check(command.changes, problems)
    problems.raise_if_any()
    if "code" in values and await taken_codes(model, organization_id, [values["code"]], exclude_id=command.reason_id):
        raise fail(("input", "code"), ErrorCode.DUPLICATE, f"a {model.__name__} with code {values['code']} exists")
    try:
        return await update_versioned(model, organization_id, command.reason_id, command.version, values, actor)
    except IntegrityError as exc:
        raise fail(("input", "code"), ErrorCode.DUPLICATE, f"code {values.get('code')} exists") from exc


async def delete_reason(organization_id: uuid.UUID, kind: ReasonKind, reason_id: uuid.UUID, *, version: int) -> None:
    used_by = Dependants("memo lines (archive the reason instead)", BillLineItem, {"reason_id": reason_id})
    await delete_versioned(MODELS[kind], organization_id, reason_id, version, [used_by])
