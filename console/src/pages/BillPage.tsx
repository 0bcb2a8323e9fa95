// One bill: header, line items with the per-band breakdown, the total, and actions.
import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { BillDownload } from '../components/BillDownload';
import { BillStatement } from '../components/BillStatement';
import { To } from '../components/Links';
import { HorizontalScroll } from '../components/Scroll';
import { QueryState } from '../components/States';
import { graphql } from '../gql';
import type { BillPageQuery as BillPageResult } from '../gql/graphql';
import { describeError } from '../lib/errors';

const BillPageQuery = graphql(`
  query BillPage($id: ID!) {
    bill(id: $id) {
      id
      version
      accountId
      accountCode
      billDate
      dueDate
      startDate
      endDate
      billingFrequency
      currency
      status
      locked
      billTotal
      billJobId
      lastCalculatedDate
      lastDateInBillingPeriod
      jsonStatementGenerated
      csvStatementGenerated
      statementStale
      lineItems(first: 100) {
        totalCount
        nodes {
          id
          lineItemType
          description
          quantity
          units
          unit
          subtotal
          currency
          convertedSubtotal
          averageUnitPrice
          servicePeriodStartDate
          servicePeriodEndDate
          usagePerPricingBand { lowerLimit unitPrice fixedPrice bandUnits bandSubtotal }
        }
      }
    }
  }
`);
const Approve = graphql(`
  mutation ApproveBill($ids: [ID!]!) {
    approveBills(input: { billIds: $ids }) { bills { id status version } userErrors { field message } }
  }
`);
const Lock = graphql(`
  mutation LockBill($id: ID!, $version: Int!) {
    lockBill(input: { id: $id, version: $version }) { bill { id locked version } userErrors { field message } }
  }
`);
const Recalculate = graphql(`
  mutation RecalculateBill($ids: [ID!]!) {
    recalculateBills(input: { billIds: $ids }) { billJob { id } userErrors { field message } }
  }
`);

type Bill = NonNullable<BillPageResult['bill']>;

export function BillPage() {
  const { id = '' } = useParams();
  const [result, refetch] = useQuery({ query: BillPageQuery, variables: { id } });
  return (
    <QueryState fetching={result.fetching} error={result.error} data={result.data?.bill} what="bill">
      {(bill) => <BillView bill={bill} reload={() => refetch({ requestPolicy: 'network-only' })} />}
    </QueryState>
  );
}

function BillView({ bill, reload }: { bill: Bill; reload: () => void }) {
  return (
    <Stack>
      <Group justify="space-between" align="start">
        <Title order={1}>Bill for {bill.accountCode}</Title>
        <Group gap="xs">
          <Badge variant="outline" color={bill.status === 'APPROVED' ? 'teal.9' : 'dark'}>
            {bill.status}
          </Badge>
          {bill.locked ? <Badge color="dark">LOCKED</Badge> : null}
        </Group>
      </Group>
      <Card withBorder>
        <SimpleGrid cols={{ base: 2, sm: 4 }} component="dl" spacing="xs" m={0}>
          <Field term="Account">
            <To to={`/accounts/${bill.accountId}`}>{bill.accountCode}</To>
          </Field>
          <Field term="Period">
            {bill.startDate} to {bill.lastDateInBillingPeriod}
          </Field>
          <Field term="Bill date">{bill.billDate}</Field>
          <Field term="Due">{bill.dueDate}</Field>
          <Field term="Frequency">{bill.billingFrequency}</Field>
          <Field term="Currency">{bill.currency}</Field>
          <Field term="Bill total" id="bill-total">
            <span className="money" style={{ fontSize: '1.25rem', fontWeight: 700 }}>
              {bill.billTotal}
            </span>{' '}
            {bill.currency}
          </Field>
        </SimpleGrid>
      </Card>
      <Actions bill={bill} reload={reload} />
      <BillDownload bill={bill} />
      <BillStatement bill={bill} reload={reload} />
      <Title order={2}>Line items</Title>
      <LineItems bill={bill} />
    </Stack>
  );
}

