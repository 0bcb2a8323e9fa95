import { Stack, Text, Title } from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import { useQuery } from 'urql';
import { DataTable } from '../components/DataTable';
import { QueryState } from '../components/States';
import { graphql } from '../gql';
import type { BillJobsQuery as BillJobsResult } from '../gql/graphql';

const BillJobsQuery = graphql(`
  query BillJobs {
    billJobs(first: 100) {
      nodes {
        id
        status
        type
        billingFrequency
        lastDateInBillingPeriod
        total
        pending
        failed
        failureReason
        failures { accountId reason }
        dtCreated
      }
    }
  }
`);

type Row = BillJobsResult['billJobs']['nodes'][number];
const column = createColumnHelper<Row>();
const columns = [
  column.accessor((row) => row.dtCreated.slice(0, 19).replace('T', ' '), { id: 'created', header: 'Created (UTC)' }),
  column.accessor('status', { header: 'Status' }),
  column.accessor('type', { header: 'Type' }),
  column.accessor((row) => `${row.billingFrequency ?? ''} to ${row.lastDateInBillingPeriod ?? '—'}`, { id: 'period', header: 'Period' }),
  column.accessor((row) => `${row.total} / ${row.pending} / ${row.failed}`, { id: 'counts', header: 'Accounts / pending / failed' }),
  column.accessor((row) => [row.failureReason, ...row.failures.map((f) => f.reason)].filter(Boolean).join('; '), {
    id: 'failures',
    header: 'Failures',
    cell: (c) => <Text size="sm">{c.getValue() || '—'}</Text>,
  }),
];

export function BillJobs() {
  const [result] = useQuery({ query: BillJobsQuery });
  return (
    <Stack>
      <Title order={1}>Bill jobs</Title>
      <QueryState fetching={result.fetching} error={result.error} data={result.data?.billJobs} what="bill jobs">
        {(jobs) => <DataTable label="Bill jobs" rows={jobs.nodes} columns={columns} empty="No bill jobs yet." />}
      </QueryState>
    </Stack>
  );
}
