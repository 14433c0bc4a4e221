/**
 * POST /v1/plans through app.inject. Oracles, none of them the planner's own output:
 * - the paper's equal-rate rule as stated (1 epoch at 5k TPU-v4 core hours, epochs and cost per epoch as C^0.5) and
 *   the nearest variant searched in the test over GET /v1/models' costs per epoch;
 * - the paper's fine-tuning finding (ImageNet favours a model at least as large, for no more epochs, 5k-50k);
 * - stated conversion factors: 2 TPU-v4 cores per chip, the F7+ run's 110k v4 = 250k v3 core hours, H100 989 and
 *   TPU-v4 137.5 TFLOP/s bf16 peaks;
 * - arithmetic the issue defines (wall clock = cost / cores, steps = ceil(images seen / batch size)) and the loss
 *   surface L = E + A / F^alpha + B / D^beta computed here from the coefficients sent;
 * - the issue's list of bad inputs and their statuses (400 naming the field, 413, 415, 422).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelsResponseSchema } from '../../src/api/models/schemas.js';
import { PlanSchema } from '../../src/api/plans/schemas.js';
import { PROBLEM_TYPES } from '../../src/api/problem.js';
import { WARNING_CODES, type WarningCode } from '../../src/core/planner/warnings.js';
import { buildTestApp, expectProblem } from './helpers.js';

type Plan = ReturnType<typeof PlanSchema.parse>;
type Model = ReturnType<typeof ModelsResponseSchema.parse>['models'][number];

let app: FastifyInstance;
let models: Model[];
beforeAll(async () => {
  app = await buildTestApp();
  models = ModelsResponseSchema.parse((await app.inject({ url: '/v1/models' })).json()).models;
});
afterAll(async () => app.close());

const send = (payload: unknown): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'POST', url: '/v1/plans', payload: payload as Record<string, unknown> });
const sendRaw = (payload: string, contentType = 'application/json'): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'POST', url: '/v1/plans', payload, headers: { 'content-type': contentType } });

async function planOf(payload: unknown): Promise<Plan> {
  const response = await send(payload);
  expect(response.statusCode, response.body).toBe(200);
  return PlanSchema.parse(response.json());
}
const coreHours = (amount: number, extra: Record<string, unknown> = {}) =>
  planOf({ budget: { amount, unit: 'tpu_v4_core_hours' }, ...extra });

/** Log-spaced budgets from `from` to `to` inclusive. */
function logGrid(from: number, to: number, points: number): number[] {
  return Array.from({ length: points }, (_, i) => from * (to / from) ** (i / (points - 1)));
}

describe('the equal_rate allocation (stated: 1 epoch at ~5k core hours, model and epochs grow at one rate)', () => {
  it('at 5,000 core hours: ideal 1 epoch of 5,000 core hours, pick the variant nearest 5,000 per epoch', async () => {
    const p = await coreHours(5_000);
    expect(p.strategy).toBe('equal_rate');
    expect(p.objective).toBe('jft_loss');
    expect(p.ideal.epochs).toBeCloseTo(1, 12);
    expect(p.ideal.costPerEpochTpuV4CoreHours).toBeCloseTo(5_000, 6);
    // Oracle: the nearest cost per epoch in log space, searched here over GET /v1/models.
    const nearest = [...models].sort(
      (a, b) =>
        Math.abs(Math.log(a.costPerEpochTpuV4CoreHours / 5_000)) -
        Math.abs(Math.log(b.costPerEpochTpuV4CoreHours / 5_000)),
    )[0] as Model;
    expect(p.recommendation.model.name).toBe(nearest.name);
    expect(p.recommendation.model.costPerEpochTpuV4CoreHours).toBeCloseTo(
      nearest.costPerEpochTpuV4CoreHours,
      9,
    );
    expect(p.recommendation.epochs).toBeCloseTo(5_000 / nearest.costPerEpochTpuV4CoreHours, 12);
  });

  it('4x the budget doubles both the ideal epochs and the ideal cost per epoch (C^0.5 each)', async () => {
    const [a, b] = await Promise.all([coreHours(10_000), coreHours(40_000)]);
    expect(b.ideal.epochs / a.ideal.epochs).toBeCloseTo(2, 10);
    expect(b.ideal.costPerEpochTpuV4CoreHours / a.ideal.costPerEpochTpuV4CoreHours).toBeCloseTo(2, 10);
  });

  it('spends the budget: cost = epochs x cost per epoch = C, images = epochs x 4.0e9', async () => {
    const p = await coreHours(20_000);
    const r = p.recommendation;
    expect(r.costTpuV4CoreHours).toBeCloseTo(20_000, 6);
    expect(r.epochs * r.model.costPerEpochTpuV4CoreHours).toBeCloseTo(20_000, 6);
    expect(r.imagesSeen / (r.epochs * 4e9)).toBeCloseTo(1, 12);
  });
});

