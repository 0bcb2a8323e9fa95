"""Export kinds and formats: names, media types and how a row becomes bytes."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from app.domain.exports.cells import csv_cell, json_line


class ExportKind(str, Enum):
    BILLS = "BILLS"
    MEASUREMENTS = "MEASUREMENTS"
    USAGE = "USAGE"


class ExportFormat(str, Enum):
    CSV = "CSV"
    JSONL = "JSONL"


CSV, JSONL = ExportFormat.CSV, ExportFormat.JSONL
KINDS = {"bills": ExportKind.BILLS, "measurements": ExportKind.MEASUREMENTS, "usage": ExportKind.USAGE}
FORMATS = {"csv": CSV, "jsonl": JSONL}
MEDIA_TYPES = {CSV: "text/csv; charset=utf-8", JSONL: "application/x-ndjson"}
EXTENSIONS = {CSV: "csv", JSONL: "jsonl"}


def csv_row(values: Sequence[Any]) -> bytes:
    """One CSV record (RFC 4180): cells joined by commas, CRLF-terminated, UTF-8."""
    return (",".join(csv_cell(value) for value in values) + "\r\n").encode("utf-8")


def jsonl_row(record: dict[str, Any]) -> bytes:
    return json_line(record).encode("utf-8")
