// Shape checks of the dates and times typed into forms, before they are sent. The API's
// Date / DateTime scalars refuse anything else with a top-level error that names a GraphQL
// variable, not the input: these checks put the problem next to the input instead.
// Nothing here is read in the browser's time zone.

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one, though Date.parse takes it). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export const CALENDAR_DATE_HINT = 'Enter a date as YYYY-MM-DD';

/** An ISO 8601 date and time that says its offset (Z or ±hh:mm). Without one, JavaScript
 * reads it in the browser's time zone, so the same text would mean another instant on
 * another machine. */
export function isOffsetDateTime(text: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.exec(text.trim());
  if (!match) return false;
  const [, day, hours, minutes] = match;
  return isCalendarDate(day) && Number(hours) < 24 && Number(minutes) < 60 && !Number.isNaN(Date.parse(text.trim()));
}
