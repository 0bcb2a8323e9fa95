// The meter's recent measurements for one account, one line per numeric field (Recharts).
import { Text } from '@mantine/core';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useMemo } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { isNumeric, type FieldSpec } from '../lib/measurement';
import { ErrorState, Loading } from './States';

const RecentMeasurements = graphql(`
  query RecentMeasurements($filter: MeasurementFilter!) {
    measurements(filter: $filter, first: 100) { nodes { ts data } }
  }
`);

const COLORS = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00'];
const DAY_MS = 86_400_000;

export function UsageChart(props: { meterId: string; accountCode: string; fields: readonly FieldSpec[]; refresh: number }) {
  const numeric = props.fields.filter((field) => isNumeric(field.category));
  const from = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 30 * DAY_MS).toISOString();
  // A new context re-runs the query after a submission; memoized, or every render would.
  const context = useMemo(() => ({ refresh: props.refresh }), [props.refresh]);
  const [result] = useQuery({
    query: RecentMeasurements,
    variables: { filter: { meterId: props.meterId, accountCode: props.accountCode.trim(), from } },
    pause: !props.accountCode.trim(),
    requestPolicy: 'network-only',
    context,
  });
  if (!props.accountCode.trim()) return <Text c="dimmed">Enter an account code to see its last 30 days.</Text>;
  if (result.error) return <ErrorState error={result.error} />;
  if (!result.data) return <Loading what="usage" />;
  const points = result.data.measurements.nodes
    .map((node) => {
      const data = (node.data ?? {}) as Record<string, Record<string, unknown>>;
      const point: Record<string, number | string> = { ts: node.ts.slice(0, 16).replace('T', ' ') };
      for (const field of numeric) {
        const value = data[field.category.toLowerCase()]?.[field.code] ?? data[field.code];
        // Plotting only: a chart needs numbers; bills never see these.
        if (value !== undefined && value !== null) point[field.code] = Number(value);
      }
      return point;
    })
    .sort((a, b) => String(a.ts).localeCompare(String(b.ts)));
  if (points.length === 0) return <Text c="dimmed">No usage for {props.accountCode} in the last 30 days.</Text>;
  return (
    <div role="img" aria-label={`Usage chart: ${points.length} measurements of ${props.accountCode}`} style={{ height: 260 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="ts" fontSize={11} />
          <YAxis fontSize={11} />
          <Tooltip />
          <Legend />
          {numeric.map((field, index) => (
            <Line key={field.code} type="monotone" dataKey={field.code} stroke={COLORS[index % COLORS.length]} dot />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
