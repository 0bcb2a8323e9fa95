// Run bills: create a bill job, then follow it live over graphql-ws (billJobProgress) until
// it completes, and link to its bills.
import { Alert, Button, Card, Group, List, NativeSelect, Progress, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useRef, useState } from 'react';
import { useClient, useMutation, useQuery, useSubscription } from 'urql';
import { To } from '../components/Links';
import { ErrorState } from '../components/States';
import { graphql } from '../gql';
import { describeError, errorsByPath } from '../lib/errors';
import { checkRunBills, parseCodes, percentDone } from '../lib/runBills';

const AccountIds = graphql(`
  query AccountIdsByCode($codes: [String!]!) {
    accounts(first: 100, filter: { codes: $codes }) { nodes { id code } }
  }
`);
const CreateBillJob = graphql(`
  mutation CreateBillJob($input: CreateBillJobInput!) {
    createBillJob(input: $input) { billJob { id } userErrors { field code message } }
  }
`);
const Progress$ = graphql(`
  subscription BillJobProgress($id: ID!) {
    billJobProgress(id: $id) { id status total pending failed failureReason failures { accountId reason } }
  }
`);
const JobBills = graphql(`
  query JobBills($id: ID!) {
    billJob(id: $id) { id bills(first: 100) { nodes { id accountCode billTotal currency } } }
  }
`);

const TERMINAL = new Set(['COMPLETE', 'CANCELLED', 'FAILED']);

function lastDayOfLastMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).toISOString().slice(0, 10);
}

export function RunBills() {
  const client = useClient();
  const [frequency, setFrequency] = useState('MONTHLY');
  const [periodEnd, setPeriodEnd] = useState(lastDayOfLastMonth);
  const [accountCodes, setAccountCodes] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [jobId, setJobId] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const running = useRef(false);
  const [, create] = useMutation(CreateBillJob);

  const run = async () => {
    const found = checkRunBills({ frequency, periodEnd, accountCodes });
    const codes = parseCodes(accountCodes);
    let accountIds: string[] | null = null;
    if (codes.length && !Object.keys(found).length) {
      const answer = await client.query(AccountIds, { codes }, { requestPolicy: 'network-only' }).toPromise();
      if (answer.error) return setProblem(describeError(answer.error));
      const known = new Map((answer.data?.accounts.nodes ?? []).map((a) => [a.code, a.id]));
      const missing = codes.filter((code) => !known.has(code));
      if (missing.length) found.accountCodes = `No account with code ${missing.join(', ')}`;
      accountIds = codes.map((code) => known.get(code)!);
    }
    setErrors(found);
    if (Object.keys(found).length) return;
    const input = {
      billingFrequency: frequency as 'MONTHLY',
      lastDateInBillingPeriod: periodEnd.trim(),
      accountIds,
    };
    const outcome = await create({ input });
    const payload = outcome.data?.createBillJob;
    const byPath = errorsByPath(payload?.userErrors);
    const placed = (path: string) => path === 'billingFrequency' || path === 'lastDateInBillingPeriod' || path.startsWith('accountIds');
    setErrors({
      frequency: byPath.billingFrequency,
      periodEnd: byPath.lastDateInBillingPeriod,
      accountCodes: byPath.accountIds ?? Object.entries(byPath).find(([p]) => p.startsWith('accountIds'))?.[1],
    } as Record<string, string>);
    // A userError naming no input of this form still says why no job was made.
    const unplaced = Object.entries(byPath).filter(([path]) => !placed(path));
    setProblem(describeError(outcome.error) ?? (unplaced.map(([path, message]) => `${path || 'input'}: ${message}`).join('; ') || null));
    if (payload?.billJob) setJobId(payload.billJob.id);
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    // One job per click: the account lookup runs before createBillJob, and a second click
    // meanwhile would make a second job.
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setProblem(null);
    try {
      await run();
    } finally {
      running.current = false;
      setBusy(false);
    }
  };

  return (
    <Stack>
      <Title order={1}>Run bills</Title>
      <form aria-label="Run bills" onSubmit={submit}>
        <Card withBorder>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NativeSelect
              label="Bill frequency"
              value={frequency}
              error={errors.frequency}
              data={['MONTHLY', 'WEEKLY', 'DAILY', 'ANNUALLY']}
              onChange={(e) => setFrequency(e.currentTarget.value)}
            />
            <TextInput
              label="Billing period end"
              description="YYYY-MM-DD, the last day of the period"
              value={periodEnd}
              error={errors.periodEnd}
              onChange={(e) => setPeriodEnd(e.currentTarget.value)}
            />
            <TextInput
              label="Account codes"
              description="Comma-separated; empty means all accounts"
              value={accountCodes}
              error={errors.accountCodes}
              onChange={(e) => setAccountCodes(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Group mt="md">
            <Button type="submit" loading={busy}>
              Run bills
            </Button>
          </Group>
        </Card>
      </form>
      <ErrorState message={problem} />
      {jobId ? <JobProgress key={jobId} id={jobId} /> : null}
    </Stack>
  );
}

export function JobProgress({ id }: { id: string }) {
  const [progress] = useSubscription({ query: Progress$, variables: { id } });
  const job = progress.data?.billJobProgress;
  const done = job ? TERMINAL.has(job.status) : false;
  const [bills] = useQuery({ query: JobBills, variables: { id }, pause: job?.status !== 'COMPLETE', requestPolicy: 'network-only' });
  const percent = job ? (done ? 100 : percentDone(job.total, job.pending)) : 0;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={2} size="h4">
          Bill job
        </Title>
        <ErrorState error={progress.error} />
        <Progress
          value={percent}
          size="lg"
          animated={!done}
          color={job?.status === 'FAILED' || (job?.failed ?? 0) > 0 ? 'orange' : 'blue'}
          aria-label="Bill job progress"
        />
        <Text role="status" aria-live="polite" fw={600}>
          {job ? job.status : 'Starting…'}
        </Text>
        {job ? (
          <Text size="sm">
            {job.total} account{job.total === 1 ? '' : 's'} · {job.pending} pending · {job.failed} failed
          </Text>
        ) : null}
        {job?.failureReason ? <Alert color="red">{job.failureReason}</Alert> : null}
        {job?.failures.length ? (
          <List size="sm">
            {job.failures.map((failure) => (
              <List.Item key={failure.accountId}>
                <To to={`/accounts/${failure.accountId}`}>Account</To>: {failure.reason}
              </List.Item>
            ))}
          </List>
        ) : null}
        <ErrorState error={bills.error} />
        {bills.data?.billJob?.bills.nodes.length ? (
          <List>
            {bills.data.billJob.bills.nodes.map((bill) => (
              <List.Item key={bill.id}>
                {bill.accountCode}: <span className="money">{bill.billTotal} {bill.currency}</span> —{' '}
                <To to={`/bills/${bill.id}`}>View bill</To>
              </List.Item>
            ))}
          </List>
        ) : job?.status === 'COMPLETE' && bills.data ? (
          <Text c="dimmed">The job made no bills (nothing was due for these accounts and period).</Text>
        ) : null}
        {done ? <To to="/bills">All bills</To> : null}
      </Stack>
    </Card>
  );
}
