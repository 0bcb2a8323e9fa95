"""Memo lines and their reasons (SEMANTICS §12.1)."""

from app.services.memos.commands import (
    CreateMemo,
    MemoFields,
    MemoType,
    ReasonFields,
    ReasonKind,
    UpdateMemo,
    UpdateReason,
)
from app.services.memos.lines import create_memo, delete_memo, update_memo
from app.services.memos.reasons import create_reason, delete_reason, update_reason
from app.services.memos.status import set_bill_pending

__all__ = [
    "CreateMemo",
    "MemoFields",
    "MemoType",
    "ReasonFields",
    "ReasonKind",
    "UpdateMemo",
    "UpdateReason",
    "create_memo",
    "create_reason",
    "delete_memo",
    "delete_reason",
    "set_bill_pending",
    "update_memo",
    "update_reason",
]
