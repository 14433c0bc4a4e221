/**
 * GET /v1/evaluate through app.inject. Oracles: arithmetic on GET /v1/models' cost per epoch and FLOPs (cost =
 * epochs x cost per epoch, images = epochs x dataset, steps = ceil(images / batch), wall clock = cost / cores); the
 * laws' formulas computed here from GET /v1/laws coefficients (JFT loss and ImageNet top-1 error as
 * E + A / F^alpha + B / D^beta; the learning rate lr0 x min(1, (E / E0(F))^-d), E0(F) = E0(Fref) (F / Fref)^-g, on the
 * factor-2 grid from 1.6); the digitized Figure 2 runs (cost and loss of every trained configuration); the stated
 * paper ranges behind each warning.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationSchema } from '../../src/api/evaluate/schemas.js';
import { LawsResponseSchema } from '../../src/api/laws/schemas.js';
import { ModelsResponseSchema } from '../../src/api/models/schemas.js';
import { PROBLEM_TYPES } from '../../src/api/problem.js';
import { FIGURE2_JFT_VALIDATION_LOSS } from '../../src/core/dataset/figures.js';
import { buildTestApp, expectProblem } from './helpers.js';

type Laws = ReturnType<typeof LawsResponseSchema.parse>;
type Model = ReturnType<typeof ModelsResponseSchema.parse>['models'][number];
type Evaluation = ReturnType<typeof EvaluationSchema.parse>;
type Surface = Laws['jftLoss']['coefficients'];

let app: FastifyInstance;
let laws: Laws;
let models: Map<string, Model>;
beforeAll(async () => {
  app = await buildTestApp();
  laws = LawsResponseSchema.parse((await app.inject({ url: '/v1/laws' })).json());
  const body = ModelsResponseSchema.parse((await app.inject({ url: '/v1/models' })).json());
  models = new Map(body.models.map((m) => [m.name, m]));
});
afterAll(async () => app.close());

const JFT_IMAGES = 4e9;
// L = E + (A / F^alpha + B / D^beta)^gamma, gamma 1 (the additive form) when the law has none: the selected form.
const surface = (c: Surface, F: number, D: number) =>
  c.E + (c.A / F ** c.alpha + c.B / D ** c.beta) ** ((c as { gamma?: number }).gamma ?? 1);
const model = (name: string) => models.get(name) as Model;

async function evaluate(query: string): Promise<Evaluation> {
  const response = await app.inject({ url: `/v1/evaluate?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return EvaluationSchema.parse(response.json());
}

/** The Figure 3 law as GET /v1/laws states it, snapped to the factor-2 grid through 1.6. */
function expectedLearningRate(flopsPerImage: number, jftEpochs: number): number {
  const c = laws.learningRate.coefficients;
  const onsetEpochs =
    c.onsetEpochsAtReference * (flopsPerImage / c.referenceFlopsPerImage) ** -c.onsetFlopsExponent;
  const raw = c.shortRunLearningRate * Math.min(1, (jftEpochs / onsetEpochs) ** -c.epochsExponent);
  const grid = laws.learningRate.gridFactor;
  return c.shortRunLearningRate * grid ** Math.round(Math.log(raw / c.shortRunLearningRate) / Math.log(grid));
}

describe('GET /v1/evaluate?model=F3%2B&epochs=2', () => {
  it('costs 2 x the cost per epoch and sees 2 x 4.0e9 images in ceil(8e9 / 4096) steps', async () => {
    const e = await evaluate('model=F3%2B&epochs=2');
    const f3plus = model('F3+');
    expect(e.model.name).toBe('F3+');
    expect(e.model.params).toBe(f3plus.params);
    expect(e.model.flopsPerImage).toBe(f3plus.flops);
    expect(e.model.trainedInPaper).toBe(true);
    expect(e.epochs).toBe(2);
    expect(e.costTpuV4CoreHours).toBeCloseTo(2 * f3plus.costPerEpochTpuV4CoreHours, 9);
    expect(e.imagesSeen).toBe(8e9);
    expect(e.batchSize).toBe(4096);
    expect(e.steps).toBe(1_953_125);
    expect(e.wallClockHours).toBeUndefined();
  });

  it('predicts the JFT loss and ImageNet top-1 the laws give for F = flopsPerImage, D = imagesSeen', async () => {
    const e = await evaluate('model=F3%2B&epochs=2');
    const F = model('F3+').flops;
    expect(e.predicted.jftValidationLoss).toBeCloseTo(surface(laws.jftLoss.coefficients, F, 8e9), 12);
    expect(e.predicted.imagenetTop1Percent).toBeCloseTo(
      100 - surface(laws.finetune.coefficients, F, 8e9),
      10,
    );
    expect(e.provenance.lossLawId).toBe(laws.jftLoss.id);
  });

  it('the learning rate is the Figure 3 law on the factor-2 grid; trials are it and half of it', async () => {
    const e = await evaluate('model=F3%2B&epochs=2');
    const expected = expectedLearningRate(model('F3+').flops, 2);
    expect(e.learningRate.value).toBeCloseTo(expected, 12);
    expect(e.learningRate.trials).toEqual([e.learningRate.value, e.learningRate.value / 2]);
  });

  it('a previous optimum replaces the first trial (the new optimum is no larger)', async () => {
    const e = await evaluate('model=F3%2B&epochs=2&previousOptimalLearningRate=0.4');
    expect(e.learningRate.trials).toEqual([0.4, 0.2]);
  });

  it("a trained variant inside the paper's epochs warns nothing", async () => {
    expect((await evaluate('model=F3%2B&epochs=2')).warnings).toEqual([]);
  });
});

