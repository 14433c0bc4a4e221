/**
 * Two app instances, each with its own connections, on one database: a write through one is read through the other
 * at once (no cache serves a stale version: plans resolve the latest version number on every request), and of two
 * updates from the same version sent to different instances exactly one wins.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FITS_REQUEST_EXAMPLE } from '../../src/api/fits/examples.js';
import { openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { buildTestApp } from '../http/helpers.js';
import { DATABASE_CASES, freshDatabase } from './databases.js';

const RUNS = FITS_REQUEST_EXAMPLE.runs;
const BUDGET = { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' } } as const;

describe.each(DATABASE_CASES)('two instances on one $dialect database', ({ dialect, skip }) => {
  let one: FastifyInstance;
  let two: FastifyInstance;
  let stores: Store[];
  let cleanup: () => Promise<void>;
  let authorization: string;

  beforeAll(async () => {
    if (skip) return;
    const fresh = await freshDatabase(dialect);
    // A second, independent connection (pool) to the same database.
    const second = openDatabase(fresh.options);
    stores = [new Store(fresh.database), new Store(second)];
    cleanup = async () => {
      await second.close();
      await fresh.cleanup();
    };
    one = await buildTestApp({ WORKER_QUEUE_LIMIT: '8' }, undefined, { store: stores[0] as Store });
    two = await buildTestApp({ WORKER_QUEUE_LIMIT: '8' }, undefined, { store: stores[1] as Store });
    authorization = `Bearer ${(await stores[0]?.createKey('shared', 'admin'))?.token}`;
  });
  afterAll(async () => {
    if (skip) return;
    await Promise.all([one.close(), two.close()]);
    await cleanup();
  });

  const call = (
    app: FastifyInstance,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    headers = {},
  ) => app.inject({ method, url, headers: { authorization, ...headers }, ...(payload ? { payload } : {}) });

  it.skipIf(skip)("sees the other instance's writes at once", async () => {
    expect((await call(one, 'POST', '/v1/profiles', { name: 'shared', runs: RUNS })).statusCode).toBe(201);
    const read = await call(two, 'GET', '/v1/profiles/shared');
    expect(read.statusCode).toBe(200);
    // Instance two plans against version 1 (and caches it)...
    expect(
      (await call(two, 'POST', '/v1/plans', { ...BUDGET, profile: 'shared' })).json().provenance.profile
        .version,
    ).toBe(1);
    // ...one updates; two's next plan uses version 2 at once.
    const updated = await call(
      one,
      'PUT',
      '/v1/profiles/shared',
      { runs: RUNS.slice(0, 9) },
      { 'if-match': read.headers.etag },
    );
    expect(updated.statusCode, updated.body).toBe(200);
    const plan = (await call(two, 'POST', '/v1/plans', { ...BUDGET, profile: 'shared' })).json();
    expect(plan.provenance.profile.version).toBe(2);
    expect(plan.provenance.lossLawId).toBe(updated.json().fit.law.id);
    const outcome = await call(two, 'POST', '/v1/profiles/shared/outcomes', {
      model: 'F1',
      epochs: 1,
      loss: 2.7,
    });
    expect((await call(one, 'GET', outcome.headers.location as string)).statusCode).toBe(200);
    expect((await call(one, 'DELETE', '/v1/profiles/shared')).statusCode).toBe(200);
    expect((await call(two, 'GET', '/v1/profiles/shared')).statusCode).toBe(404);
    expect((await call(two, 'POST', '/v1/plans', { ...BUDGET, profile: 'shared' })).statusCode).toBe(404);
  });

  it.skipIf(skip)("lets exactly one of two instances' updates from the same version through", async () => {
    const created = await call(one, 'POST', '/v1/profiles', { name: 'raced', runs: RUNS });
    const etag = created.headers.etag as string;
    const answers = await Promise.all(
      [one, two, one, two].map((app, i) =>
        call(app, 'PUT', '/v1/profiles/raced', { runs: RUNS.slice(0, 8 + i) }, { 'if-match': etag }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 412, 412, 412]);
    const latest = (await call(two, 'GET', '/v1/profiles/raced')).json();
    const winner = answers.find((a) => a.statusCode === 200)?.json();
    expect(latest).toEqual(winner);
  });
});