function Field({ term, id, children }: { term: string; id?: string; children: React.ReactNode }) {
  return (
    <div>
      <Text component="dt" size="xs" c="dimmed" id={id ? `${id}-label` : undefined}>
        {term}
      </Text>
      <Text component="dd" m={0} aria-labelledby={id ? `${id}-label` : undefined}>
        {children}
      </Text>
    </div>
  );
}

function Actions({ bill, reload }: { bill: Bill; reload: () => void }) {
  const [message, setMessage] = useState<{ ok: boolean; text: React.ReactNode } | null>(null);
  const [approving, approve] = useMutation(Approve);
  const [locking, lock] = useMutation(Lock);
  const [recalculating, recalculate] = useMutation(Recalculate);
  const report = (error: Parameters<typeof describeError>[0], userErrors: { message: string }[] | undefined, ok: React.ReactNode) => {
    const problem = describeError(error) ?? userErrors?.map((e) => e.message).join('; ');
    setMessage(problem ? { ok: false, text: problem } : { ok: true, text: ok });
    if (!problem) reload();
  };
  return (
    <Stack gap="xs">
      <Group>
        <Button
          onClick={async () => {
            const r = await approve({ ids: [bill.id] });
            report(r.error, r.data?.approveBills.userErrors, 'Approved.');
          }}
          loading={approving.fetching}
          disabled={bill.status === 'APPROVED'}
        >
          Approve
        </Button>
        <Button
          variant="default"
          onClick={async () => {
            const r = await lock({ id: bill.id, version: bill.version });
            report(r.error, r.data?.lockBill.userErrors, 'Locked.');
          }}
          loading={locking.fetching}
          disabled={bill.locked}
        >
          Lock
        </Button>
        <Button
          variant="default"
          onClick={async () => {
            const r = await recalculate({ ids: [bill.id] });
            const job = r.data?.recalculateBills.billJob;
            report(r.error, r.data?.recalculateBills.userErrors, job ? (
              <>
                Recalculating in a bill job; see <To to="/bill-jobs">Bill jobs</To>, then reload this page.
              </>
            ) : 'Recalculation requested.');
          }}
          loading={recalculating.fetching}
          disabled={bill.locked}
        >
          Recalculate
        </Button>
      </Group>
      {message ? (
        <Alert color={message.ok ? 'green' : 'red'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </Alert>
      ) : null}
    </Stack>
  );
}

function LineItems({ bill }: { bill: Bill }) {
  const items = bill.lineItems.nodes;
  if (!items.length) return <Text c="dimmed">This bill has no line items.</Text>;
  return (
    <HorizontalScroll label="Line items (scrolls sideways)">
      <Table aria-label="Line items" withTableBorder striped miw={720}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Type</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th>Service period (end exclusive)</Table.Th>
            <Table.Th>Quantity</Table.Th>
            <Table.Th>Units</Table.Th>
            <Table.Th>By band</Table.Th>
            <Table.Th ta="right">Subtotal</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>{item.lineItemType}</Table.Td>
              <Table.Td>{item.description}</Table.Td>
              <Table.Td>
                {item.servicePeriodStartDate?.slice(0, 10)} – {item.servicePeriodEndDate?.slice(0, 10)}
              </Table.Td>
              <Table.Td>{item.quantity ?? ''}</Table.Td>
              <Table.Td>
                {item.units ?? ''} {item.unit ?? ''}
              </Table.Td>
              <Table.Td>
                {item.usagePerPricingBand.map((band, index) => (
                  <Text key={index} size="xs">
                    from {band.lowerLimit}: {band.bandUnits} × {band.unitPrice}
                    {band.fixedPrice !== '0' ? ` + ${band.fixedPrice}` : ''} = {band.bandSubtotal}
                  </Text>
                ))}
              </Table.Td>
              <Table.Td ta="right" className="money">
                {item.convertedSubtotal} {bill.currency}
                {item.currency !== bill.currency ? (
                  <Text size="xs" c="dimmed">
                    ({item.subtotal} {item.currency})
                  </Text>
                ) : null}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </HorizontalScroll>
  );
}
