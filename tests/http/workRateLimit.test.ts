/**
 * The work-weighted rate limit (plugins/admission.ts). Oracle: the weights the README states (a batch 1 unit per item;
 * a fit or refit runs x (bootstrap samples + 20), plus one refit per model size for the ensemble, src/http/work.ts's
 * fitWork) against RATE_LIMIT_WORK_MAX set a few units either side of what a sequence of requests needs.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { FITS_REQUEST_EXAMPLE } from '../../src/api/fits/examples.js';
import { fitWork } from '../../src/http/work.js';
import { Store } from '../../src/storage/store.js';
import { freshDatabase } from '../storage/databases.js';
import { buildTestApp, expectProblem } from './helpers.js';

let app: FastifyInstance | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await app?.close();
  await cleanup?.();
  app = undefined;
  cleanup = undefined;
});

const limited = (workMax: number, options: { store?: Store } = {}) =>
  buildTestApp(
    {
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '1000000',
      RATE_LIMIT_WINDOW_MS: '60000',
      RATE_LIMIT_WORK_MAX: String(workMax),
    },
    undefined,
    options,
  );

const batchOf = (items: number) => ({
  items: Array.from({ length: items }, (_, i) => ({
    budget: { amount: 1_000 * (i + 1), unit: 'tpu_v4_core_hours' },
  })),
});

describe('the work-weighted rate limit', () => {
  it('charges a batch one unit per item, and answers 429 with Retry-After once the window is spent', async () => {
    app = await limited(10);
    const post = (items: number) =>
      app?.inject({ method: 'POST', url: '/v1/plans/batch', payload: batchOf(items) });
    expect((await post(6))?.statusCode).toBe(200);
    expect((await post(4))?.statusCode).toBe(200);
    const refused = (await post(1)) as Awaited<ReturnType<FastifyInstance['inject']>>;
    const problem = expectProblem(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(problem.detail).toContain('This request weighs 1 work units');
    expect(problem.detail).toContain('0 of 10 are left');
  });

  it('lets a request heavier than the whole window in when nothing is spent, then nothing more', async () => {
    app = await limited(10);
    const post = (items: number) =>
      app?.inject({ method: 'POST', url: '/v1/plans/batch', payload: batchOf(items) });
    expect((await post(15))?.statusCode).toBe(200);
    expectProblem((await post(1)) as Awaited<ReturnType<FastifyInstance['inject']>>, 429);
  });

  it("charges an outcome's refit (addToRuns) as a PUT of the runs it refits", async () => {
    const fresh = await freshDatabase('sqlite');
    cleanup = fresh.cleanup;
    const store = new Store(fresh.database);
    const key = (await store.createKey('vision', 'write')).token;
    const runs = FITS_REQUEST_EXAMPLE.runs;
    const added = { model: 'F3', epochs: 4, loss: 2.52 };
    const created = fitWork({ runs });
    const refit = fitWork({ runs: [...runs, added] });
    // Room for the creation and the outcome's refit, less one unit.
    app = await limited(created + refit - 1, { store });
    const call = (url: string, payload: object) =>
      app?.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${key}` },
        payload,
      }) as ReturnType<FastifyInstance['inject']>;
    expect((await call('/v1/profiles', { name: 'main', runs })).statusCode).toBe(201);
    // Without the refit, an outcome costs no work.
    expect((await call('/v1/profiles/main/outcomes', added)).statusCode).toBe(201);
    const refused = await call('/v1/profiles/main/outcomes', { ...added, addToRuns: true });
    expect(expectProblem(refused, 429).detail).toContain(
      `This request weighs ${refit.toLocaleString('en-US')}`,
    );
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Refused before anything was stored: the profile is still at version 1.
    const profile = await app?.inject({
      method: 'GET',
      url: '/v1/profiles/main',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(profile?.json().version).toBe(1);
  });
});
