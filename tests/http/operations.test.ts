/**
 * Long-running operations and the worker pool, over real HTTP on loopback. Oracles: the Azure REST API guidelines'
 * LRO contract (202 + Operation-Location, statuses NotStarted/Running/Succeeded/Failed/Canceled, Retry-After while
 * unfinished), RFC 7240's Preference-Applied, and the synchronous call itself: the operation's result must be the
 * body POST answers without `Prefer: respond-async`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { FITS_REQUEST_EXAMPLE } from '../../src/api/fits/examples.js';
import { OperationSchema } from '../../src/api/operations/schemas.js';
import { PROBLEM_TYPES, ProblemSchema } from '../../src/api/problem.js';
import { FIGURE2_JFT_VALIDATION_LOSS } from '../../src/core/dataset/figures.js';
import { buildTestApp } from './helpers.js';

const FIGURE2_RUNS = FIGURE2_JFT_VALIDATION_LOSS.map((p) => ({
  model: p.model,
  epochs: p.epochs,
  loss: p.jftValidationLoss,
}));
/** About 4 s of one core: long enough to cancel, or to keep the only thread busy. */
const LONG_FIT = { runs: FIGURE2_RUNS, bootstrap: { samples: 10_000, seed: 1 } };
/** The longest fit accepted (100 runs x 10,000 samples, the cap): seconds of one thread's time. */
const LONGEST_FIT = {
  runs: [...FIGURE2_RUNS, ...FIGURE2_RUNS, ...FIGURE2_RUNS].slice(0, 100),
  bootstrap: { samples: 10_000, seed: 1 },
};

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(env: Record<string, string> = {}): Promise<string> {
  // Load shedding has its own tests (hardening.test.ts); here a noisy neighbour must not refuse the work.
  app = await buildTestApp({ UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', ...env });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  // As an orchestrator would: no traffic until /readyz says so (start-up lags the loop while threads boot).
  while ((await fetch(`${base}/readyz`)).status !== 200) await sleep(50);
  return base;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function pollUntilFinished(location: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(location);
    expect(response.status).toBe(200);
    const operation = OperationSchema.parse(await response.json());
    if (['Succeeded', 'Failed', 'Canceled'].includes(operation.status)) return operation;
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    if (Date.now() > until) throw new Error(`operation still ${operation.status}`);
    await sleep(50);
  }
}

describe('operations', () => {
  it('answers Prefer: respond-async with 202 and an Operation-Location that ends Succeeded with the synchronous body', async () => {
    const base = await serve();
    const synchronous = await post(`${base}/v1/fits`, FITS_REQUEST_EXAMPLE);
    expect(synchronous.status).toBe(200);
    const syncBody = await synchronous.json();

    const accepted = await post(`${base}/v1/fits`, FITS_REQUEST_EXAMPLE, { prefer: 'respond-async' });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('preference-applied')).toBe('respond-async');
    expect(Number(accepted.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const location = accepted.headers.get('operation-location') ?? '';
    expect(location).toMatch(new RegExp(`^${base}/v1/operations/[0-9a-f-]{36}$`));
    const initial = OperationSchema.parse(await accepted.json());
    expect(initial.status).toBe('NotStarted');
    expect(location.endsWith(initial.id)).toBe(true);

    const finished = await pollUntilFinished(location);
    expect(finished.status).toBe('Succeeded');
    expect(finished.result).toEqual(syncBody);
    expect(Date.parse(finished.lastUpdatedDateTime)).toBeGreaterThanOrEqual(
      Date.parse(finished.createdDateTime),
    );
  });

  it('runs a request as an operation, unasked, when its estimated work exceeds the threshold', async () => {
    const base = await serve({ ASYNC_WORK_THRESHOLD: '50' });
    const items = Array.from({ length: 60 }, (_, i) => ({
      budget: { amount: 1000 + i, unit: 'tpu_v4_core_hours' },
    }));
    const accepted = await post(`${base}/v1/plans/batch`, { items });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('preference-applied')).toBeNull();
    const finished = await pollUntilFinished(accepted.headers.get('operation-location') ?? '');
    expect(finished.status).toBe('Succeeded');
    expect(finished.result).toMatchObject({ succeeded: 60, failed: 0 });
    // Below the threshold the same route answers synchronously, as before.
    const small = await post(`${base}/v1/plans/batch`, { items: items.slice(0, 40) });
    expect(small.status).toBe(200);
    expect(((await small.json()) as { succeeded: number }).succeeded).toBe(40);
  });

  it('ends Failed with the problem the synchronous call would answer', async () => {
    const base = await serve();
    const tooFew = { runs: FIGURE2_RUNS.slice(0, 3) };
    const synchronous = await post(`${base}/v1/fits`, tooFew);
    expect(synchronous.status).toBe(422);
    const accepted = await post(`${base}/v1/fits`, tooFew, { prefer: 'respond-async' });
    const finished = await pollUntilFinished(accepted.headers.get('operation-location') ?? '');
    expect(finished.status).toBe('Failed');
    const { instance: _syncInstance, ...expected } = ProblemSchema.parse(await synchronous.json());
    expect(finished.error).toMatchObject(expected);
  });

  it('cancels a running operation with DELETE: it ends Canceled and the thread is free again', async () => {
    const base = await serve({ WORKER_THREADS: '1' });
    // How long the fit takes to the end on this machine now, for the comparison below.
    const fullStarted = performance.now();
    const full = await post(`${base}/v1/fits`, LONGEST_FIT, { prefer: 'respond-async' });
    expect((await pollUntilFinished(full.headers.get('operation-location') ?? '')).status).toBe('Succeeded');
    const fullMs = performance.now() - fullStarted;
    const accepted = await post(`${base}/v1/fits`, LONGEST_FIT, { prefer: 'respond-async' });
    const location = accepted.headers.get('operation-location') ?? '';
    await sleep(200);
    const cancelled = await fetch(location, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect(OperationSchema.parse(await cancelled.json()).status).toBe('Canceled');
    const later = OperationSchema.parse(await (await fetch(location)).json());
    expect(later.status).toBe('Canceled');
    expect(later.result).toBeUndefined();
    // The cancelled task's thread was stopped, not left computing: a small fit (a tenth of a second) is answered in
    // less than half the time the cancelled one, cancelled 0.2 s in, would still have needed.
    const started = performance.now();
    expect((await post(`${base}/v1/fits`, FITS_REQUEST_EXAMPLE)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(fullMs / 2);
  }, 60_000);

  it('answers 404 problem+json for an unknown operation', async () => {
    const base = await serve();
    const response = await fetch(`${base}/v1/operations/00000000-0000-4000-8000-000000000000`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(ProblemSchema.parse(await response.json()).type).toBe(PROBLEM_TYPES.notFound);
  });
});

describe('worker pool', () => {
  it('plans on a worker thread exactly as the event loop does (a batch large enough for the pool)', async () => {
    const base = await serve();
    const items = Array.from({ length: 30 }, (_, i) => ({
      budget: { amount: 700 * (i + 1), unit: 'tpu_v4_core_hours' },
      ...(i % 2 ? { objective: 'imagenet_top1' } : {}),
    }));
    const batch = (await (await post(`${base}/v1/plans/batch`, { items })).json()) as { results: unknown[] };
    for (const [index, item] of items.entries())
      expect(batch.results[index]).toEqual(await (await post(`${base}/v1/plans`, item)).json());
  });

  it('answers 503 with Retry-After when every thread is busy and the queue is full, never a hang', async () => {
    const base = await serve({ WORKER_THREADS: '1', WORKER_QUEUE_LIMIT: '1' });
    const first = await post(`${base}/v1/fits`, LONG_FIT, { prefer: 'respond-async' });
    const second = await post(`${base}/v1/fits`, LONG_FIT, { prefer: 'respond-async' });
    expect([first.status, second.status]).toEqual([202, 202]);
    for (const response of [
      await post(`${base}/v1/fits`, LONG_FIT, { prefer: 'respond-async' }),
      await post(`${base}/v1/fits`, FITS_REQUEST_EXAMPLE),
    ]) {
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const problem = ProblemSchema.parse(await response.json());
      expect(problem.type).toBe(PROBLEM_TYPES.overloaded);
      expect(problem.instance).toBe(response.headers.get('x-request-id'));
    }
    // The probes and cheap plans are not queued behind the fits.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(
      (await post(`${base}/v1/plans`, { budget: { amount: 5000, unit: 'tpu_v4_core_hours' } })).status,
    ).toBe(200);
    for (const response of [first, second])
      await fetch(response.headers.get('operation-location') ?? '', { method: 'DELETE' });
  });
});
