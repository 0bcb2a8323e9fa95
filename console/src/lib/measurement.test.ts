import { describe, expect, it } from 'vitest';
import { buildMeasurementBody, outcome, type FieldSpec } from './measurement';

const FIELDS: FieldSpec[] = [
  { code: 'calls', category: 'MEASURE' },
  { code: 'region', category: 'WHO' },
  { code: 'revenue', category: 'INCOME' },
];
const FORM = { meterCode: 'api_calls', accountCode: ' acme ', timestamp: '2026-11-15T12:00:00Z', uid: '', values: {} };

describe('buildMeasurementBody', () => {
  it('puts each value in its category section, numbers exactly as typed', () => {
    const built = buildMeasurementBody(
      { ...FORM, values: { calls: '0.10000000000000000001', region: 'eu', revenue: '' } },
      FIELDS,
    );
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.body).toBe(
      '{"measurements":[{"meter":"api_calls","account":"acme","ts":"2026-11-15T12:00:00.000Z",' +
        '"measure":{"calls":0.10000000000000000001},"who":{"region":"eu"}}]}',
    );
  });

  it('names the inputs that are wrong', () => {
    const built = buildMeasurementBody({ ...FORM, accountCode: '', timestamp: 'soon', values: { calls: '12abc' } }, FIELDS);
    expect(built).toEqual({
      ok: false,
      errors: { accountCode: 'Enter an account code', timestamp: expect.any(String), calls: 'Enter a number' },
    });
  });

  it('wants the timestamp with its offset, so no browser time zone shifts it', () => {
    const at = (timestamp: string) => buildMeasurementBody({ ...FORM, timestamp, values: { calls: '1' } }, FIELDS);
    expect(at('2026-11-15T00:30:00')).toEqual({ ok: false, errors: { timestamp: expect.stringContaining('offset') } });
    expect(at('Nov 15 2026')).toMatchObject({ ok: false });
    const shifted = at('2026-11-15T00:30:00-08:00');
    expect(shifted.ok && JSON.parse(shifted.body).measurements[0].ts).toBe('2026-11-15T08:30:00.000Z');
  });

  it('sends the uid when given', () => {
    const built = buildMeasurementBody({ ...FORM, uid: 'u-1', values: { calls: '1' } }, FIELDS);
    expect(built.ok && JSON.parse(built.body).measurements[0].uid).toBe('u-1');
  });
});

describe('outcome', () => {
  it.each([
    [{ status: 'PENDING', failures: [] }, null],
    [{ status: 'PROCESSED', stored: 1, failures: [] }, 'stored'],
    [{ status: 'PROCESSED', stored: 0, duplicates: 1, failures: [] }, 'duplicate'],
    [{ status: 'PROCESSED', stored: 0, rejected: 1, failures: [{ reason: 'unknown account' }] }, 'rejected: unknown account'],
  ])('%o → %s', (batch, said) => {
    expect(outcome(batch)).toBe(said);
  });
});
