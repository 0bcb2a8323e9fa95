import { Card, Grid, List, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useQuery } from 'urql';
import { To } from '../components/Links';
import { QueryState } from '../components/States';
import { UsageChart } from '../components/UsageChart';
import { UsageForm } from '../components/UsageForm';
import { graphql } from '../gql';
import type { MeterPageQuery as MeterPageResult } from '../gql/graphql';

const MeterPageQuery = graphql(`
  query MeterPage($id: ID!) {
    me { organizationId }
    meter(id: $id) {
      id
      code
      name
      productId
      dataFields { code name category unit }
      derivedFields { code name category unit calculation }
      aggregations(first: 100) { nodes { id code name aggregation targetField quantityPerUnit rounding unit } }
    }
  }
`);

type Meter = NonNullable<MeterPageResult['meter']>;

export function MeterPage() {
  const { id = '' } = useParams();
  const [result] = useQuery({ query: MeterPageQuery, variables: { id } });
  return (
    <QueryState fetching={result.fetching} error={result.error} data={result.data?.meter} what="meter">
      {(meter) => <Meter meter={meter} organizationId={result.data!.me.organizationId} />}
    </QueryState>
  );
}

function Meter({ meter, organizationId }: { meter: Meter; organizationId: string }) {
  const [accountCode, setAccountCode] = useState('');
  const [refresh, setRefresh] = useState(0);
  return (
    <Stack>
      <Title order={1}>{meter.name}</Title>
      <Text c="dimmed">
        Code {meter.code}
        {meter.productId ? (
          <>
            {' · '}
            <To to={`/products/${meter.productId}`}>its product</To>
          </>
        ) : null}
      </Text>
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <UsageForm
            organizationId={organizationId}
            meterCode={meter.code}
            fields={meter.dataFields}
            accountCode={accountCode}
            onAccountCodeChange={setAccountCode}
            onStored={() => setRefresh((n) => n + 1)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              Recent usage{accountCode ? ` of ${accountCode}` : ''}
            </Title>
            <UsageChart meterId={meter.id} accountCode={accountCode} fields={meter.dataFields} refresh={refresh} />
          </Card>
        </Grid.Col>
      </Grid>
      <Title order={2}>Fields</Title>
      <Table aria-label="Fields" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Code</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Category</Table.Th>
            <Table.Th>Unit or calculation</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {meter.dataFields.map((field) => (
            <Table.Tr key={field.code}>
              <Table.Td>{field.code}</Table.Td>
              <Table.Td>{field.name}</Table.Td>
              <Table.Td>{field.category}</Table.Td>
              <Table.Td>{field.unit ?? ''}</Table.Td>
            </Table.Tr>
          ))}
          {meter.derivedFields.map((field) => (
            <Table.Tr key={field.code}>
              <Table.Td>{field.code}</Table.Td>
              <Table.Td>{field.name} (derived)</Table.Td>
              <Table.Td>{field.category}</Table.Td>
              <Table.Td>{field.calculation}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={2}>Aggregations</Title>
      {meter.aggregations.nodes.length === 0 ? <Text c="dimmed">No aggregations.</Text> : null}
      <List>
        {meter.aggregations.nodes.map((agg) => (
          <List.Item key={agg.id}>
            {agg.name} ({agg.code}): {agg.aggregation} of {agg.targetField}, {agg.quantityPerUnit} per unit, rounding{' '}
            {agg.rounding}
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}
