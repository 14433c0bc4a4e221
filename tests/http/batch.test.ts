/**
 * POST /v1/plans/batch through app.inject. Oracles: the contract (results in order, each a plan or a problem;
 * up to 1,000 items; a bad item fails alone), the budgets sent (each slot converts its own amount), POST /v1/plans
 * for the same body (a batch item must plan exactly as a single request does), and RFC 9457 problem objects.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchResponseSchema, PlanSchema } from '../../src/api/plans/schemas.js';
import { PROBLEM_TYPES, type Problem, ProblemSchema } from '../../src/api/problem.js';
import { buildTestApp, expectProblem } from './helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => app.close());

const batch = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/v1/plans/batch', payload: payload as Record<string, unknown> });
const coreHours = (amount: number) => ({ budget: { amount, unit: 'tpu_v4_core_hours' } });

async function resultsOf(items: unknown[]) {
  const response = await batch({ items });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return BatchResponseSchema.parse(response.json());
}

function asProblem(result: unknown): Problem {
  expect(result).toHaveProperty('status');
  return ProblemSchema.parse(result);
}

describe('results in order', () => {
  it('each slot plans its own budget, in the order sent', async () => {
    const amounts = [400, 50_000, 5_000, 2_000, 110_000];
    const body = await resultsOf(amounts.map(coreHours));
    expect(body.succeeded).toBe(amounts.length);
    expect(body.failed).toBe(0);
    expect(body.results.map((r) => PlanSchema.parse(r).budget.tpuV4CoreHours)).toEqual(amounts);
  });

  it('an item plans exactly as POST /v1/plans plans the same body', async () => {
    const item = {
      budget: { amount: 3_000, unit: 'tpu_v4_chip_hours' },
      strategy: 'fitted',
      objective: 'imagenet_top1',
      hardware: { cores: 128 },
      batchSize: 2048,
    };
    const single = await app.inject({ method: 'POST', url: '/v1/plans', payload: item });
    expect(single.statusCode).toBe(200);
    const body = await resultsOf([item]);
    expect(body.results[0]).toEqual(single.json());
  });
});

describe('a bad item fails alone', () => {
  it('a mistyped, an unknown-model, an infeasible and a contradictory item each get a problem in their slot', async () => {
    const items = [
      coreHours(5_000),
      { budget: { amount: '5000', unit: 'tpu_v4_core_hours' } },
      { ...coreHours(5_000), constraints: { models: ['F3', 'F9'] } },
      coreHours(20_000),
      { ...coreHours(500), constraints: { minEpochs: 7, models: ['F7+'] } },
      { ...coreHours(5_000), constraints: { minEpochs: 5, maxEpochs: 2 } },
      { ...coreHours(5_000), surprise: true },
    ];
    const response = await batch({ items });
    expect(response.statusCode).toBe(200);
    const body = BatchResponseSchema.parse(response.json());
    const requestId = response.headers['x-request-id'];
    expect(body.results).toHaveLength(items.length);
    expect(body.succeeded).toBe(2);
    expect(body.failed).toBe(5);

    expect(PlanSchema.parse(body.results[0]).budget.tpuV4CoreHours).toBe(5_000);
    expect(PlanSchema.parse(body.results[3]).budget.tpuV4CoreHours).toBe(20_000);

    const expected: [number, number, string][] = [
      [1, 400, 'budget.amount'],
      [2, 400, 'constraints.models.1'],
      [5, 400, 'constraints.minEpochs'],
      [6, 400, 'surprise'],
    ];
    for (const [index, status, path] of expected) {
      const problem = asProblem(body.results[index]);
      expect(problem.status, `item ${index}`).toBe(status);
      expect(problem.type).toBe(PROBLEM_TYPES.validation);
      expect(
        problem.errors?.map((e) => e.path),
        `item ${index}`,
      ).toContain(path);
      expect(problem.instance).toBe(`${requestId}/items/${index}`);
    }

    const infeasible = asProblem(body.results[4]);
    expect(infeasible.status).toBe(422);
    expect(infeasible.type).toBe(PROBLEM_TYPES.infeasible);
    expect(infeasible.detail).toMatch(/7 epochs/);
    expect(infeasible.instance).toBe(`${requestId}/items/4`);
    expect(response.body).not.toMatch(/\bat .+:\d+:\d+|node_modules/);
  });

  it('counts add up when every item fails', async () => {
    const body = await resultsOf([{}, { budget: null }, coreHours(-1)]);
    expect(body.succeeded).toBe(0);
    expect(body.failed).toBe(3);
    expect(body.results.map((r) => asProblem(r).errors?.[0]?.path)).toEqual([
      'budget',
      'budget',
      'budget.amount',
    ]);
  });
});

describe('batch size limits (1 to 1,000 items)', () => {
  it('accepts 1,000 items and plans each', async () => {
    const amounts = Array.from({ length: 1000 }, (_, i) => 400 + i * 100);
    const body = await resultsOf(amounts.map(coreHours));
    expect(body.results).toHaveLength(1000);
    expect(body.succeeded).toBe(1000);
    expect(body.failed).toBe(0);
    expect(PlanSchema.parse(body.results[999]).budget.tpuV4CoreHours).toBe(amounts[999]);
  });

  it('rejects 1,001 items with a 400 naming items', async () => {
    const problem = expectProblem(await batch({ items: Array(1001).fill(coreHours(5_000)) }), 400);
    expect(problem.errors?.map((e) => e.path)).toContain('items');
  });

  it.each([
    ['an empty list', { items: [] }, 'items'],
    ['items missing', {}, 'items'],
    ['items not a list', { items: coreHours(5_000) }, 'items'],
    ['an item that is not an object', { items: [coreHours(5_000), 5] }, 'items.1'],
    ['an unknown property beside items', { items: [coreHours(5_000)], extra: 1 }, 'extra'],
  ])('rejects %s with a 400 naming %s', async (_name, payload, path) => {
    const problem = expectProblem(await batch(payload), 400);
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });
});

describe('bad bodies', () => {
  const raw = (payload: string, contentType = 'application/json') =>
    app.inject({ method: 'POST', url: '/v1/plans/batch', payload, headers: { 'content-type': contentType } });

  it('malformed JSON is a 400', async () => {
    expect(expectProblem(await raw('{"items": ['), 400).type).toBe(PROBLEM_TYPES.malformedJson);
  });

  it('text/plain is a 415', async () => {
    expectProblem(await raw('{"items": []}', 'text/plain'), 415);
  });

  it('a __proto__ key inside an item is a 400 and pollutes nothing', async () => {
    expectProblem(
      await raw(
        '{"items":[{"budget":{"amount":5000,"unit":"tpu_v4_core_hours"},"__proto__":{"polluted":1}}]}',
      ),
      400,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
