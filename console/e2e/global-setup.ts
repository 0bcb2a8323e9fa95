// Starts the command a newcomer runs, `metergraph dev`, on a free port with a fresh data
// directory and embedded PostgreSQL and Redis (the URLs are removed from its environment,
// so nothing is shared with other runs), reads the printed credentials, and stops it all
// (Ctrl-C, as a user would) when the tests end.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const CREDENTIALS = 'Administrator credentials (shown once, keep them): ';
const READY = 'Ctrl-C stops everything.';
const START_TIMEOUT_MS = 120_000;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function metergraph(): string {
  const venv = join(repo, '.venv', 'bin', 'metergraph');
  return process.env.METERGRAPH_BIN ?? (existsSync(venv) ? venv : 'metergraph');
}

function checkBuilt(): void {
  const index = join(repo, 'app', 'http', 'static', 'console', 'index.html');
  if (!existsSync(index)) throw new Error('The console is not built: run `make console` (or `npm run build`) first.');
  const source = statSync(join(here, '..', 'src')).mtimeMs;
  if (statSync(index).mtimeMs < source - 1) console.warn('warning: the console build may be older than src/');
}

function waitForBanner(child: ChildProcess, log: string[]): Promise<Record<string, string>> {
  return new Promise((done, fail) => {
    let credentials: Record<string, string> | null = null;
    const timer = setTimeout(() => fail(new Error(`metergraph dev did not start:\n${log.join('')}`)), START_TIMEOUT_MS);
    const read = (chunk: Buffer) => {
      const text = chunk.toString();
      log.push(text);
      for (const line of text.split('\n')) {
        if (line.startsWith(CREDENTIALS)) credentials = JSON.parse(line.slice(CREDENTIALS.length));
        if (line.startsWith(READY) && credentials) {
          clearTimeout(timer);
          done(credentials);
        }
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`metergraph dev exited (${code}) before it was ready:\n${log.join('')}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done();
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGINT');
  });
}

export default async function globalSetup() {
  checkBuilt();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'metergraph-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.PORT;
  const child = spawn(metergraph(), ['dev', '--port', String(port), '--data-dir', dataDir], {
    cwd: repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  try {
    const credentials = await waitForBanner(child, log);
    process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;
    process.env.E2E_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.E2E_API_SECRET = credentials.apiSecret;
  } catch (error) {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
