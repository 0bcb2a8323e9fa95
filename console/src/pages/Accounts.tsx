import { Button, Group, Stack, TextInput, Title } from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { DataTable } from '../components/DataTable';
import { To } from '../components/Links';
import { QueryState } from '../components/States';
import { graphql } from '../gql';
import type { AccountsQuery as AccountsResult } from '../gql/graphql';

const AccountsQuery = graphql(`
  query Accounts {
    accounts(first: 100) {
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

/** Rows whose code or name contains the search text (case-insensitive). */
export function searchAccounts<T extends { code: string; name: string }>(rows: T[], search: string): T[] {
  const needle = search.trim().toLowerCase();
  if (!needle) return rows;
  return rows.filter((row) => row.code.toLowerCase().includes(needle) || row.name.toLowerCase().includes(needle));
}

export function Accounts() {
  const [result] = useQuery({ query: AccountsQuery });
  const [search, setSearch] = useState('');
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
          <DataTable
            label="Accounts"
            rows={searchAccounts(accounts.nodes, search)}
            columns={columns}
            empty={search ? `No account matches “${search}”.` : 'No accounts yet.'}
          />
        )}
      </QueryState>
    </Stack>
  );
}
