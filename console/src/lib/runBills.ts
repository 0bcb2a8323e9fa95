// Checks of the "Run bills" form before anything is sent (shape only; the API decides the
// billing rules and answers with userErrors).
import { CALENDAR_DATE_HINT, isCalendarDate } from './dates';

export interface RunBillsForm {
  frequency: string;
  periodEnd: string;
  accountCodes: string;
}

export function parseCodes(text: string): string[] {
  return [...new Set(text.split(',').map((code) => code.trim()).filter(Boolean))];
}

export function checkRunBills(form: RunBillsForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!isCalendarDate(form.periodEnd)) errors.periodEnd = CALENDAR_DATE_HINT;
  if (!form.frequency) errors.frequency = 'Choose a bill frequency';
  return errors;
}

/** Share of the job's accounts done, 0–100, for the progress bar (display only). */
export function percentDone(total: number, pending: number): number {
  if (total <= 0) return 0;
  return Math.round(((total - pending) / total) * 100);
}
