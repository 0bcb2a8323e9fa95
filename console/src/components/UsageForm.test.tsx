import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWith, stubClient } from '../test/render';
import { UsageForm } from './UsageForm';

const FIELDS = [
  { code: 'calls', name: 'Calls', category: 'MEASURE' as const },
  { code: 'region', name: 'Region', category: 'WHO' as const },
];

function setup(batch: Record<string, unknown>) {
  const fetch = vi.fn(async () => new Response(JSON.stringify({ result: 'accepted', batchId: 'b-1' }), { status: 200 }));
  vi.stubGlobal('fetch', fetch);
  let code = 'acme';
  const view = renderWith(
    <UsageForm
      organizationId="org-1"
      meterCode="api_calls"
      fields={FIELDS}
      accountCode={code}
      onAccountCodeChange={(next) => (code = next)}
    />,
    stubClient(() => ({ ingestBatch: { id: 'b-1', lastError: null, ...batch } })),
  );
  return { fetch, view };
}

afterEach(() => vi.unstubAllGlobals());

describe('Submit test usage', () => {
  it('has one input per data field, labelled with its code, plus account code and timestamp', () => {
    setup({ status: 'PENDING', failures: { nodes: [] } });
    const form = screen.getByRole('form', { name: 'Submit test usage' });
    expect(form).toBeInTheDocument();
    for (const name of ['Account code', 'Timestamp', 'calls', 'region']) {
      expect(screen.getByRole('textbox', { name })).toBeInTheDocument();
    }
    expect((screen.getByRole('textbox', { name: 'Timestamp' }) as HTMLInputElement).value).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('posts to the ingest route and announces "stored"', async () => {
    const { fetch } = setup({ status: 'PROCESSED', stored: 1, duplicates: 0, rejected: 0, failures: { nodes: [] } });
    fireEvent.change(screen.getByRole('textbox', { name: 'calls' }), { target: { value: '150' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect(await screen.findByText('Measurement stored')).toHaveAttribute('role', 'status');
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/organizations/org-1/measurements');
    expect(JSON.parse(String(init.body)).measurements[0]).toMatchObject({ meter: 'api_calls', account: 'acme', measure: { calls: 150 } });
  });

  it('shows the reason of a rejection', async () => {
    setup({ status: 'PROCESSED', stored: 0, duplicates: 0, rejected: 1, failures: { nodes: [{ index: 0, reason: 'unknown account acme' }] } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    // The status region first says "Sending…": wait for the outcome itself, not the region.
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/rejected: unknown account acme/));
  });

  it('clears the last outcome when the next submission is refused before sending', async () => {
    const { fetch } = setup({ status: 'PROCESSED', stored: 1, duplicates: 0, rejected: 0, failures: { nodes: [] } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Measurement stored'));
    fireEvent.change(screen.getByRole('textbox', { name: 'calls' }), { target: { value: 'lots' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect(screen.getByText('Enter a number')).toBeInTheDocument();
    expect(screen.getByRole('status')).not.toHaveTextContent('stored');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('refuses a non-number in a measure field without sending anything', () => {
    const { fetch } = setup({ status: 'PENDING', failures: { nodes: [] } });
    fireEvent.change(screen.getByRole('textbox', { name: 'calls' }), { target: { value: 'lots' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect(screen.getByText('Enter a number')).toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalled();
  });
});