describe('laws and arithmetic across configurations', () => {
  it.each([
    ['F0', 0.25],
    ['F2', 1],
    ['F5+', 3],
    ['F7+', 8],
  ])('%s at %f epochs: predictions and learning rate from GET /v1/laws', async (name, epochs) => {
    const e = await evaluate(`model=${encodeURIComponent(name)}&epochs=${epochs}`);
    const F = model(name).flops;
    const D = epochs * JFT_IMAGES;
    expect(e.predicted.jftValidationLoss).toBeCloseTo(surface(laws.jftLoss.coefficients, F, D), 12);
    expect(e.predicted.imagenetTop1Percent).toBeCloseTo(100 - surface(laws.finetune.coefficients, F, D), 10);
    expect(e.learningRate.value).toBeCloseTo(expectedLearningRate(F, epochs), 12);
    expect(e.costTpuV4CoreHours).toBeCloseTo(epochs * model(name).costPerEpochTpuV4CoreHours, 8);
  });

  it('every digitized Figure 2 run: cost within 6 % and JFT loss within 2 % of what was measured', async () => {
    let worstCost = 0;
    for (const point of FIGURE2_JFT_VALIDATION_LOSS) {
      const e = await evaluate(`model=${encodeURIComponent(point.model)}&epochs=${point.epochs}`);
      const costError = Math.abs(e.costTpuV4CoreHours / point.tpuV4CoreHours - 1);
      worstCost = Math.max(worstCost, costError);
      expect(costError, `${point.model} x ${point.epochs}`).toBeLessThan(0.06);
      expect(Math.abs(e.predicted.jftValidationLoss / point.jftValidationLoss - 1)).toBeLessThan(0.02);
    }
    expect(worstCost).toBeGreaterThan(0);
  });

  it('a smaller dataset: cost per epoch and images scale by datasetImages / 4.0e9; batch size and cores apply', async () => {
    const e = await evaluate('model=F1&epochs=40&datasetImages=100000000&batchSize=1000&cores=64');
    const share = 1e8 / JFT_IMAGES;
    expect(e.model.costPerEpochTpuV4CoreHours).toBeCloseTo(model('F1').costPerEpochTpuV4CoreHours * share, 9);
    expect(e.imagesSeen).toBe(4e9);
    expect(e.costTpuV4CoreHours).toBeCloseTo(40 * model('F1').costPerEpochTpuV4CoreHours * share, 8);
    expect(e.steps).toBe(4_000_000);
    expect(e.batchSize).toBe(1000);
    expect(e.wallClockHours).toBeCloseTo(e.costTpuV4CoreHours / 64, 9);
    // 40 passes over 1e8 images are 1 JFT-4B epoch of images: predictions as for F1 at 1 JFT epoch.
    expect(e.predicted.jftValidationLoss).toBeCloseTo(
      surface(laws.jftLoss.coefficients, model('F1').flops, 4e9),
      12,
    );
    expect(e.warnings.map((w) => w.code)).toEqual(['dataset_repeated']);
  });
});

describe('warnings (stated ranges: epochs 0.25-8, six trained variants)', () => {
  it.each([
    ['model=F3&epochs=0.1', ['epochs_below_paper_range']],
    ['model=F3&epochs=10', ['epochs_above_paper_range']],
    ['model=F4%2B&epochs=1', ['interpolated_variant']],
    ['model=F2&epochs=20', ['epochs_above_paper_range', 'interpolated_variant']],
    ['model=F7&epochs=8', []],
    ['model=F0&epochs=0.25', []],
  ])('%s -> %j', async (query, codes) => {
    expect((await evaluate(query)).warnings.map((w) => w.code).sort()).toEqual([...codes].sort());
  });
});

describe('model names', () => {
  it.each(['f3%2B', 'NFNet-F3%2B'])('%s is documented as an alias of F3+', async (alias) => {
    expect((await evaluate(`model=${alias}&epochs=1`)).model.name).toBe('F3+');
  });

  it('an unencoded + (model=F3+ arrives as "F3 ") is a 400 on model that says to send %2B, not a silent F3', async () => {
    const response = await app.inject({ url: '/v1/evaluate?model=F3+&epochs=1' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors?.[0]?.path ?? response.json().detail).toMatch(/model/);
    expect(response.body).toMatch(/%2B/);
  });
});

describe('bad queries are 400s naming the parameter', () => {
  it.each([
    ['model=F9&epochs=2', 'model'],
    ['model=F3%2B%2B&epochs=2', 'model'],
    ['epochs=2', 'model'],
    ['model=F3', 'epochs'],
    ['model=F3&epochs=0', 'epochs'],
    ['model=F3&epochs=-1', 'epochs'],
    ['model=F3&epochs=abc', 'epochs'],
    ['model=F3&epochs=Infinity', 'epochs'],
    ['model=F3&epochs=1e9', 'epochs'],
    ['model=F3&epochs=1&datasetImages=10', 'datasetImages'],
    ['model=F3&epochs=1&batchSize=1.5', 'batchSize'],
    ['model=F3&epochs=1&cores=0', 'cores'],
    ['model=F3&epochs=1&colour=red', 'colour'],
  ])('?%s -> %s', async (query, path) => {
    const problem = expectProblem(await app.inject({ url: `/v1/evaluate?${query}` }), 400);
    expect(problem.type).toBe(PROBLEM_TYPES.validation);
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });
});
