import { describe, expect, it } from 'vitest';
import { billExportFilename, billExportUrl, fetchBillExport, nextDay } from './billExport';

const bill = { id: 'b1', accountId: 'a-1', accountCode: 'acme/eu', billDate: '2024-12-31' };

describe('bill download', () => {
  it('asks for the account on the bill date only', () => {
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
    expect(nextDay('2024-12-31')).toBe('2025-01-01');
    expect(billExportUrl(bill, 'csv')).toBe('/exports/bills.csv?accountIds=a-1&from=2024-12-31&to=2025-01-01');
    expect(billExportUrl(bill, 'jsonl')).toMatch(/^\/exports\/bills\.jsonl\?/);
    expect(billExportFilename(bill, 'jsonl')).toBe('bill-acme_eu-2024-12-31.jsonl');
  });

  it('sends the bearer token and returns the file', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const fake = (async (url: string, init?: RequestInit) => {
      seen.push({ url, auth: new Headers(init?.headers).get('Authorization') });
      return new Response('id,accountId\r\n', { status: 200, headers: { 'Content-Type': 'text/csv' } });
    }) as typeof fetch;
    const blob = await fetchBillExport(bill, 'csv', 'tok', fake);
    expect(await blob.text()).toBe('id,accountId\r\n');
    expect(seen).toEqual([{ url: billExportUrl(bill, 'csv'), auth: 'Bearer tok' }]);
  });

  it('reports the server message when refused', async () => {
    const fake = (async () =>
      new Response(JSON.stringify({ message: 'not permitted: config:retrieve' }), { status: 403 })) as typeof fetch;
    await expect(fetchBillExport(bill, 'csv', 'tok', fake)).rejects.toThrow('not permitted: config:retrieve');
  });
});
