// One account: children, account plans (attach, end-date, replace), commitments and their
// drawdown, bills, and a usage chart per aggregation its plans price.
import { Alert, Button, Card, Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { AggregationUsageChart } from '../components/AggregationUsageChart';
import { To } from '../components/Links';
import { PlanSelect } from '../components/PlanSelect';
import { Empty, QueryState } from '../components/States';
import { graphql } from '../gql';
import type { AccountPageQuery as AccountPageResult } from '../gql/graphql';
import { CALENDAR_DATE_HINT, isCalendarDate } from '../lib/dates';
import { describeError } from '../lib/errors';

const AccountPageQuery = graphql(`
  query AccountPage($id: ID!) {
    account(id: $id) {
      id
      code
      name
      emailAddress
      currency
      parent { id code }
      children(first: 100) { nodes { id code name } }
      accountPlans(first: 100) {
        nodes {
          id
          version
          code
          startDate
          endDate
          plan {
            id
            code
            name
            pricings(first: 100) { nodes { aggregation { id name } } }
          }
        }
      }
      commitments(first: 100) {
        nodes { id code currency amount amountSpent startDate endDate }
      }
      bills(first: 20) {
        nodes { id billDate status locked billTotal currency }
      }
    }
  }
`);

const AttachPlan = graphql(`
  mutation AttachPlan($input: CreateAccountPlanInput!) {
    createAccountPlan(input: $input) { accountPlan { id } userErrors { field message } }
  }
`);
const EndPlan = graphql(`
  mutation EndAccountPlan($input: UpdateAccountPlanInput!) {
    updateAccountPlan(input: $input) { accountPlan { id } userErrors { field message } }
  }
`);
const ReplacePlan = graphql(`
  mutation ReplaceAccountPlan($input: ReplaceAccountPlanInput!) {
    replaceAccountPlan(input: $input) { userErrors { field message } }
  }
`);

type Account = NonNullable<AccountPageResult['account']>;

export function AccountPage() {
  const { id = '' } = useParams();
  const [result, refetch] = useQuery({ query: AccountPageQuery, variables: { id } });
  return (
    <QueryState fetching={result.fetching} error={result.error} data={result.data?.account} what="account">
      {(account) => <AccountView account={account} reload={() => refetch({ requestPolicy: 'network-only' })} />}
    </QueryState>
  );
}

function AccountView({ account, reload }: { account: Account; reload: () => void }) {
  const aggregations = new Map<string, string>();
  for (const accountPlan of account.accountPlans.nodes) {
    for (const pricing of accountPlan.plan?.pricings.nodes ?? []) {
      if (pricing.aggregation) aggregations.set(pricing.aggregation.id, pricing.aggregation.name);
    }
  }
  return (
    <Stack>
      <Title order={1}>
        {account.name} ({account.code})
      </Title>
      <Text c="dimmed">
        {account.emailAddress}
        {account.parent ? (
          <>
            {' · child of '}
            <To to={`/accounts/${account.parent.id}`}>{account.parent.code}</To>
          </>
        ) : null}
      </Text>
      <Title order={2}>Account plans</Title>
      <AccountPlans account={account} reload={reload} />
      <Title order={2}>Usage</Title>
      {aggregations.size === 0 ? <Empty>No priced aggregations on this account's plans.</Empty> : null}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {[...aggregations].map(([aggregationId, name]) => (
          <AggregationUsageChart key={aggregationId} accountId={account.id} aggregationId={aggregationId} name={name} />
        ))}
      </SimpleGrid>
      <Title order={2}>Commitments</Title>
      {account.commitments.nodes.length === 0 ? <Empty>No commitments.</Empty> : null}
      {account.commitments.nodes.map((c) => (
        <Text key={c.id}>
          {c.code ?? 'Commitment'}: {c.amount} {c.currency}, spent {c.amountSpent} ({c.startDate} to {c.endDate})
        </Text>
      ))}
      <Title order={2}>Children</Title>
      {account.children.nodes.length === 0 ? <Empty>No child accounts.</Empty> : null}
      {account.children.nodes.map((child) => (
        <To key={child.id} to={`/accounts/${child.id}`}>
          {child.name} ({child.code})
        </To>
      ))}
      <Title order={2}>Bills</Title>
      {account.bills.nodes.length === 0 ? <Empty>No bills yet.</Empty> : null}
      {account.bills.nodes.map((bill) => (
        <Group key={bill.id} gap="xs">
          <To to={`/bills/${bill.id}`}>Bill of {bill.billDate}</To>
          <Text className="money">
            {bill.billTotal} {bill.currency} · {bill.status}
            {bill.locked ? ' · locked' : ''}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

function AccountPlans({ account, reload }: { account: Account; reload: () => void }) {
  const [planId, setPlanId] = useState('');
  const [start, setStart] = useState(new Date().toISOString().slice(0, 10));
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10));
  const [message, setMessage] = useState<string | null>(null);
  const [, attach] = useMutation(AttachPlan);
  const [, end] = useMutation(EndPlan);
  const [, replace] = useMutation(ReplacePlan);

  const [busy, setBusy] = useState(false);
  const [dateError, setDateError] = useState<{ start?: string; date?: string }>({});

  // `day` names the date input the action uses: a day off the calendar is refused next to
  // it, rather than sent and answered with an error about a GraphQL variable.
  const run = async (
    day: 'start' | 'date',
    call: () => Promise<{ error?: Parameters<typeof describeError>[0]; userErrors?: { field: string[]; message: string }[] }>,
  ) => {
    if (!isCalendarDate(day === 'start' ? start : date)) return setDateError({ [day]: CALENDAR_DATE_HINT });
    setDateError({});
    setBusy(true);
    try {
      const { error, userErrors } = await call();
      const problem = describeError(error) ?? userErrors?.map((e) => `${e.field.slice(1).join('.')}: ${e.message}`).join('; ');
      setMessage(problem || null);
      if (!problem) reload();
    } finally {
      setBusy(false);
    }
  };
  const midnight = (day: string) => `${day.trim()}T00:00:00Z`;

  return (
    <Stack gap="xs">
      {message ? (
        <Alert color="red" role="alert">
          {message}
        </Alert>
      ) : null}
      {account.accountPlans.nodes.length === 0 ? <Empty>No plans attached.</Empty> : null}
      {account.accountPlans.nodes.length ? (
        <Table aria-label="Account plans" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Plan</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th>Actions on the date below</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {account.accountPlans.nodes.map((ap) => (
              <Table.Tr key={ap.id}>
                <Table.Td>{ap.plan ? `${ap.plan.name} (${ap.plan.code})` : 'deleted plan'}</Table.Td>
                <Table.Td>{ap.startDate.slice(0, 10)}</Table.Td>
                <Table.Td>{ap.endDate?.slice(0, 10) ?? 'open'}</Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button
                      size="xs"
                      variant="light"
                      disabled={busy}
                      onClick={() =>
                        run('date', async () => {
                          const r = await end({ input: { id: ap.id, version: ap.version, endDate: midnight(date) } });
                          return { error: r.error, userErrors: r.data?.updateAccountPlan.userErrors };
                        })
                      }
                    >
                      End on {date}
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      disabled={!planId || busy}
                      onClick={() =>
                        run('date', async () => {
                          const input = { accountPlanId: ap.id, version: ap.version, date: midnight(date), planId };
                          const r = await replace({ input });
                          return { error: r.error, userErrors: r.data?.replaceAccountPlan.userErrors };
                        })
                      }
                    >
                      Replace with chosen plan
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 4 }}>
          <PlanSelect label="Plan to attach or replace with" value={planId} onChange={setPlanId} />
          <TextInput label="Start date" description="YYYY-MM-DD" value={start} error={dateError.start} onChange={(e) => setStart(e.currentTarget.value)} />
          <TextInput label="End or replace date" description="YYYY-MM-DD" value={date} error={dateError.date} onChange={(e) => setDate(e.currentTarget.value)} />
          <Button
            mt="lg"
            disabled={!planId}
            loading={busy}
            onClick={() =>
              run('start', async () => {
                const r = await attach({ input: { accountId: account.id, planId, startDate: midnight(start) } });
                return { error: r.error, userErrors: r.data?.createAccountPlan.userErrors };
              })
            }
          >
            Attach plan
          </Button>
        </SimpleGrid>
      </Card>
    </Stack>
  );
}