describe('objective imagenet_top1 against jft_loss (the paper: fine-tuning favours larger models, fewer epochs)', () => {
  for (const strategy of ['equal_rate', 'fitted'] as const) {
    it(`${strategy}: never a smaller model nor more epochs, 5k-50k core hours`, async () => {
      let strictlyLarger = 0;
      for (const C of logGrid(5_000, 50_000, 21)) {
        const [jft, top1] = await Promise.all([
          coreHours(C, { strategy, objective: 'jft_loss' }),
          coreHours(C, { strategy, objective: 'imagenet_top1' }),
        ]);
        expect(top1.objective).toBe('imagenet_top1');
        const at = `${strategy} at ${C.toFixed(0)}: ${top1.recommendation.model.name} vs ${jft.recommendation.model.name}`;
        expect(top1.recommendation.model.flopsPerImage, at).toBeGreaterThanOrEqual(
          jft.recommendation.model.flopsPerImage,
        );
        expect(top1.recommendation.epochs, at).toBeLessThanOrEqual(jft.recommendation.epochs * (1 + 1e-12));
        if (top1.recommendation.model.flopsPerImage > jft.recommendation.model.flopsPerImage)
          strictlyLarger += 1;
      }
      // Not vacuous: somewhere in the range the objective does choose a larger model.
      expect(strictlyLarger).toBeGreaterThan(0);
    });
  }
});

describe('budget units (stated conversion factors)', () => {
  it('2,500 TPU-v4 chip hours plan exactly like 5,000 core hours (2 cores per chip)', async () => {
    const [chips, cores] = await Promise.all([
      planOf({ budget: { amount: 2_500, unit: 'tpu_v4_chip_hours' } }),
      coreHours(5_000),
    ]);
    expect(chips.budget.tpuV4CoreHours).toBe(5_000);
    expect(chips.budget.requested).toEqual({ amount: 2_500, unit: 'tpu_v4_chip_hours' });
    expect(chips.ideal).toEqual(cores.ideal);
    expect(chips.recommendation).toEqual(cores.recommendation);
  });

  it("210,000 TPU-v3 core hours are about the paper's 120,000 TPU-v4 core hours (ViT-g/14), within 5 %", async () => {
    const p = await planOf({ budget: { amount: 210_000, unit: 'tpu_v3_core_hours' } });
    expect(Math.abs(p.budget.tpuV4CoreHours / 120_000 - 1)).toBeLessThan(0.05);
  });

  it("250,000 TPU-v3 core hours are the paper's 110,000 TPU-v4 core hours on the opt-in F7+ basis", async () => {
    const p = await planOf({
      budget: { amount: 250_000, unit: 'tpu_v3_core_hours', tpuV3Basis: 'nfnet_f7plus' },
    });
    expect(p.budget.tpuV4CoreHours).toBeCloseTo(110_000, 6);
  });

  it('H100 GPU hours convert at the ratio of bf16 peaks (989 / 137.5) and warn gpu_efficiency', async () => {
    const p = await planOf({ budget: { amount: 1_000, unit: 'gpu_hours', accelerator: 'h100' } });
    expect(p.budget.tpuV4CoreHours).toBeCloseTo((1_000 * 989) / 137.5, 6);
    expect(p.warnings.map((w) => w.code)).toContain('gpu_efficiency');
  });
});

