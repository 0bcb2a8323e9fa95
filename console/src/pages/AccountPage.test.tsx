import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { Operation } from 'urql';
import { describe, expect, it } from 'vitest';
import { renderWith, stubClient } from '../test/render';
import { AccountPage } from './AccountPage';

const nameOf = (operation: Operation) =>
  operation.query.definitions.map((d) => ('name' in d ? d.name?.value : '')).join('');
const empty = (typename: string) => ({ __typename: typename, nodes: [] });

function answer(operation: Operation) {
  switch (nameOf(operation)) {
    case 'PlanChoices': {
      const plan = { __typename: 'Plan', id: 'plan-1', code: 'starter', name: 'Starter', currency: 'USD', billFrequency: 'MONTHLY' };
      return { plans: { __typename: 'PlanConnection', nodes: [plan] } };
    }
    case 'AttachPlan':
      return { createAccountPlan: { __typename: 'CreateAccountPlanPayload', accountPlan: { __typename: 'AccountPlan', id: 'ap-1' }, userErrors: [] } };
    default:
      return {
        account: {
          __typename: 'Account',
          id: 'acct-1',
          code: 'acme',
          name: 'Acme',
          emailAddress: 'billing@acme.example',
          currency: null,
          parent: null,
          children: empty('AccountConnection'),
          accountPlans: empty('AccountPlanConnection'),
          commitments: empty('CommitmentConnection'),
          bills: empty('BillConnection'),
        },
      };
  }
}

describe('account page', () => {
  it('puts a start date that is not a calendar day next to its input, sending nothing', async () => {
    const seen: Operation[] = [];
    renderWith(<AccountPage />, stubClient(answer, seen));
    await screen.findByRole('option', { name: /Starter/ });
    fireEvent.change(screen.getByRole('combobox', { name: 'Plan to attach or replace with' }), { target: { value: 'plan-1' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Start date' }), { target: { value: '2026-13-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Attach plan' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Start date' })).toHaveAccessibleDescription(/Enter a date as YYYY-MM-DD/));
    expect(seen.filter((operation) => nameOf(operation) === 'AttachPlan')).toHaveLength(0);

    fireEvent.change(screen.getByRole('textbox', { name: 'Start date' }), { target: { value: '2026-12-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Attach plan' }));
    await waitFor(() => expect(seen.filter((operation) => nameOf(operation) === 'AttachPlan')).toHaveLength(1));
    expect(seen.find((operation) => nameOf(operation) === 'AttachPlan')?.variables).toMatchObject({
      input: { accountId: 'acct-1', planId: 'plan-1', startDate: '2026-12-01T00:00:00Z' },
    });
  });
});
