// The bill page's "Download" action: the bill as CSV or JSON Lines from the export route.
import { Alert, Button, Group } from '@mantine/core';
import { useState } from 'react';
import { billExportFilename, fetchBillExport, saveBlob, type BillRef, type ExportFormat } from '../lib/billExport';
import { getSession } from '../lib/session';

export function BillDownload({ bill }: { bill: BillRef }) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const download = async (format: ExportFormat) => {
    const token = getSession()?.token;
    if (!token) {
      setProblem('Sign in again to download.');
      return;
    }
    setBusy(format);
    setProblem(null);
    try {
      saveBlob(await fetchBillExport(bill, format, token), billExportFilename(bill, format));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'Download failed.');
    } finally {
      setBusy(null);
    }
  };
  return (
    <Group gap="xs" role="group" aria-label="Download">
      <Button variant="default" loading={busy === 'csv'} onClick={() => download('csv')}>
        Download CSV
      </Button>
      <Button variant="default" loading={busy === 'jsonl'} onClick={() => download('jsonl')}>
        Download JSON Lines
      </Button>
      {problem ? (
        <Alert color="red" role="alert">
          {problem}
        </Alert>
      ) : null}
    </Group>
  );
}
