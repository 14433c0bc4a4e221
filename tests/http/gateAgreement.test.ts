/**
 * One gate, two shells: for random requests, in range and out of it, the API's decision (400, or not) and the core's
 * (checkPlanRequest / checkEvaluateRequest throw PlannerInputError, or not) agree, and when both refuse, the API's
 * errors[] names the field the core names. The oracle is the other implementation: the zod schemas (with the limits
 * they import from the core) on one side, the core's own checks on the other; neither is derived from the other.
 */
import { fc, test } from '@fast-check/vitest';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Problem } from '../../src/api/problem.js';
import { PlannerInputError } from '../../src/core/errors.js';
import { checkEvaluateRequest, type EvaluateRequest } from '../../src/core/planner/evaluate.js';
import { checkPlanRequest, type PlanRequest } from '../../src/core/planner/request.js';
import { buildTestApp, testPlanner } from './helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

/** Numbers at and just past every limit the API documents, and some that are wrong in kind. */
const EDGE_NUMBERS = [
  0,
  1e-12,
  9e-13,
  0.001,
  0.00099,
  -1,
  1,
  2,
  0.1,
  0.2,
  0.19,
  0.5,
  0.49,
  0.99,
  0.991,
  1.0000001,
  1.5,
  5,
  5.0001,
  100,
  100.001,
  999,
  1000,
  4096,
  8192.5,
  10_000,
  10_000.5,
  1e6,
  1e6 + 1,
  1_048_576,
  1_048_577,
  4e9,
  1e9,
  1e9 + 1,
  1e13,
  1e14,
  1e30,
  1.1e30,
  1e300,
  1e301,
  1e305,
  5e-324,
  -1e-9,
];

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.integer({ min: -10, max: 2_000_000 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'F3+',
      'F3 ',
      'f3+',
      'F7',
      'h100',
      'tpu_v4_core',
      'gpu_hours',
      'flops',
      'vit',
      'fitted',
      'imagenet_top1',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(true, null, [], {}) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('F0', 'F3+', 'F7+', 'f1', 'F9'), { maxLength: 18 }) },
);

/** A valid request around each field, so that the one field set below decides. */
const PLAN_FIELDS: Record<string, Record<string, unknown>> = {
  'budget.amount': { budget: { unit: 'tpu_v4_core_hours' } },
  'budget.unit': { budget: { amount: 5_000 } },
  'budget.peakTflops': { budget: { amount: 5_000, unit: 'gpu_hours' } },
  'budget.accelerator': { budget: { amount: 5_000, unit: 'gpu_hours' } },
  'budget.utilization': { budget: { amount: 5_000, unit: 'gpu_hours', accelerator: 'h100' } },
  'budget.tpuV3Basis': { budget: { amount: 5_000, unit: 'tpu_v3_core_hours' } },
  objective: {},
  strategy: {},
  constraints: {},
  'constraints.models': {},
  'constraints.minEpochs': {},
  'constraints.maxEpochs': {},
  'constraints.datasetImages': {},
  hardware: {},
  'hardware.cores': {},
  'hardware.accelerator': { hardware: { count: 8 } },
  'hardware.count': { hardware: { accelerator: 'h100' } },
  'hardware.utilization': { hardware: { accelerator: 'h100', count: 8 } },
  'hardware.pricePerAcceleratorHour': { hardware: { accelerator: 'h100', count: 8 } },
  batchSize: {},
  previousOptimalLearningRate: {},
  intervalLevel: {},
  law: {},
  'law.id': { law: { coefficients: { E: 1.5, A: 50, B: 600, alpha: 0.3, beta: 0.3 } } },
  'law.coefficients.E': { law: { coefficients: { A: 50, B: 600, alpha: 0.3, beta: 0.3 } } },
  'law.coefficients.A': { law: { coefficients: { E: 1.5, B: 600, alpha: 0.3, beta: 0.3 } } },
  'law.coefficients.alpha': { law: { coefficients: { E: 1.5, A: 50, B: 600, beta: 0.3 } } },
  'law.coefficients.gamma': { law: { coefficients: { E: 1.5, A: 50, B: 600, alpha: 0.3, beta: 0.3 } } },
};

const DEFAULT_BUDGET = { amount: 5_000, unit: 'tpu_v4_core_hours' };

