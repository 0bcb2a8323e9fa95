import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { Operation } from 'urql';
import { describe, expect, it } from 'vitest';
import { renderWith, stubClient } from '../test/render';
import { RunBills } from './RunBills';

const nameOf = (operation: Operation) =>
  operation.query.definitions.map((d) => ('name' in d ? d.name?.value : '')).join('');

// The API's answers: account "acme" exists; a job is made (or refused with `userErrors`).
function answer(userErrors: { field: string[]; code: string; message: string }[] = []) {
  return (operation: Operation) => {
    switch (nameOf(operation)) {
      case 'AccountIdsByCode':
        return { accounts: { __typename: 'AccountConnection', nodes: [{ __typename: 'Account', id: 'id-acme', code: 'acme' }] } };
      case 'CreateBillJob':
        return {
          createBillJob: {
            __typename: 'CreateBillJobPayload',
            billJob: userErrors.length ? null : { __typename: 'BillJob', id: 'job-1' },
            userErrors: userErrors.map((e) => ({ __typename: 'UserError', ...e })),
          },
        };
      default:
        return {
          billJobProgress: {
            __typename: 'BillJob',
            id: 'job-1',
            status: 'RUNNING',
            total: 1,
            pending: 1,
            failed: 0,
            failureReason: null,
            failures: [],
          },
        };
    }
  };
}

const creates = (seen: Operation[]) => seen.filter((operation) => nameOf(operation) === 'CreateBillJob');

describe('run bills page', () => {
  it('makes one bill job when "Run bills" is clicked twice while it looks up the accounts', async () => {
    const seen: Operation[] = [];
    renderWith(<RunBills />, stubClient(answer(), seen));
    fireEvent.change(screen.getByRole('textbox', { name: 'Account codes' }), { target: { value: 'acme' } });
    const button = screen.getByRole('button', { name: 'Run bills' });
    fireEvent.click(button);
    fireEvent.click(button);
    expect(await screen.findByRole('progressbar', { name: 'Bill job progress' })).toBeInTheDocument();
    await waitFor(() => expect(creates(seen)).toHaveLength(1));
    expect(creates(seen)[0].variables).toMatchObject({ input: { accountIds: ['id-acme'] } });
  });

  it('refuses a day that is not on the calendar next to the field, sending nothing', async () => {
    const seen: Operation[] = [];
    renderWith(<RunBills />, stubClient(answer(), seen));
    fireEvent.change(screen.getByRole('textbox', { name: 'Billing period end' }), { target: { value: '2026-02-30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run bills' }));
    expect(await screen.findByText('Enter a date as YYYY-MM-DD')).toBeInTheDocument();
    expect(creates(seen)).toHaveLength(0);
  });

  it('says why no job was made when a userError names no input of the form', async () => {
    const refusal = { field: ['input'], code: 'INVALID_STATE', message: 'a bill job for this period is running' };
    renderWith(<RunBills />, stubClient(answer([refusal])));
    fireEvent.click(screen.getByRole('button', { name: 'Run bills' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('a bill job for this period is running');
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });
});
