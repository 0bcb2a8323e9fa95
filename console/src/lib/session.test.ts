import { afterEach, describe, expect, it, vi } from 'vitest';
import { REFRESH_MARGIN_MS, SESSION_ENDED, authHeader, getSession, sessionEndReason, signIn, signOut } from './session';

function tokenResponse(token: string, expiresIn: number) {
  return new Response(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: expiresIn }), { status: 200 });
}

afterEach(() => {
  signOut();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('session', () => {
  it('keeps the token for the tab and sends it as a bearer header', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => tokenResponse('t1', 18000)));
    await signIn({ kind: 'key', accessKeyId: 'K', apiSecret: 'S' });
    expect(authHeader()).toEqual({ Authorization: 'Bearer t1' });
    expect(JSON.parse(sessionStorage.getItem('metergraph.session')!).token).toBe('t1');
    // The secret is never stored.
    expect(JSON.stringify(sessionStorage)).not.toContain('S"');
  });

  it('refreshes the token before it expires', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn().mockResolvedValueOnce(tokenResponse('t1', 120)).mockResolvedValueOnce(tokenResponse('t2', 120));
    vi.stubGlobal('fetch', fetch);
    await signIn({ kind: 'key', accessKeyId: 'K', apiSecret: 'S' });
    await vi.advanceTimersByTimeAsync(120_000 - REFRESH_MARGIN_MS - 1_000);
    expect(getSession()?.token).toBe('t1');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(getSession()?.token).toBe('t2');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('forgets the token on sign out', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => tokenResponse('t1', 18000)));
    await signIn({ kind: 'key', accessKeyId: 'K', apiSecret: 'S' });
    signOut();
    expect(getSession()).toBeNull();
    expect(sessionStorage.getItem('metergraph.session')).toBeNull();
    expect(authHeader()).toEqual({});
  });

  it('reports a refused sign-in with the API message', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ message: 'invalid client credentials' }), { status: 401 })));
    await expect(signIn({ kind: 'key', accessKeyId: 'K', apiSecret: 'bad' })).rejects.toThrow('invalid client credentials');
    expect(getSession()).toBeNull();
  });

  it('remembers why a session ended that the user did not end, until the next sign in', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => tokenResponse('t1', 18000)));
    await signIn({ kind: 'key', accessKeyId: 'K', apiSecret: 'S' });
    signOut(SESSION_ENDED);
    expect(sessionEndReason()).toBe(SESSION_ENDED);
    await signIn({ kind: 'key', accessKeyId: 'K', apiSecret: 'S' });
    expect(sessionEndReason()).toBeNull();
    signOut();
    expect(sessionEndReason()).toBeNull();
  });
});
