// The ingest REST route (CONTRACT §2): test usage goes through the same door as production
// usage, so the console shows what a real client would get.
import { authHeader } from './session';

export async function postMeasurements(organizationId: string, body: string): Promise<string> {
  const response = await fetch(`/organizations/${organizationId}/measurements`, {
    method: 'POST',
    headers: { ...authHeader(), 'Content-Type': 'application/json' },
    body,
  });
  const answer = (await response.json().catch(() => ({}))) as { batchId?: string; message?: string };
  if (!response.ok || !answer.batchId) {
    throw new Error(answer.message ?? `the ingest API answered ${response.status}`);
  }
  return answer.batchId;
}