describe('run arithmetic', () => {
  it('wallClockHours = cost / hardware.cores, for the pick and every alternative', async () => {
    const p = await coreHours(12_345, { hardware: { cores: 256 } });
    for (const c of [p.recommendation, ...p.alternatives])
      expect(c.wallClockHours).toBeCloseTo(c.costTpuV4CoreHours / 256, 9);
    expect((await coreHours(12_345)).recommendation.wallClockHours).toBeUndefined();
  });

  it.each([4096, 1000, 3])('steps = ceil(imagesSeen / batchSize) at batch size %i', async (batchSize) => {
    const p = await coreHours(7_777, { batchSize });
    for (const c of [p.recommendation, ...p.alternatives]) {
      expect(c.batchSize).toBe(batchSize);
      expect(c.steps).toBe(Math.ceil(c.imagesSeen / batchSize));
    }
  });

  it('the default batch size is 4096 (stated)', async () => {
    expect((await coreHours(5_000)).recommendation.batchSize).toBe(4096);
  });

  it('alternatives hold the neighbours, the other strategy and the other objective', async () => {
    const p = await coreHours(20_000);
    const reasons = p.alternatives.map((a) => a.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['smaller_neighbour', 'larger_neighbour', 'other_strategy', 'other_objective']),
    );
    // Neighbours in forward FLOPs per image, the model size the equal-rate rule scales.
    const byCost = [...models].sort((a, b) => a.flops - b.flops).map((m) => m.name);
    const at = byCost.indexOf(p.recommendation.model.name);
    expect(p.alternatives.find((a) => a.reason === 'smaller_neighbour')?.model.name).toBe(byCost[at - 1]);
    expect(p.alternatives.find((a) => a.reason === 'larger_neighbour')?.model.name).toBe(byCost[at + 1]);
    const other = p.alternatives.find((a) => a.reason === 'other_objective');
    expect(other?.objective).toBe('imagenet_top1');
    expect(p.alternatives.find((a) => a.reason === 'other_strategy')?.strategy).toBe('fitted');
  });
});

describe('a custom law', () => {
  it('changes lossLawId, warns custom_law, and predicts L = E + A / F^alpha + B / D^beta', async () => {
    const coefficients = { E: 1.5, A: 2_000, B: 500, alpha: 0.4, beta: 0.35 };
    const p = await coreHours(10_000, { law: { id: 'my_surface', coefficients } });
    expect(p.provenance.lossLawId).toBe('my_surface');
    expect(p.warnings.map((w) => w.code)).toContain('custom_law');
    for (const c of [p.recommendation, ...p.alternatives]) {
      const F = c.model.flopsPerImage;
      const D = c.imagesSeen;
      const expected =
        coefficients.E + coefficients.A / F ** coefficients.alpha + coefficients.B / D ** coefficients.beta;
      expect(c.predicted.jftValidationLoss).toBeCloseTo(expected, 10);
    }
    const paper = await coreHours(10_000);
    expect(paper.provenance.lossLawId).toBe('jft_loss_surface');
    expect(paper.recommendation.predicted.jftValidationLoss).not.toBeCloseTo(
      p.recommendation.predicted.jftValidationLoss,
      2,
    );
  });

  it('without an id the law is named custom_loss_surface', async () => {
    const p = await coreHours(10_000, { law: { coefficients: { E: 1, A: 1, B: 1, alpha: 0.5, beta: 0.5 } } });
    expect(p.provenance.lossLawId).toBe('custom_loss_surface');
  });
});

