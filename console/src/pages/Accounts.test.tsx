import { fireEvent, screen } from '@testing-library/react';
import type { Operation } from 'urql';
import { describe, expect, it } from 'vitest';
import { renderWith, stubClient } from '../test/render';
import { Accounts } from './Accounts';

const account = (code: string, name: string) => ({
  __typename: 'Account',
  id: `id-${code}`,
  code,
  name,
  emailAddress: null,
  currency: null,
  parent: null,
});

// The API's answer: the first of 150 accounts without a search, the match with one.
function answer(operation: Operation) {
  const search = (operation.variables as { search: string | null }).search;
  const nodes = search ? [account('acct-149', 'Zebra Holdings')] : [account('acct-000', 'First')];
  return { accounts: { __typename: 'AccountConnection', totalCount: search ? 1 : 150, nodes } };
}

describe('accounts page', () => {
  it('asks the API to search, so an account beyond the first page is found', async () => {
    const seen: Operation[] = [];
    renderWith(<Accounts />, stubClient(answer, seen));
    expect(await screen.findByText('Showing 1 of 150 accounts: search to find the others.')).toBeInTheDocument();
    fireEvent.change(screen.getByRole('textbox', { name: 'Search accounts' }), { target: { value: '  zebra ' } });
    expect(await screen.findByText('Zebra Holdings')).toBeInTheDocument();
    // Trimmed, and only once typing paused: no request with a half-typed or untrimmed text.
    const searches = new Set(seen.map((operation) => (operation.variables as { search: string | null }).search));
    expect(searches).toEqual(new Set([null, 'zebra']));
    expect(screen.queryByText(/search to find the others/)).not.toBeInTheDocument();
  });
});
