import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeClient } from './client';
import { SESSION_ENDED, getSession, sessionEndReason, signIn, signOut } from './session';

afterEach(() => {
  signOut();
  vi.unstubAllGlobals();
});

describe('GraphQL client', () => {
  it('signs out, saying why, when the API no longer accepts the token', async () => {
    const token = new Response(JSON.stringify({ access_token: 't1', token_type: 'Bearer', expires_in: 18000 }), { status: 200 });
    vi.stubGlobal('fetch', vi.fn(async () => token));
    await signIn({ kind: 'key', accessKeyId: 'K', apiSecret: 'S' });
    const refused = { data: null, errors: [{ message: 'invalid token', path: ['me'], extensions: { code: 'UNAUTHENTICATED' } }] };
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(refused), { status: 200, headers: { 'Content-Type': 'application/json' } })));
    await makeClient().query('query Me { me { organizationId } }', {}).toPromise();
    expect(getSession()).toBeNull();
    expect(sessionEndReason()).toBe(SESSION_ENDED);
  });
});
