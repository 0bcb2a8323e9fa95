"""Exports (SEMANTICS §15): what an exported record looks like, as bytes (pure; no I/O).

Concepts
- Kinds: BILLS, MEASUREMENTS, USAGE; formats: CSV and JSONL (`formats`).
- Cells (`cells`): decimals as exact plain strings, instants ISO-8601 UTC with `Z`, dates
  `YYYY-MM-DD`, null as an empty cell or JSON null.
- Records (`records`): the columns of each kind and how one record becomes CSV rows or
  one JSON object.
- Filters (`filters`): the query parameters of an export, checked and bounded; a bad one
  is a Problem naming the parameter.
- Periods (`periods`): the DAY and MONTH buckets of a USAGE export, at local midnights.

Invariants
- A text cell that starts with `=`, `+`, `-`, `@`, a tab, CR or LF gets a leading `'` in
  CSV (spreadsheet formula guard); a number never does, so `-5` stays a number.
- Output depends only on the records given: same records, same bytes.
"""

from __future__ import annotations

from app.domain.exports.formats import CSV, FORMATS, JSONL, KINDS, ExportFormat, ExportKind

__all__ = ["CSV", "FORMATS", "JSONL", "KINDS", "ExportFormat", "ExportKind"]
