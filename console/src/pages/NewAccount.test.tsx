import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { Operation } from 'urql';
import { describe, expect, it } from 'vitest';
import { renderWith, stubClient } from '../test/render';
import { NewAccount } from './NewAccount';

const nameOf = (operation: Operation) =>
  operation.query.definitions.map((d) => ('name' in d ? d.name?.value : '')).join('');

function answer(operation: Operation) {
  if (nameOf(operation) === 'PlanChoices') {
    const plan = { __typename: 'Plan', id: 'plan-1', code: 'starter', name: 'Starter', currency: 'USD', billFrequency: 'MONTHLY' };
    return { plans: { __typename: 'PlanConnection', nodes: [plan] } };
  }
  return { createAccount: { __typename: 'CreateAccountPayload', account: { __typename: 'Account', id: 'acct-1' }, userErrors: [] } };
}

describe('new account page', () => {
  it('puts a plan start date that is not a calendar day next to its input, sending nothing', async () => {
    const seen: Operation[] = [];
    renderWith(<NewAccount />, stubClient(answer, seen));
    fireEvent.change(screen.getByRole('textbox', { name: 'Account code' }), { target: { value: 'acme' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Account name' }), { target: { value: 'Acme' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Email address' }), { target: { value: 'billing@acme.example' } });
    await screen.findByRole('option', { name: /Starter/ });
    fireEvent.change(screen.getByRole('combobox', { name: 'Plan' }), { target: { value: 'plan-1' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Plan start date' }), { target: { value: '2026-02-30' } });
    fireEvent.submit(screen.getByRole('form', { name: 'New account' }));
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: 'Plan start date' })).toHaveAccessibleDescription(/Enter a date as YYYY-MM-DD/),
    );
    expect(seen.filter((operation) => nameOf(operation) === 'CreateAccount')).toHaveLength(0);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
