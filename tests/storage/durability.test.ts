/**
 * Every acknowledged write survives kill -9 of the server in the middle of a stream of writes, on SQLite and on
 * PostgreSQL: the server runs as a child process (src/server.ts under tsx, as `npm run dev` runs it), clients record
 * plans and outcomes concurrently, the process is killed with SIGKILL, and a restarted server must return every
 * resource whose creation had been answered 201.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FITS_REQUEST_EXAMPLE } from '../../src/api/fits/examples.js';
import { openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { DATABASE_CASES, freshDatabaseOptions, POSTGRES_URL } from './databases.js';

const ROOT = new URL('../../', import.meta.url);
const WRITE_MS = 1_500;
const CLIENTS = 6;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function startServer(env: Record<string, string>, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_ENABLED: 'false',
      UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      MEMORY_LIMIT_MIB: '4096',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function waitUntilListening(base: string, child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server not listening within 60 s: ${stderr}`);
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

describe.each(DATABASE_CASES)('kill -9 during writes on $dialect', ({ dialect, skip }) => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let token: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    if (skip) return;
    const fresh = freshDatabaseOptions(dialect);
    const database = openDatabase(fresh.options);
    await database.migrate();
    token = (await new Store(database).createKey('durable', 'write')).token;
    await database.close();
    cleanup = fresh.cleanup;
    env =
      dialect === 'sqlite'
        ? { DATA_DIR: fresh.options.dataDir }
        : {
            DATABASE_URL: `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${fresh.options.schema}`)}`,
          };
  });
  afterAll(async () => {
    for (const child of children) await stop(child, 'SIGKILL');
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('keeps every write answered 201', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const first = startServer(env, port);
    children.push(first);
    await waitUntilListening(base, first);
    const created = await fetch(`${base}/v1/profiles`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'durable', runs: FITS_REQUEST_EXAMPLE.runs }),
    });
    expect(created.status).toBe(201);

    const acknowledged: string[] = [];
    let writing = true;
    const client = async (n: number) => {
      for (let i = 0; writing; i++) {
        const outcome = (i + n) % 2 === 0;
        try {
          const response = await fetch(
            outcome ? `${base}/v1/profiles/durable/outcomes` : `${base}/v1/plans`,
            {
              method: 'POST',
              headers,
              body: JSON.stringify(
                outcome
                  ? { model: 'F1', epochs: 1 + i, loss: 2.7 }
                  : {
                      budget: { amount: 10_000 + i, unit: 'tpu_v4_core_hours' },
                      profile: 'durable',
                      record: true,
                    },
              ),
            },
          );
          if (response.status === 201) acknowledged.push(response.headers.get('location') as string);
          else await response.body?.cancel();
        } catch {
          // The connection died with the server: this write was never acknowledged.
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
    await new Promise((resolve) => setTimeout(resolve, WRITE_MS));
    await stop(first, 'SIGKILL');
    writing = false;
    await Promise.all(clients);
    expect(acknowledged.length).toBeGreaterThan(20);

    const second = startServer(env, port);
    children.push(second);
    await waitUntilListening(base, second);
    const missing: string[] = [];
    for (const location of acknowledged) {
      const response = await fetch(`${base}${location}`, { headers });
      if (response.status !== 200) missing.push(`${location}: ${response.status}`);
      await response.body?.cancel();
    }
    expect(missing).toEqual([]);
    console.info(
      `${dialect}: ${acknowledged.length} writes acknowledged before kill -9, all present after restart`,
    );
    await stop(second, 'SIGTERM');
  });
});
