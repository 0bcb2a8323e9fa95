import { Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { createColumnHelper } from '@tanstack/react-table';
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { DataTable } from '../components/DataTable';
import { To } from '../components/Links';
import { QueryState } from '../components/States';
import { graphql } from '../gql';
import type { AccountsQuery as AccountsResult } from '../gql/graphql';

// The API searches (code or name, ignoring case): every account of the organization, not
// only the first 100 the page shows.
const AccountsQuery = graphql(`
  query Accounts($search: String) {
    accounts(first: 100, filter: { search: $search }) {
      totalCount
      nodes { id code name emailAddress currency parent { code } }
    }
  }
`);

type Row = AccountsResult['accounts']['nodes'][number];
const column = createColumnHelper<Row>();
const columns = [
  column.accessor('code', { header: 'Code', cell: (c) => <To to={`/accounts/${c.row.original.id}`}>{c.getValue()}</To> }),
  column.accessor('name', { header: 'Name' }),
  column.accessor('emailAddress', { header: 'Email' }),
  column.accessor((row) => row.parent?.code ?? '', { id: 'parent', header: 'Parent' }),
];

export function Accounts() {
  const [search, setSearch] = useState('');
  // One request once typing pauses, not one per key.
  const [searched] = useDebouncedValue(search.trim(), 250);
  const [result] = useQuery({ query: AccountsQuery, variables: { search: searched || null } });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Accounts</Title>
        <Button component={Link} to="/accounts/new">
          New account
        </Button>
      </Group>
      <TextInput
        label="Search accounts"
        placeholder="Code or name"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        maw={360}
      />
      <QueryState fetching={result.fetching} error={result.error} data={result.data?.accounts} what="accounts">
        {(accounts) => (
          <>
            <DataTable
              label="Accounts"
              rows={accounts.nodes}
              columns={columns}
              empty={searched ? `No account matches “${searched}”.` : 'No accounts yet.'}
            />
            {accounts.totalCount > accounts.nodes.length && (
              <Text size="sm" c="dimmed">
                Showing {accounts.nodes.length} of {accounts.totalCount} accounts: search to find the others.
              </Text>
            )}
          </>
        )}
      </QueryState>
    </Stack>
  );
}
