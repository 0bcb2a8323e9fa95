// The bill page's "Statement" actions: download the stored JSON or CSV usage statement
// (fetched with the session's token) and generate it now (generateBillStatement).
import { Alert, Badge, Button, Group, Stack } from '@mantine/core';
import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { describeError } from '../lib/errors';
import { saveBlob } from '../lib/billExport';
import { getSession } from '../lib/session';
import { fetchStatement, statementFilename, type StatementFormat, type StatementRef } from '../lib/statement';

const Generate = graphql(`
  mutation GenerateBillStatement($id: ID!) {
    generateBillStatement(input: { billId: $id }) {
      bill { id jsonStatementGenerated csvStatementGenerated statementStale }
      userErrors { field message }
    }
  }
`);

export interface StatementBill extends StatementRef {
  jsonStatementGenerated: boolean;
  csvStatementGenerated: boolean;
  statementStale: boolean;
}

export function BillStatement({ bill, reload }: { bill: StatementBill; reload: () => void }) {
  const [busy, setBusy] = useState<StatementFormat | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [generating, generate] = useMutation(Generate);
  const download = async (format: StatementFormat) => {
    const token = getSession()?.token;
    if (!token) {
      setMessage({ ok: false, text: 'Sign in again to download.' });
      return;
    }
    setBusy(format);
    setMessage(null);
    try {
      const { blob } = await fetchStatement(bill, format, token);
      saveBlob(blob, statementFilename(bill, format));
    } catch (error) {
      setMessage({ ok: false, text: error instanceof Error ? error.message : 'Download failed.' });
    } finally {
      setBusy(null);
    }
  };
  const onGenerate = async () => {
    const r = await generate({ id: bill.id });
    const problem = describeError(r.error) ?? r.data?.generateBillStatement.userErrors.map((e) => e.message).join('; ');
    setMessage(problem ? { ok: false, text: problem } : { ok: true, text: 'Statement generated.' });
    if (!problem) reload();
  };
  return (
    <Stack gap="xs">
      <Group gap="xs" role="group" aria-label="Statement">
        <Button variant="default" loading={busy === 'json'} disabled={!bill.jsonStatementGenerated} onClick={() => download('json')}>
          Statement JSON
        </Button>
        <Button variant="default" loading={busy === 'csv'} disabled={!bill.csvStatementGenerated} onClick={() => download('csv')}>
          Statement CSV
        </Button>
        <Button variant="default" loading={generating.fetching} onClick={onGenerate}>
          Generate statement
        </Button>
        {bill.statementStale ? <Badge color="orange">Statement out of date</Badge> : null}
      </Group>
      {message ? (
        <Alert color={message.ok ? 'green' : 'red'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </Alert>
      ) : null}
    </Stack>
  );
}
