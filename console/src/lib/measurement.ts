// The "Submit test usage" form's measurement: one value per data field, placed in the
// section its category names (SEMANTICS §6). Numbers are sent exactly as typed: they go
// into the JSON text verbatim, never through a float.
import { isOffsetDateTime } from './dates';

export type Category = 'WHO' | 'WHAT' | 'WHERE' | 'OTHER' | 'METADATA' | 'MEASURE' | 'INCOME' | 'COST';

export interface FieldSpec {
  code: string;
  category: Category;
}

export const NUMERIC_CATEGORIES: ReadonlySet<Category> = new Set(['MEASURE', 'INCOME', 'COST']);
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const RAW = '\u0000number:';

export interface UsageForm {
  meterCode: string;
  accountCode: string;
  timestamp: string;
  uid: string;
  values: Record<string, string>;
}

export type Built = { ok: true; body: string } | { ok: false; errors: Record<string, string> };

export function isNumeric(category: Category): boolean {
  return NUMERIC_CATEGORIES.has(category);
}

/** The ingest request body for the form, or the problems keyed by input (field code, or
 * "accountCode" / "timestamp"). Empty values are left out. */
export function buildMeasurementBody(form: UsageForm, fields: readonly FieldSpec[]): Built {
  const errors: Record<string, string> = {};
  if (!form.accountCode.trim()) errors.accountCode = 'Enter an account code';
  // With its offset: "2026-01-31T12:00:00" alone would be read in the browser's time zone.
  if (!isOffsetDateTime(form.timestamp)) errors.timestamp = 'Enter a date and time with its offset, e.g. 2026-01-31T12:00:00Z';
  const sections: Record<string, Record<string, string>> = {};
  for (const field of fields) {
    const value = (form.values[field.code] ?? '').trim();
    if (!value) continue;
    const numeric = isNumeric(field.category);
    if (numeric && !NUMBER.test(value)) {
      errors[field.code] = 'Enter a number';
      continue;
    }
    const section = field.category.toLowerCase();
    sections[section] = { ...sections[section], [field.code]: numeric ? RAW + value : value };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const measurement: Record<string, unknown> = {
    meter: form.meterCode,
    account: form.accountCode.trim(),
    ts: new Date(form.timestamp.trim()).toISOString(),
    ...sections,
  };
  if (form.uid.trim()) measurement.uid = form.uid.trim();
  const text = JSON.stringify({ measurements: [measurement] });
  // Unquote the marked numbers: "\u0000number:12.50" becomes 12.50 in the JSON text.
  return { ok: true, body: text.replace(/"\\u0000number:([^"]*)"/g, '$1') };
}

export interface BatchReport {
  status: string;
  stored?: number | null;
  duplicates?: number | null;
  rejected?: number | null;
  failures: { reason: string }[];
}

/** What happened to the one measurement of a test submission, in the words of the
 * contract: "stored", "duplicate", or "rejected: <reason>"; null while it is pending. */
export function outcome(batch: BatchReport): string | null {
  if (batch.status !== 'PROCESSED') return null;
  if (batch.stored) return 'stored';
  if (batch.duplicates) return 'duplicate';
  if (batch.rejected) return `rejected: ${batch.failures[0]?.reason ?? 'no reason given'}`;
  return 'rejected: nothing was stored';
}
