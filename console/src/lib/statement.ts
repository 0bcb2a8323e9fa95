// A bill's usage statement (SEMANTICS §12.2) from GET /bills/{id}/statement.{json|csv}.
// A link cannot carry the bearer token, so the file is fetched with it and saved as a blob.

export type StatementFormat = 'json' | 'csv';

export interface StatementRef {
  id: string;
  accountCode: string;
  billDate: string; // YYYY-MM-DD
}

export function statementUrl(bill: StatementRef, format: StatementFormat): string {
  return `/bills/${encodeURIComponent(bill.id)}/statement.${format}`;
}

export function statementFilename(bill: StatementRef, format: StatementFormat): string {
  return `statement-${bill.accountCode}-${bill.billDate}.${format}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

// The statement and whether the bill changed since it was generated (X-Statement-Stale).
// Refusals carry the server's message ({"message": ...}); 404 means never generated.
export async function fetchStatement(
  bill: StatementRef,
  format: StatementFormat,
  token: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ blob: Blob; stale: boolean }> {
  const response = await fetchImpl(statementUrl(bill, format), { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    let message = `Download failed (${response.status}).`;
    try {
      const body = (await response.json()) as { message?: string };
      if (body.message) message = body.message;
    } catch {
      // not JSON: keep the status
    }
    throw new Error(message);
  }
  return { blob: await response.blob(), stale: response.headers.get('X-Statement-Stale') === 'true' };
}
