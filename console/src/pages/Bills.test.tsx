import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWith, stubClient } from '../test/render';
import { Bills } from './Bills';

const bill = {
  __typename: 'Bill',
  id: 'bill-1',
  accountCode: 'acme',
  billDate: '2024-02-01',
  startDate: '2024-01-01',
  endDate: '2024-02-01',
  status: 'PENDING',
  locked: false,
  billTotal: '10.00',
  currency: 'USD',
  billingFrequency: 'MONTHLY',
};

describe('bills page', () => {
  it('says when the API holds more bills than the page shows', async () => {
    renderWith(<Bills />, stubClient(() => ({ bills: { __typename: 'BillConnection', totalCount: 250, nodes: [bill] } })));
    expect(await screen.findByText(/Showing the first 1 of 250 bills/)).toBeInTheDocument();
    // Money exactly as the API wrote it.
    expect(screen.getByRole('cell', { name: '10.00 USD' })).toBeInTheDocument();
  });
});
