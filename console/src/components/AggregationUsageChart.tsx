// One aggregation's usage for an account over the last three calendar months (UTC), as
// the API computes it (`usage`): one query with three aliased windows.
import { Card, Text } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { ErrorState, Loading } from './States';

const AggregationUsage = graphql(`
  query AggregationUsage(
    $accountId: ID!
    $aggregationId: ID!
    $m0: DateTime!
    $m1: DateTime!
    $m2: DateTime!
    $m3: DateTime!
  ) {
    twoAgo: usage(accountId: $accountId, aggregationId: $aggregationId, from: $m0, to: $m1) { quantity units }
    lastMonth: usage(accountId: $accountId, aggregationId: $aggregationId, from: $m1, to: $m2) { quantity units }
    thisMonth: usage(accountId: $accountId, aggregationId: $aggregationId, from: $m2, to: $m3) { quantity units }
  }
`);

function monthStart(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

export function AggregationUsageChart(props: { accountId: string; aggregationId: string; name: string }) {
  const bounds = [-2, -1, 0, 1].map(monthStart);
  const [m0, m1, m2, m3] = bounds.map((date) => date.toISOString());
  const [result] = useQuery({
    query: AggregationUsage,
    variables: { accountId: props.accountId, aggregationId: props.aggregationId, m0, m1, m2, m3 },
  });
  const label = (date: Date) => date.toISOString().slice(0, 7);
  const data = result.data
    ? [
        { month: label(bounds[0]), units: Number(result.data.twoAgo?.units ?? 0) },
        { month: label(bounds[1]), units: Number(result.data.lastMonth?.units ?? 0) },
        { month: label(bounds[2]), units: Number(result.data.thisMonth?.units ?? 0) },
      ]
    : [];
  return (
    <Card withBorder>
      <Text fw={600}>{props.name}</Text>
      {result.error ? <ErrorState error={result.error} /> : null}
      {!result.data && !result.error ? <Loading what="usage" /> : null}
      {result.data ? (
        <div role="img" aria-label={`${props.name} units by month: ${data.map((d) => `${d.month} ${d.units}`).join(', ')}`} style={{ height: 160 }}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="month" fontSize={11} />
              <YAxis fontSize={11} />
              <Tooltip />
              <Bar dataKey="units" fill="#1c7ed6" />
            </BarChart>
          </ResponsiveContainer>
        </div>
      ) : null}
    </Card>
  );
}
