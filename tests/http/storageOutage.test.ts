/**
 * The API while its database is unavailable. Oracles: the rules that a request needing the database then gets 503
 * problem+json of type storage-unavailable with Retry-After and no driver detail (RFC 9110 section 15.6.4: 503 is a
 * temporary condition, Retry-After says when to retry), that /readyz says not ready and /healthz stays 200, that
 * planning on the paper laws is unaffected, and that the service recovers by itself once the database answers. The
 * outages are real: a port nobody listens on, a TCP proxy to PostgreSQL cut and restored, a backend terminated with
 * pg_terminate_backend under a request's query, a SQLite file locked by another connection.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PROBLEM_TYPES } from '../../src/api/problem.js';
import { openDatabase } from '../../src/storage/database.js';
import { SQLITE_FILE_NAME } from '../../src/storage/sqliteDatabase.js';
import { Store } from '../../src/storage/store.js';
import { appEnvFor, DATABASE_CASES, freshDatabaseOptions, POSTGRES_URL } from '../storage/databases.js';
import { buildTestApp, expectProblem } from './helpers.js';

const BUDGET = { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' } } as const;
const POSTGRES_SKIPPED = DATABASE_CASES.find((c) => c.dialect === 'postgres')?.skip ?? true;
/** How long the service may take to notice a change of the database's state (its check is cached for 1 s). */
const NOTICE_WITHIN_MS = 10_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverApp(env: Record<string, string>): Promise<FastifyInstance> {
  const app = await buildTestApp({ READINESS_NEEDS_DATABASE: 'true', ...env }, undefined, {
    openStorageAtStart: true,
  });
  cleanups.push(() => app.close());
  await app.ready();
  return app;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A request that needs the database answered 503 storage-unavailable, with Retry-After and nothing of the driver. */
function expectStorageUnavailable(response: LightMyRequestResponse): void {
  const problem = expectProblem(response, 503);
  expect(problem.type).toBe(PROBLEM_TYPES.storageUnavailable);
  expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(response.body).not.toMatch(
    /ECONN|connect|terminat|127\.0\.0\.1|5432|postgres|sqlite|locked|driver/i,
  );
}

/** The stateless and probe routes, as they must answer while the database is down. */
async function expectServesWithoutDatabase(app: FastifyInstance): Promise<void> {
  expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  const paper = await app.inject({ method: 'POST', url: '/v1/plans', payload: BUDGET });
  expect(paper.statusCode, paper.body).toBe(200);
}

async function untilReadiness(app: FastifyInstance, status: number): Promise<LightMyRequestResponse> {
  const deadline = Date.now() + NOTICE_WITHIN_MS;
  for (;;) {
    const response = await app.inject({ url: '/readyz' });
    if (response.statusCode === status || Date.now() > deadline) return response;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

/** A TCP proxy to PostgreSQL on `port`, which the test starts and cuts (every connection dropped, port closed). */
function postgresProxy(port: number) {
  const target = new URL(POSTGRES_URL);
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  return {
    async start() {
      server = createServer((client) => {
        const upstream = tcpConnect(Number(target.port || 5432), target.hostname);
        track(client);
        track(upstream);
        client.pipe(upstream).on('close', () => client.destroy());
        upstream.pipe(client).on('close', () => upstream.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    async cut() {
      const closed = server && once(server, 'close');
      server?.close();
      for (const socket of sockets) socket.destroy();
      await closed;
      server = undefined;
    },
  };
}

describe('while the database is unavailable', () => {
  it('starts, serves the paper laws and the probes, and answers 503 to what needs the database (PostgreSQL refused)', async () => {
    const app = await serverApp({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    await expectServesWithoutDatabase(app);
    const ready = await app.inject({ url: '/readyz' });
    expect(expectProblem(ready, 503).detail).toMatch(/database/);
    // By default a shared database's outage does not unready the pod: it still serves the paper's laws.
    const byDefault = await buildTestApp(
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' },
      undefined,
      {
        openStorageAtStart: true,
      },
    );
    try {
      await expectServesWithoutDatabase(byDefault);
      expect((await byDefault.inject({ url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await byDefault.close();
    }
  });

  it('answers 503 to what needs the database (PostgreSQL refused), naming nothing of the driver', async () => {
    const app = await serverApp({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    const token = `sp_0123456789abcdef_${'A'.repeat(43)}`;
    expectStorageUnavailable(await app.inject({ url: '/v1/profiles', headers: bearer(token) }));
    expectStorageUnavailable(
      await app.inject({
        method: 'POST',
        url: '/v1/plans',
        headers: bearer(token),
        payload: { ...BUDGET, profile: 'vision' },
      }),
    );
    expectStorageUnavailable(
      await app.inject({ url: '/v1/evaluate?model=F3&epochs=2&profile=vision', headers: bearer(token) }),
    );
  });

  it.skipIf(POSTGRES_SKIPPED)(
    'PostgreSQL cut and restored: 503 and not ready while cut, served and ready again once restored',
    async () => {
      const fresh = freshDatabaseOptions('postgres');
      cleanups.push(fresh.cleanup);
      const setup = openDatabase(fresh.options);
      await setup.migrate();
      const token = (await new Store(setup).createKey('vision', 'write')).token;
      await setup.close();

      const port = await freePort();
      const proxy = postgresProxy(port);
      cleanups.push(() => proxy.cut());
      const url = new URL(POSTGRES_URL);
      url.host = `127.0.0.1:${port}`;
      // Down from the start: the server starts anyway.
      const app = await serverApp(appEnvFor({ ...fresh.options, databaseUrl: url.toString() }));
      expectStorageUnavailable(await app.inject({ url: '/v1/profiles', headers: bearer(token) }));
      expect((await untilReadiness(app, 503)).statusCode).toBe(503);
      await expectServesWithoutDatabase(app);

      await proxy.start();
      expect((await untilReadiness(app, 200)).statusCode).toBe(200);
      const listed = await app.inject({ url: '/v1/profiles', headers: bearer(token) });
      expect(listed.statusCode, listed.body).toBe(200);

      // Cut with connections open in the pool.
      await proxy.cut();
      expectStorageUnavailable(await app.inject({ url: '/v1/profiles', headers: bearer(token) }));
      expectStorageUnavailable(
        await app.inject({
          method: 'POST',
          url: '/v1/plans',
          headers: bearer(token),
          payload: { ...BUDGET, record: true },
        }),
      );
      const unready = await untilReadiness(app, 503);
      expect(expectProblem(unready, 503).detail).toMatch(/database/);
      await expectServesWithoutDatabase(app);

      await proxy.start();
      expect((await untilReadiness(app, 200)).statusCode).toBe(200);
      const recorded = await app.inject({
        method: 'POST',
        url: '/v1/plans',
        headers: bearer(token),
        payload: { ...BUDGET, record: true },
      });
      expect(recorded.statusCode, recorded.body).toBe(201);
    },
    60_000,
  );

  it.skipIf(POSTGRES_SKIPPED)(
    'a PostgreSQL backend terminated under a request: that request gets 503, the next is served',
    async () => {
      const fresh = freshDatabaseOptions('postgres');
      cleanups.push(fresh.cleanup);
      const setup = openDatabase(fresh.options);
      await setup.migrate();
      const token = (await new Store(setup).createKey('vision', 'read')).token;
      await setup.close();
      const app = await serverApp(appEnvFor(fresh.options));
      expect((await app.inject({ url: '/v1/profiles', headers: bearer(token) })).statusCode).toBe(200);

      // Another session locks the profiles table, so the request's query waits on it, and is then terminated.
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      cleanups.push(() => admin.end());
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE ${fresh.options.schema}.profiles IN ACCESS EXCLUSIVE MODE`);
      const answer = app.inject({ url: '/v1/profiles', headers: bearer(token) });
      let terminated = 0;
      for (let attempt = 0; terminated === 0 && attempt < 200; attempt++) {
        const { rows } = await admin.query<{ terminated: boolean }>(
          `SELECT pg_terminate_backend(l.pid) AS terminated FROM pg_locks l
            WHERE NOT l.granted AND l.relation = '${fresh.options.schema}.profiles'::regclass`,
        );
        terminated = rows.length;
        if (terminated === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(terminated).toBe(1);
      expectStorageUnavailable(await answer);
      await admin.query('ROLLBACK');
      const next = await app.inject({ url: '/v1/profiles', headers: bearer(token) });
      expect(next.statusCode, next.body).toBe(200);
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    },
    30_000,
  );

  it('a SQLite database locked by another connection past the busy timeout: 503, then served once released', async () => {
    const fresh = freshDatabaseOptions('sqlite');
    cleanups.push(fresh.cleanup);
    const setup = openDatabase(fresh.options);
    await setup.migrate();
    const token = (await new Store(setup).createKey('vision', 'write')).token;
    await setup.close();
    const app = await serverApp(appEnvFor(fresh.options));
    const record = () =>
      app.inject({
        method: 'POST',
        url: '/v1/plans',
        headers: bearer(token),
        payload: { ...BUDGET, record: true },
      });

    const other = new DatabaseSync(`${fresh.options.dataDir}/${SQLITE_FILE_NAME}`);
    cleanups.push(async () => other.close());
    other.exec('BEGIN EXCLUSIVE');
    expectStorageUnavailable(await record());
    other.exec('ROLLBACK');
    const recorded = await record();
    expect(recorded.statusCode, recorded.body).toBe(201);
  }, 30_000);
});
