"""Output types of memo reasons (SEMANTICS §12.1): the CreditReason and DebitReason picklists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry


@strawberry.type(description="The fields of a memo reason, credit or debit.")
class MemoReasonFields:
    id: strawberry.ID = strawberry.field(description="Id of the reason.")
    version: int = strawberry.field(description="Incremented by every update.")
    name: str = strawberry.field(description="Display name, 1–200 characters.")
    code: str = strawberry.field(description="Code, unique per organization within its picklist.")
    archived: bool = strawberry.field(description="An archived reason cannot be given to a new or changed memo.")
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def of(cls, row: Any) -> Any:
        return cls(
            id=strawberry.ID(str(row.id)),
            version=row.version,
            name=row.name,
            code=row.code,
            archived=row.archived,
            dt_created=row.dt_created,
            dt_last_modified=row.dt_last_modified,
        )


@strawberry.type(description="A reason a CREDIT_MEMO line gives (SEMANTICS §12.1).")
class CreditReason(MemoReasonFields):
    pass


@strawberry.type(description="A reason a DEBIT_MEMO line gives (SEMANTICS §12.1).")
class DebitReason(MemoReasonFields):
    pass
