/**
 * The ensemble of the laws is fitted after the app starts, in slices: liveness answers at once, readiness waits for
 * the ensemble, and once ready every plan carries intervals at the documented seed. The app fits its own planner here
 * (no prebuilt context), as npm start does.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ENSEMBLE_MEMBERS, ENSEMBLE_SEED } from '../../src/core/uncertainty/lawEnsemble.js';
import { buildApp } from '../../src/http/app.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('the law ensemble at start-up', () => {
  it('/healthz answers while /readyz waits for the ensemble; then plans, and batches on the worker threads, carry intervals from it', async () => {
    app = await buildApp({
      config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_ENABLED: 'false', MEMORY_LIMIT_MIB: '8192' }),
      checkResponses: true,
    });
    await app.ready();
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    // A batch large enough for the worker pool, sent while /readyz still waits: whichever context the pool starts
    // with, batches planned after readiness must carry the ensemble's intervals.
    const items = Array.from({ length: 30 }, (_, i) => ({
      budget: { amount: 700 * (i + 1), unit: 'tpu_v4_core_hours' },
    }));
    const first = await app.inject({ url: '/readyz' });
    expect(first.statusCode).toBe(503);
    expect(first.json().detail).toMatch(/ensemble/);
    await app.inject({ method: 'POST', url: '/v1/plans/batch', payload: { items } });
    // Bounded wait: the slices yield to the event loop, so inject's requests are answered in between.
    const deadline = Date.now() + 30_000;
    let ready = first;
    while (ready.statusCode !== 200 && Date.now() < deadline) {
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      ready = await app.inject({ url: '/readyz' });
    }
    expect(ready.statusCode).toBe(200);
    const plan = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      payload: { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, intervalLevel: 0.8 },
    });
    expect(plan.statusCode, plan.body).toBe(200);
    const body = plan.json();
    expect(body.uncertainty).toMatchObject({ level: 0.8, members: ENSEMBLE_MEMBERS, seed: ENSEMBLE_SEED });
    expect(body.recommendation.predicted.jftValidationLossConfidenceInterval.lower).toBeLessThanOrEqual(
      body.recommendation.predicted.jftValidationLoss,
    );
    const late = await app.inject({ method: 'POST', url: '/v1/plans/batch', payload: { items } });
    expect(late.statusCode, late.body).toBe(200);
    for (const result of late.json().results) expect(result.uncertainty?.seed).toBe(ENSEMBLE_SEED);
  });
});
