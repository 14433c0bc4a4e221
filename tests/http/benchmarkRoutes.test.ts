/**
 * The benchmark's reference routes (BENCHMARK_ROUTES=true). Oracle: POST /v1/plans itself: the reference route must
 * reject what it rejects and answer byte for byte what it answers for the same body, or the benchmark's
 * plans / reference ratio would compare different work. Off by default and never in the OpenAPI document.
 */

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_REQUEST_EXAMPLE } from '../../src/api/plans/examples.js';
import { buildTestApp, expectProblem } from './helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ BENCHMARK_ROUTES: 'true' });
});
afterAll(async () => app.close());

describe('benchmark routes', () => {
  it('serve each body its own precomputed plan, identical to POST /v1/plans for the same body', async () => {
    const bodies = [
      PLAN_REQUEST_EXAMPLE,
      { budget: { amount: 2_000, unit: 'tpu_v4_chip_hours' }, objective: 'imagenet_top1' },
      { budget: { amount: 8_000, unit: 'gpu_hours', accelerator: 'h100' }, hardware: { cores: 512 } },
    ];
    for (const payload of [...bodies, ...bodies]) {
      const [reference, real] = await Promise.all(
        ['/bench/plans-reference', '/v1/plans'].map((url) => app.inject({ method: 'POST', url, payload })),
      );
      expect(reference?.statusCode).toBe(200);
      expect(reference?.body).toBe(real?.body);
      expect(reference?.headers['content-type']).toBe(real?.headers['content-type']);
    }
  });

  it('validate the body as POST /v1/plans does', async () => {
    const body = { budget: { amount: -1, unit: 'parsecs' } };
    const [reference, real] = await Promise.all(
      ['/bench/plans-reference', '/v1/plans'].map((url) =>
        app.inject({ method: 'POST', url, payload: body }),
      ),
    );
    const problem = expectProblem(reference as NonNullable<typeof reference>, 400);
    expect(problem.errors).toEqual(expectProblem(real as NonNullable<typeof real>, 400).errors);
  });

  it('answer hello-world', async () => {
    expect((await app.inject({ url: '/bench/hello' })).json()).toEqual({ hello: 'world' });
  });

  it('are hidden from the OpenAPI document', async () => {
    await app.ready();
    expect(
      Object.keys((app.swagger() as { paths: object }).paths).some((path) => path.startsWith('/bench')),
    ).toBe(false);
  });

  it('are absent unless enabled', async () => {
    const production = await buildTestApp();
    expectProblem(await production.inject({ url: '/bench/hello' }), 404);
    await production.close();
  });
});
