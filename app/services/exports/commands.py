"""Commands of export jobs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CreateExportJob:
    """`kind` BILLS | MEASUREMENTS | USAGE, `format` CSV | JSONL; `filters` spelled as the
    download route's query parameters (`from`, `to`, `accountIds`, …)."""

    kind: str
    format: str
    filters: Mapping[str, str]
