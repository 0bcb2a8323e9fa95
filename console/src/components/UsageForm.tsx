// "Submit test usage": one input per data field of the meter, sent through the ingest REST
// route; the outcome (stored / duplicate / rejected with its reason) is read back from the
// ingest batch and announced in a status region.
import { Button, Fieldset, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useClient } from 'urql';
import { graphql } from '../gql';
import { postMeasurements } from '../lib/ingest';
import { buildMeasurementBody, isNumeric, outcome, type FieldSpec } from '../lib/measurement';

export const IngestBatchQuery = graphql(`
  query IngestBatch($id: ID!) {
    ingestBatch(id: $id) {
      id
      status
      stored
      duplicates
      rejected
      lastError
      failures(first: 5) { nodes { index reason } }
    }
  }
`);

const POLL_MS = 300;
const POLL_LIMIT = 100; // 30 s: after that, say the batch is still waiting for a worker

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function UsageForm(props: {
  organizationId: string;
  meterCode: string;
  fields: readonly (FieldSpec & { name: string; unit?: string | null })[];
  accountCode: string;
  onAccountCodeChange: (code: string) => void;
  onStored?: () => void;
}) {
  const client = useClient();
  const [timestamp, setTimestamp] = useState(() => new Date().toISOString());
  const [uid, setUid] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string>('');
  const [busy, setBusy] = useState(false);

  const waitForOutcome = async (batchId: string) => {
    for (let attempt = 0; attempt < POLL_LIMIT; attempt++) {
      const answer = await client
        .query(IngestBatchQuery, { id: batchId }, { requestPolicy: 'network-only' })
        .toPromise();
      if (answer.error) return `error: ${answer.error.message}`;
      const batch = answer.data?.ingestBatch;
      const said = batch ? outcome({ ...batch, failures: batch.failures.nodes }) : null;
      if (said) return said;
      await sleep(POLL_MS);
    }
    return 'accepted, still waiting for a worker to process it';
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const built = buildMeasurementBody(
      { meterCode: props.meterCode, accountCode: props.accountCode, timestamp, uid, values },
      props.fields,
    );
    if (!built.ok) {
      setErrors(built.errors);
      setStatus(''); // the last outcome is not this submission's
      return;
    }
    setErrors({});
    setBusy(true);
    setStatus('Sending…');
    try {
      const batchId = await postMeasurements(props.organizationId, built.body);
      setStatus('Accepted; processing…');
      const said = await waitForOutcome(batchId);
      setStatus(`Measurement ${said}`);
      if (said === 'stored') props.onStored?.();
    } catch (failure) {
      setStatus(`Measurement rejected: ${failure instanceof Error ? failure.message : String(failure)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form aria-label="Submit test usage" onSubmit={submit}>
      <Fieldset legend="Submit test usage">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <TextInput
              label="Account code"
              required
              value={props.accountCode}
              error={errors.accountCode}
              onChange={(e) => props.onAccountCodeChange(e.currentTarget.value)}
            />
            <TextInput
              label="Timestamp"
              description="ISO 8601 with Z or an offset, default now"
              value={timestamp}
              error={errors.timestamp}
              onChange={(e) => setTimestamp(e.currentTarget.value)}
            />
            {props.fields.map((field) => (
              <TextInput
                key={field.code}
                label={field.code}
                description={`${field.name} · ${field.category.toLowerCase()}${field.unit ? ` · ${field.unit}` : ''}`}
                inputMode={isNumeric(field.category) ? 'decimal' : 'text'}
                value={values[field.code] ?? ''}
                error={errors[field.code]}
                onChange={(e) => {
                  const text = e.currentTarget.value;
                  setValues((current) => ({ ...current, [field.code]: text }));
                }}
              />
            ))}
            <TextInput
              label="UID"
              description="Optional; the same UID twice is stored once"
              value={uid}
              onChange={(e) => setUid(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Button type="submit" loading={busy} w="fit-content">
            Submit
          </Button>
          <Text role="status" aria-live="polite" fw={500} mih="1.5em">
            {status}
          </Text>
        </Stack>
      </Fieldset>
    </form>
  );
}
