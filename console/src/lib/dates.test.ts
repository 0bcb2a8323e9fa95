import { describe, expect, it } from 'vitest';
import { isCalendarDate, isOffsetDateTime } from './dates';

describe('isCalendarDate', () => {
  it.each([
    ['2026-11-30', true],
    [' 2028-02-29 ', true],
    ['2026-02-29', false],
    ['2026-02-30', false], // Date.parse takes it as 2 March
    ['2026-13-01', false],
    ['2026-11-31', false],
    ['30/11/2026', false],
    ['2026-1-5', false],
  ])('%s → %s', (text, ok) => {
    expect(isCalendarDate(text)).toBe(ok);
  });
});

describe('isOffsetDateTime', () => {
  it.each([
    ['2026-11-15T12:00:00Z', true],
    ['2026-11-15T12:00:00.123Z', true],
    ['2026-11-15T12:00+01:00', true],
    ['2026-11-15T12:00:00-0800', true],
    ['2026-11-15T12:00:00', false], // the browser's time zone would decide
    ['2026-11-15', false],
    ['2026-02-30T12:00:00Z', false],
    ['2026-11-15T24:30:00Z', false],
    ['soon', false],
  ])('%s → %s', (text, ok) => {
    expect(isOffsetDateTime(text)).toBe(ok);
  });
});