function withField(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = structuredClone({ budget: DEFAULT_BUDGET, ...base });
  const keys = path.split('.');
  let node = body;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
  return body;
}

/** The core's decision: the field it refuses, or undefined when it accepts. */
function coreRefusal(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof PlannerInputError) return error.field;
    throw error;
  }
}

function expectAgreement(status: number, problem: Problem | undefined, coreField: string | undefined): void {
  if (coreField === undefined) {
    expect(status, JSON.stringify(problem)).not.toBe(400);
    expect([200, 422]).toContain(status);
    return;
  }
  expect(status, `the core refuses ${coreField}; the API answered ${status}`).toBe(400);
  const paths = (problem?.errors ?? []).map((e) => e.path);
  // The core names the first field it refuses; the API lists every one, so it must be among them.
  expect(paths, `core: ${coreField}`).toContain(coreField === 'body' ? 'body' : coreField);
}

describe('POST /v1/plans and checkPlanRequest decide alike, field by field', () => {
  test.prop([fc.constantFrom(...Object.keys(PLAN_FIELDS)), anyValue], { numRuns: 600 })(
    'one field set to any value',
    async (path, value) => {
      const body = withField(PLAN_FIELDS[path] as Record<string, unknown>, path, value);
      const coreField = coreRefusal(() =>
        checkPlanRequest(testPlanner(), structuredClone(body) as unknown as PlanRequest),
      );
      const response = await app.inject({ method: 'POST', url: '/v1/plans', payload: body });
      expectAgreement(
        response.statusCode,
        response.statusCode >= 400 ? (response.json() as Problem) : undefined,
        coreField,
      );
    },
  );

  test.prop(
    [
      fc.constantFrom(...Object.keys(PLAN_FIELDS)),
      anyValue,
      fc.constantFrom(...Object.keys(PLAN_FIELDS)),
      anyValue,
    ],
    {
      numRuns: 200,
    },
  )('two fields set to any values: both refuse, or both accept', async (path1, value1, path2, value2) => {
    fc.pre(!path2.startsWith(path1) && !path1.startsWith(path2));
    const body = withField(
      withField(PLAN_FIELDS[path1] as Record<string, unknown>, path1, value1),
      path2,
      value2,
    );
    const coreField = coreRefusal(() =>
      checkPlanRequest(testPlanner(), structuredClone(body) as unknown as PlanRequest),
    );
    const response = await app.inject({ method: 'POST', url: '/v1/plans', payload: body });
    expect(response.statusCode === 400, `core: ${coreField}; API: ${response.body.slice(0, 300)}`).toBe(
      coreField !== undefined,
    );
  });
});

const EVALUATE_FIELDS = [
  'model',
  'epochs',
  'datasetImages',
  'batchSize',
  'cores',
  'previousOptimalLearningRate',
  'intervalLevel',
];

describe('GET /v1/evaluate and checkEvaluateRequest decide alike, field by field', () => {
  const numberOrName = fc.oneof(
    fc.constantFrom(...EDGE_NUMBERS),
    fc.double({ min: -1e6, max: 1e7, noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom('F3+', 'f3+', 'NFNet-F3+', 'F3 ', 'F9', ''),
  );
  test.prop([fc.constantFrom(...EVALUATE_FIELDS), numberOrName], { numRuns: 300 })(
    'one parameter set to any value',
    async (field, value) => {
      const request: Record<string, unknown> = { model: 'F3+', epochs: 2, [field]: value };
      // A query parameter is text; the core gets what the CLI would parse from the same text.
      const query = new URLSearchParams(
        Object.entries(request).map(([k, v]): [string, string] => [k, String(v)]),
      );
      const coreRequest = Object.fromEntries(
        Object.entries(request).map(([k, v]) => [
          k,
          k === 'model' ? String(v) : typeof v === 'string' ? Number.NaN : v,
        ]),
      );
      const coreField = coreRefusal(() =>
        checkEvaluateRequest(testPlanner(), coreRequest as unknown as EvaluateRequest),
      );
      const response = await app.inject({ method: 'GET', url: `/v1/evaluate?${query}` });
      expectAgreement(
        response.statusCode,
        response.statusCode >= 400 ? (response.json() as Problem) : undefined,
        coreField,
      );
    },
  );
});
