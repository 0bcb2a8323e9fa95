import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchStatement, statementFilename, statementUrl } from '../lib/statement';
import { renderWith, stubClient } from '../test/render';
import type { Operation } from 'urql';
import { BillStatement } from './BillStatement';

const bill = {
  id: 'b-1',
  accountCode: 'acme/eu',
  billDate: '2026-02-01',
  jsonStatementGenerated: true,
  csvStatementGenerated: false,
  statementStale: true,
};

afterEach(() => vi.unstubAllGlobals());

describe('bill statement', () => {
  it('names the route and the file', () => {
    expect(statementUrl(bill, 'csv')).toBe('/bills/b-1/statement.csv');
    expect(statementFilename(bill, 'json')).toBe('statement-acme_eu-2026-02-01.json');
  });

  it('sends the bearer token and reads the stale flag', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const fake = (async (url: string, init?: RequestInit) => {
      seen.push({ url, auth: new Headers(init?.headers).get('Authorization') });
      return new Response('{"bill":{}}', { status: 200, headers: { 'X-Statement-Stale': 'true' } });
    }) as typeof fetch;
    const { blob, stale } = await fetchStatement(bill, 'json', 'tok', fake);
    expect([await blob.text(), stale]).toEqual(['{"bill":{}}', true]);
    expect(seen).toEqual([{ url: '/bills/b-1/statement.json', auth: 'Bearer tok' }]);
  });

  it('reports the server message when there is none', async () => {
    const fake = (async () => new Response(JSON.stringify({ message: 'no CSV statement' }), { status: 404 })) as typeof fetch;
    await expect(fetchStatement(bill, 'csv', 'tok', fake)).rejects.toThrow('no CSV statement');
  });

  it('offers the stored formats, flags a stale one, and generates on demand', async () => {
    const seen: Operation[] = [];
    const reload = vi.fn();
    const client = stubClient(
      () => ({
        generateBillStatement: {
          bill: { id: 'b-1', jsonStatementGenerated: true, csvStatementGenerated: true, statementStale: false },
          userErrors: [],
        },
      }),
      seen,
    );
    renderWith(<BillStatement bill={bill} reload={reload} />, client);
    const group = screen.getByRole('group', { name: 'Statement' });
    expect(group).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Statement JSON' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Statement CSV' })).toBeDisabled();
    expect(screen.getByText('Statement out of date')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Generate statement' }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Statement generated.'));
    expect(seen.map((op) => op.variables)).toEqual([{ id: 'b-1' }]);
    expect(reload).toHaveBeenCalled();
  });
});