describe('warnings: each of the 10 codes through HTTP', () => {
  const cases: readonly [WarningCode, Record<string, unknown>][] = [
    ['budget_below_paper_range', { budget: { amount: 200, unit: 'tpu_v4_core_hours' } }],
    ['budget_above_paper_range', { budget: { amount: 200_000, unit: 'tpu_v4_core_hours' } }],
    [
      'epochs_below_paper_range',
      { budget: { amount: 1_000, unit: 'tpu_v4_core_hours' }, constraints: { models: ['F7+'] } },
    ],
    ['epochs_above_paper_range', { budget: { amount: 200_000, unit: 'tpu_v4_core_hours' } }],
    [
      'interpolated_variant',
      { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, constraints: { models: ['F4+'] } },
    ],
    ['ideal_model_larger_than_f7_plus', { budget: { amount: 1_000_000, unit: 'tpu_v4_core_hours' } }],
    ['ideal_model_smaller_than_f0', { budget: { amount: 50, unit: 'tpu_v4_core_hours' } }],
    [
      'dataset_repeated',
      { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, constraints: { datasetImages: 1e8 } },
    ],
    ['gpu_efficiency', { budget: { amount: 1_000, unit: 'gpu_hours', accelerator: 'h100' } }],
    ['tpu_v3_efficiency', { budget: { amount: 20_000, unit: 'tpu_v3_core_hours' } }],
    [
      'learning_rate_above_previous_optimum',
      { budget: { amount: 5_000, unit: 'tpu_v4_core_hours' }, previousOptimalLearningRate: 0.4 },
    ],
    [
      'custom_law',
      {
        budget: { amount: 10_000, unit: 'tpu_v4_core_hours' },
        law: { id: 'mine', coefficients: { E: 2, A: 7e4, B: 300, alpha: 0.5, beta: 0.3 } },
      },
    ],
    ['alternative_predicted_better', { budget: { amount: 1_250, unit: 'tpu_v4_core_hours' } }],
    [
      'near_tie_preferred_paper_range',
      { budget: { amount: 8_954, unit: 'tpu_v4_core_hours' }, strategy: 'fitted' },
    ],
    [
      'max_epochs_leaves_budget_unspent',
      {
        budget: { amount: 100_000, unit: 'tpu_v4_core_hours' },
        constraints: { maxEpochs: 1, models: ['F0'] },
      },
    ],
    [
      'learning_rate_batch_scaling',
      { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, batchSize: 16_384 },
    ],
    [
      'prediction_bounded',
      {
        // A law whose data term is huge at the ~3e5 images one core hour buys F7+: the loss is held at ln 30000.
        budget: { amount: 1, unit: 'tpu_v4_core_hours' },
        constraints: { models: ['F7+'] },
        law: { coefficients: { E: 2, A: 7e4, B: 1e6, alpha: 0.5, beta: 0.3 } },
      },
    ],
    ['pick_near_tie', { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, strategy: 'equal_rate' }],
    [
      'pick_not_most_likely_best',
      { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, strategy: 'equal_rate' },
    ],
    [
      'finetune_outside_figure1',
      {
        budget: { amount: 5_000, unit: 'tpu_v4_core_hours' },
        objective: 'imagenet_top1',
        constraints: { models: ['F0'] },
      },
    ],
  ];

  it('the table covers every declared code', () => {
    expect(new Set(cases.map(([code]) => code))).toEqual(new Set(WARNING_CODES));
  });

  it.each(cases)('%s', async (code, body) => {
    const p = await planOf(body);
    const warning = p.warnings.find((w) => w.code === code);
    expect(warning, JSON.stringify(p.warnings)).toBeDefined();
    expect(warning?.message.length).toBeGreaterThan(20);
  });

  it("5,000 core hours on F3, a trained variant inside the paper's range, warns nothing", async () => {
    expect((await coreHours(5_000, { constraints: { models: ['F3'] } })).warnings).toEqual([]);
  });

  it('an ideal model past F7+ is consistent with the ideal FLOPs returned', async () => {
    const p = await coreHours(1_000_000);
    const f7plus = models.find((m) => m.name === 'F7+') as Model;
    expect(p.ideal.flopsPerImage).toBeGreaterThan(f7plus.flops);
    expect(p.recommendation.model.name).toBe('F7+');
  });
});

