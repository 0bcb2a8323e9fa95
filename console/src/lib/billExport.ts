// Downloading one bill as CSV or JSON Lines through the streamed export route
// (GET /exports/bills.{csv|jsonl}). A link cannot carry the bearer token, so the file is
// fetched with it and handed to the browser as a blob.

export type ExportFormat = 'csv' | 'jsonl';

export interface BillRef {
  id: string;
  accountId: string;
  accountCode: string;
  billDate: string; // YYYY-MM-DD
}

// The day after a YYYY-MM-DD date, computed on the calendar (no time zone involved).
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return next.toISOString().slice(0, 10);
}

// The export of this bill's account on its bill date: bill dates in [billDate, next day).
export function billExportUrl(bill: BillRef, format: ExportFormat): string {
  const params = new URLSearchParams({ accountIds: bill.accountId, from: bill.billDate, to: nextDay(bill.billDate) });
  return `/exports/bills.${format}?${params.toString()}`;
}

export function billExportFilename(bill: BillRef, format: ExportFormat): string {
  return `bill-${bill.accountCode}-${bill.billDate}.${format}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

// Fetches the export with the token; the caller saves the blob. Refusals carry the
// server's message ({"message": ...}).
export async function fetchBillExport(
  bill: BillRef,
  format: ExportFormat,
  token: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Blob> {
  const response = await fetchImpl(billExportUrl(bill, format), { headers: { Authorization: `Bearer ${token}` } });
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
  return response.blob();
}

// Hands a blob to the browser as a file download.
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
