import { Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import { useState } from 'react';
import { useQuery } from 'urql';
import { DataTable } from '../components/DataTable';
import { To } from '../components/Links';
import { QueryState } from '../components/States';
import { graphql } from '../gql';
import type { BillsQuery as BillsResult } from '../gql/graphql';

const BillsQuery = graphql(`
  query Bills($filter: BillFilter) {
    bills(first: 100, filter: $filter) {
      totalCount
      nodes { id accountCode billDate startDate endDate status locked billTotal currency billingFrequency }
    }
  }
`);

type Row = BillsResult['bills']['nodes'][number];
const column = createColumnHelper<Row>();
const columns = [
  column.accessor('accountCode', { header: 'Account', cell: (c) => <To to={`/bills/${c.row.original.id}`}>{c.getValue()}</To> }),
  column.accessor('billDate', { header: 'Bill date' }),
  column.accessor((row) => `${row.startDate} – ${row.endDate}`, { id: 'period', header: 'Period' }),
  column.accessor('billingFrequency', { header: 'Frequency' }),
  column.accessor((row) => `${row.status}${row.locked ? ', locked' : ''}`, { id: 'status', header: 'Status' }),
  column.accessor((row) => `${row.billTotal} ${row.currency}`, { id: 'total', header: 'Total', enableSorting: false }),
];

export function Bills() {
  const [status, setStatus] = useState('');
  const [billDate, setBillDate] = useState('');
  const [account, setAccount] = useState('');
  const validDate = /^\d{4}-\d{2}-\d{2}$/.test(billDate);
  const filter = {
    status: (status || null) as 'PENDING' | 'APPROVED' | null,
    billDate: validDate ? billDate : null,
  };
  const [result] = useQuery({ query: BillsQuery, variables: { filter } });
  const needle = account.trim().toLowerCase();
  return (
    <Stack>
      <Title order={1}>Bills</Title>
      <Group align="end">
        <NativeSelect
          label="Status"
          value={status}
          data={[
            { value: '', label: 'Any' },
            { value: 'PENDING', label: 'Pending' },
            { value: 'APPROVED', label: 'Approved' },
          ]}
          onChange={(e) => setStatus(e.currentTarget.value)}
        />
        <TextInput label="Account" placeholder="Account code" value={account} onChange={(e) => setAccount(e.currentTarget.value)} />
        <TextInput
          label="Bill date"
          placeholder="YYYY-MM-DD"
          value={billDate}
          error={billDate && !validDate ? 'Use YYYY-MM-DD' : undefined}
          onChange={(e) => setBillDate(e.currentTarget.value)}
        />
      </Group>
      <QueryState fetching={result.fetching} error={result.error} data={result.data?.bills} what="bills">
        {(bills) => (
          <>
            <DataTable
              label="Bills"
              rows={bills.nodes.filter((bill) => !needle || bill.accountCode.toLowerCase().includes(needle))}
              columns={columns}
              empty="No bills match. Run bills to make some."
            />
            {/* The API lists the oldest bill dates first: say so when the newest are not here. */}
            {bills.totalCount > bills.nodes.length && (
              <Text size="sm" c="dimmed">
                Showing the first {bills.nodes.length} of {bills.totalCount} bills (oldest bill dates first): choose a
                status or bill date to see the others.
              </Text>
            )}
          </>
        )}
      </QueryState>
    </Stack>
  );
}