describe('response envelope', () => {
  it('is application/json with an x-request-id, echoing a safe caller id', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      payload: { budget: { amount: 5_000, unit: 'tpu_v4_core_hours' } },
      headers: { 'x-request-id': 'trace-42' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['x-request-id']).toBe('trace-42');
    const fresh = await send({ budget: { amount: 5_000, unit: 'tpu_v4_core_hours' } });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('holds no NaN or Infinity anywhere (the body is plain JSON numbers)', async () => {
    for (const amount of [1, 400, 5_000, 110_000, 1e9]) {
      const response = await send({ budget: { amount, unit: 'tpu_v4_core_hours' }, hardware: { cores: 1 } });
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toMatch(/NaN|Infinity|null/);
    }
  });
});

describe('bad input: 400 whose errors[].path names the field', () => {
  const budget = { amount: 5_000, unit: 'tpu_v4_core_hours' };
  it.each([
    ['a missing budget', {}, 'budget'],
    ['budget.amount as a string', { budget: { amount: '5000', unit: 'tpu_v4_core_hours' } }, 'budget.amount'],
    ['a negative amount', { budget: { amount: -5, unit: 'tpu_v4_core_hours' } }, 'budget.amount'],
    ['a zero amount', { budget: { amount: 0, unit: 'tpu_v4_core_hours' } }, 'budget.amount'],
    ['an absurd amount (1e300)', { budget: { amount: 1e300, unit: 'tpu_v4_core_hours' } }, 'budget.amount'],
    [
      'an amount past 1e9 core hours',
      { budget: { amount: 1e25, unit: 'tpu_v4_core_hours' } },
      'budget.amount',
    ],
    ['an amount below 1 core hour', { budget: { amount: 1e6, unit: 'flops' } }, 'budget.amount'],
    ['amount "NaN"', { budget: { amount: 'NaN', unit: 'tpu_v4_core_hours' } }, 'budget.amount'],
    ['amount "Infinity"', { budget: { amount: 'Infinity', unit: 'tpu_v4_core_hours' } }, 'budget.amount'],
    ['amount null', { budget: { amount: null, unit: 'tpu_v4_core_hours' } }, 'budget.amount'],
    ['an unknown unit', { budget: { amount: 5, unit: 'gpu_days' } }, 'budget.unit'],
    ['gpu_hours without a GPU', { budget: { amount: 5, unit: 'gpu_hours' } }, 'budget.accelerator'],
    ['an unknown model', { budget, constraints: { models: ['F9'] } }, 'constraints.models.0'],
    ['an unknown second model', { budget, constraints: { models: ['F1', 'f2'] } }, 'constraints.models.1'],
    ['an empty models list', { budget, constraints: { models: [] } }, 'constraints.models'],
    [
      'minEpochs > maxEpochs',
      { budget, constraints: { minEpochs: 5, maxEpochs: 2 } },
      'constraints.minEpochs',
    ],
    ['an unknown top-level property', { budget, extra: 1 }, 'extra'],
    ['an unknown nested property', { budget: { ...budget, currency: 'usd' } }, 'budget.currency'],
    ['an unknown constraint', { budget, constraints: { maxModels: 3 } }, 'constraints.maxModels'],
    ['an unknown objective', { budget, objective: 'accuracy' }, 'objective'],
    ['an unknown strategy', { budget, strategy: 'chinchilla' }, 'strategy'],
    ['batchSize 0', { budget, batchSize: 0 }, 'batchSize'],
    ['batchSize 1.5', { budget, batchSize: 1.5 }, 'batchSize'],
    ['hardware.cores -1', { budget, hardware: { cores: -1 } }, 'hardware.cores'],
    [
      'law.coefficients.alpha 0',
      { budget, law: { coefficients: { E: 1, A: 1, B: 1, alpha: 0, beta: 0.3 } } },
      'law.coefficients.alpha',
    ],
  ])('%s -> %s', async (_name, body, path) => {
    const problem = expectProblem(await send(body), 400);
    expect(problem.type).toBe(PROBLEM_TYPES.validation);
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect(problem.detail).toContain(path);
  });

  it('an amount that JSON parses to Infinity (1e999) -> budget.amount', async () => {
    const problem = expectProblem(
      await sendRaw('{"budget":{"amount":1e999,"unit":"tpu_v4_core_hours"}}'),
      400,
    );
    expect(problem.errors?.map((e) => e.path)).toContain('budget.amount');
  });

  it('a bare NaN token is malformed JSON', async () => {
    const problem = expectProblem(await sendRaw('{"budget":{"amount":NaN,"unit":"tpu_v4_core_hours"}}'), 400);
    expect(problem.type).toBe(PROBLEM_TYPES.malformedJson);
  });
});

describe('bad bodies', () => {
  it('malformed JSON is a 400', async () => {
    expect(expectProblem(await sendRaw('{"budget": {"amount": 5'), 400).type).toBe(
      PROBLEM_TYPES.malformedJson,
    );
  });

  it('text/plain is a 415', async () => {
    const response = await sendRaw(
      JSON.stringify({ budget: { amount: 5_000, unit: 'tpu_v4_core_hours' } }),
      'text/plain',
    );
    expect(expectProblem(response, 415).type).toBe(PROBLEM_TYPES.unsupportedMediaType);
  });

  it.each([
    ['__proto__', '{"budget":{"amount":5000,"unit":"tpu_v4_core_hours"},"__proto__":{"polluted":true}}'],
    [
      'constructor.prototype',
      '{"budget":{"amount":5000,"unit":"tpu_v4_core_hours"},"constructor":{"prototype":{"polluted":true}}}',
    ],
    [
      'a nested __proto__',
      '{"budget":{"amount":5000,"unit":"tpu_v4_core_hours","__proto__":{"polluted":true}}}',
    ],
  ])('%s is a 400 and pollutes nothing', async (_name, payload) => {
    expectProblem(await sendRaw(payload), 400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a body over BODY_LIMIT_BYTES is a 413', async () => {
    const small = await buildTestApp({ BODY_LIMIT_BYTES: '1024' });
    try {
      const payload = JSON.stringify({
        budget: { amount: 5_000, unit: 'tpu_v4_core_hours' },
        constraints: { models: Array(200).fill('F7+') },
      });
      expect(payload.length).toBeGreaterThan(1024);
      const response = await small.inject({
        method: 'POST',
        url: '/v1/plans',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(response, 413);
    } finally {
      await small.close();
    }
  });
});

describe('a constraint no variant can satisfy', () => {
  it('minEpochs 7 on F7+ with 500 core hours is a 422 saying why', async () => {
    const problem = expectProblem(
      await send({
        budget: { amount: 500, unit: 'tpu_v4_core_hours' },
        constraints: { minEpochs: 7, models: ['F7+'] },
      }),
      422,
    );
    expect(problem.type).toBe(PROBLEM_TYPES.infeasible);
    expect(problem.detail).toMatch(/7 epochs/);
    expect(problem.detail).toMatch(/500/);
    expect(problem.detail).toMatch(/constraints/);
  });

  it('maxEpochs below what the budget affords stops the run there, spends less, and says so', async () => {
    // F0 alone at 100,000 core hours could train ~64 epochs (its epoch costs ~1.56k); maxEpochs 1 stops it at 1.
    const p = await planOf({
      budget: { amount: 100_000, unit: 'tpu_v4_core_hours' },
      constraints: { maxEpochs: 1, models: ['F0'] },
    });
    expect(p.recommendation.epochs).toBe(1);
    expect(p.recommendation.costTpuV4CoreHours).toBeCloseTo(
      p.recommendation.model.costPerEpochTpuV4CoreHours,
      9,
    );
    expect(p.warnings.map((w) => w.code)).toContain('max_epochs_leaves_budget_unspent');
  });
});
