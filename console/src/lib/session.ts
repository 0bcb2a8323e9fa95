// The signed-in session: a bearer token kept for the tab (sessionStorage, gone when the
// tab closes) and refreshed shortly before it expires. The secret or password used to get
// it stays in memory only, never in storage: after a reload the token still works until
// it expires, and then the console asks to sign in again.

export type Credentials =
  | { kind: 'key'; accessKeyId: string; apiSecret: string }
  | { kind: 'password'; email: string; password: string };

export interface Session {
  token: string;
  expiresAt: number; // epoch milliseconds
}

const STORAGE_KEY = 'metergraph.session';
// Refresh this long before expiry, so a request never carries a token about to lapse.
export const REFRESH_MARGIN_MS = 60_000;
// Said on the sign-in page when the API stops accepting the token (expired, key deactivated):
// without it the console seems to have signed the user out for no reason.
export const SESSION_ENDED = 'Your session has ended (it expired or its access key was deactivated). Sign in again.';

let current: Session | null = readStored();
let remembered: Credentials | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let endReason: string | null = null;
const listeners = new Set<() => void>();

function readStored(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Session;
    return parsed.expiresAt > Date.now() ? parsed : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function publish(session: Session | null): void {
  current = session;
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
  listeners.forEach((listener) => listener());
}

export class SignInError extends Error {}

async function tokenFromKey(accessKeyId: string, apiSecret: string): Promise<Session> {
  const response = await fetch('/oauth/token', {
    method: 'POST',
    headers: {
      Authorization: `Basic ${btoa(`${accessKeyId}:${apiSecret}`)}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new SignInError(String(body.message ?? `sign in failed (${response.status})`));
  return { token: String(body.access_token), expiresAt: Date.now() + Number(body.expires_in) * 1000 };
}

const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token expiresIn userErrors { field message } }
}`;

async function tokenFromPassword(email: string, password: string): Promise<Session> {
  // Plain fetch rather than the GraphQL client: the client needs a session to exist.
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: LOGIN, variables: { email, password } }),
  });
  const body = (await response.json()) as {
    data?: { login: { token: string | null; expiresIn: number | null; userErrors: { message: string }[] } };
    errors?: { message: string }[];
  };
  const login = body.data?.login;
  if (!login?.token) {
    const message = login?.userErrors[0]?.message ?? body.errors?.[0]?.message ?? 'sign in failed';
    throw new SignInError(message);
  }
  return { token: login.token, expiresAt: Date.now() + (login.expiresIn ?? 3600) * 1000 };
}

function obtain(credentials: Credentials): Promise<Session> {
  return credentials.kind === 'key'
    ? tokenFromKey(credentials.accessKeyId, credentials.apiSecret)
    : tokenFromPassword(credentials.email, credentials.password);
}

function scheduleRefresh(session: Session): void {
  clearTimeout(refreshTimer);
  if (!remembered) return;
  const delay = Math.max(session.expiresAt - Date.now() - REFRESH_MARGIN_MS, 0);
  refreshTimer = setTimeout(() => {
    if (!remembered) return;
    obtain(remembered).then(
      (next) => {
        publish(next);
        scheduleRefresh(next);
      },
      () => signOut(SESSION_ENDED),
    );
  }, delay);
}

export async function signIn(credentials: Credentials): Promise<void> {
  const session = await obtain(credentials);
  remembered = credentials;
  endReason = null;
  publish(session);
  scheduleRefresh(session);
}

/** Ends the session; `reason` says why when the user did not ask (see sessionEndReason). */
export function signOut(reason: string | null = null): void {
  clearTimeout(refreshTimer);
  remembered = null;
  endReason = reason;
  publish(null);
}

/** Why the last session ended without the user signing out, or null. */
export function sessionEndReason(): string | null {
  return endReason;
}

export function authHeader(): Record<string, string> {
  const session = current;
  if (!session) return {};
  if (session.expiresAt <= Date.now()) {
    // Expired without a refresh (a reload forgot the credentials): sign in again.
    queueMicrotask(() => signOut(SESSION_ENDED));
    return {};
  }
  return { Authorization: `Bearer ${session.token}` };
}
