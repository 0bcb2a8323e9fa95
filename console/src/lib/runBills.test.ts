import { describe, expect, it } from 'vitest';
import { checkRunBills, parseCodes, percentDone } from './runBills';

describe('run bills form', () => {
  it('splits, trims and de-duplicates account codes', () => {
    expect(parseCodes(' acme, globex ,,acme ')).toEqual(['acme', 'globex']);
    expect(parseCodes('  ')).toEqual([]);
  });

  it('wants the period end as YYYY-MM-DD', () => {
    expect(checkRunBills({ frequency: 'MONTHLY', periodEnd: '2026-11-30', accountCodes: '' })).toEqual({});
    expect(checkRunBills({ frequency: 'MONTHLY', periodEnd: '30/11/2026', accountCodes: '' })).toHaveProperty('periodEnd');
    // A day off the calendar would reach the API's Date scalar and come back as a raw error.
    expect(checkRunBills({ frequency: 'MONTHLY', periodEnd: '2026-02-30', accountCodes: '' })).toHaveProperty('periodEnd');
  });

  it('shows progress as the share of accounts done', () => {
    expect(percentDone(0, 0)).toBe(0);
    expect(percentDone(4, 1)).toBe(75);
    expect(percentDone(3, 0)).toBe(100);
  });
});
