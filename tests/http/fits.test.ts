/**
 * POST /v1/fits through the app. Oracles: the laws issue's coefficients as GET /v1/laws serves them (the surface
 * evaluated by hand here, E + A / F^alpha + B / D^beta, at every Figure 2 run), the definition of a percentile
 * interval around a point estimate, the contract (seeded: same request, same answer; at least 5 runs or a
 * 422; the returned law plans through POST /v1/plans under its own id) and the request schema's field paths.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countNfnet } from '../../src/core/architecture/count.js';
import { parseVariant } from '../../src/core/architecture/variants.js';
import { FACTS } from '../../src/core/dataset/facts.js';
import { FIGURE2_JFT_VALIDATION_LOSS } from '../../src/core/dataset/figures.js';
import { buildTestApp, expectProblem } from './helpers.js';

interface Coefficients {
  E: number;
  A: number;
  B: number;
  alpha: number;
  beta: number;
}
interface Interval {
  lower: number;
  upper: number;
}
interface FitsBody {
  coefficients: Coefficients;
  quality: { n: number; rmseRelative: number; r2Log: number; maxRelativeError: number };
  allocation: { exponents: { flopsPerImage: number; costPerEpoch: number; epochs: number } };
  bootstrap?: {
    samples: number;
    seed: number;
    level: number;
    coefficients: Record<keyof Coefficients, Interval>;
    allocationExponents: Record<'flopsPerImage' | 'costPerEpoch' | 'epochs', Interval> | null;
    samplesWithoutAllocation: number;
  };
  law: { id: string; coefficients: Coefficients };
}

/** Figure 2's 36 digitized runs, sent as a caller would send their own. */
const FIGURE2_RUNS = FIGURE2_JFT_VALIDATION_LOSS.map((p) => ({
  model: p.model,
  epochs: p.epochs,
  costTpuV4CoreHours: p.tpuV4CoreHours,
  loss: p.jftValidationLoss,
}));

/** The surface by hand: L(F, D) = E + A / F^alpha + B / D^beta. */
function surface(c: Coefficients, flopsPerImage: number, imagesSeen: number): number {
  return c.E + c.A / flopsPerImage ** c.alpha + c.B / imagesSeen ** c.beta;
}

let app: FastifyInstance;
let paperCoefficients: Coefficients;
beforeAll(async () => {
  app = await buildTestApp();
  const laws = await app.inject({ url: '/v1/laws' });
  expect(laws.statusCode).toBe(200);
  // POST /v1/fits fits the additive form: its oracle is the additive candidate GET /v1/laws reports for Figure 2.
  const selection = (
    laws.json() as { jftLoss: { selection: { candidates: { id: string; coefficients: Coefficients }[] } } }
  ).jftLoss.selection;
  paperCoefficients = selection.candidates.find((c) => c.id === 'additive')?.coefficients as Coefficients;
});
afterAll(async () => app.close());

const postFits = (payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/v1/fits', payload });

describe("POST /v1/fits on Figure 2's 36 runs", () => {
  it('recovers the paper’s additive surface: predictions within 0.1% of the additive candidate of GET /v1/laws at every run', async () => {
    const response = await postFits({ runs: FIGURE2_RUNS });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as FitsBody;
    expect(body.quality.n).toBe(36);
    expect(body.bootstrap).toBeUndefined();
    for (const run of FIGURE2_JFT_VALIDATION_LOSS) {
      // F as the paper's laws use it: forward FLOPs per image at 224 px and 30k classes; D = epochs x 4e9 images.
      const flopsPerImage = countNfnet(parseVariant(run.model)).flops;
      const imagesSeen = run.epochs * FACTS.jftImages.value;
      const ours = surface(body.coefficients, flopsPerImage, imagesSeen);
      const paper = surface(paperCoefficients, flopsPerImage, imagesSeen);
      expect(Math.abs(ours / paper - 1), `${run.model} x ${run.epochs} ep`).toBeLessThan(1e-3);
      // And both sit near the digitized loss (the laws issue's fit has a max relative error under 2%).
      expect(Math.abs(ours / run.jftValidationLoss - 1)).toBeLessThan(0.02);
    }
    expect(body.law.coefficients).toEqual(body.coefficients);
  });

  it('gives each coefficient a seeded 95% bootstrap interval that contains its point estimate', async () => {
    const response = await postFits({ runs: FIGURE2_RUNS, bootstrap: { samples: 200, seed: 7 } });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as FitsBody;
    const bootstrap = body.bootstrap;
    if (bootstrap === undefined) return expect.unreachable('bootstrap requested but absent');
    expect(bootstrap).toMatchObject({ samples: 200, seed: 7, level: 0.95 });
    for (const key of ['E', 'A', 'B', 'alpha', 'beta'] as const) {
      const { lower, upper } = bootstrap.coefficients[key];
      expect(lower, key).toBeLessThanOrEqual(body.coefficients[key]);
      expect(upper, key).toBeGreaterThanOrEqual(body.coefficients[key]);
      expect(upper, key).toBeGreaterThan(lower); // resampling 36 noisy runs does move the fit
    }
    // The runs carry costs of several sizes, so the allocation exponents get intervals too.
    const allocation = bootstrap.allocationExponents;
    if (allocation === null) return expect.unreachable('allocation intervals absent');
    for (const key of ['flopsPerImage', 'costPerEpoch', 'epochs'] as const) {
      expect(allocation[key].lower, key).toBeLessThanOrEqual(body.allocation.exponents[key]);
      expect(allocation[key].upper, key).toBeGreaterThanOrEqual(body.allocation.exponents[key]);
    }
  });

  it('answers the same request identically, and a different seed with different intervals', async () => {
    const request = { runs: FIGURE2_RUNS, bootstrap: { samples: 200, seed: 12345 } };
    const first = await postFits(request);
    const second = await postFits(request);
    expect(first.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    const reseeded = await postFits({ ...request, bootstrap: { samples: 200, seed: 54321 } });
    expect(reseeded.statusCode).toBe(200);
    const a = first.json() as FitsBody;
    const b = reseeded.json() as FitsBody;
    // The point estimate does not depend on the seed; the resampled intervals do.
    expect(b.coefficients).toEqual(a.coefficients);
    expect(b.bootstrap?.coefficients).not.toEqual(a.bootstrap?.coefficients);
  });

  it("returns its ensemble with the law, so plans made with it carry intervals and pick shares as the paper's do", async () => {
    const fit = (await postFits({ runs: FIGURE2_RUNS })).json() as FitsBody & {
      law: { ensemble?: { leaveOneModelOut: { heldOut: string }[]; residualLogSd: number } };
    };
    // One fit without each of the six trained models, named by its forward FLOPs per image.
    expect(fit.law.ensemble?.leaveOneModelOut.map((f) => Number(f.heldOut))).toEqual(
      ['F0', 'F1', 'F3', 'F3+', 'F7', 'F7+'].map((m) => countNfnet(parseVariant(m)).flops),
    );
    const planned = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      payload: {
        budget: { amount: 20_000, unit: 'tpu_v4_core_hours' },
        strategy: 'fitted',
        intervalLevel: 0.8,
        law: fit.law,
      },
    });
    expect(planned.statusCode, planned.body).toBe(200);
    const body = planned.json() as {
      uncertainty?: { level: number; members: number; resampling: string };
      ideal: { epochs: number; epochsInterval?: Interval };
      recommendation: {
        pickShare?: number;
        predicted: { jftValidationLoss: number; jftValidationLossConfidenceInterval?: Interval };
      };
    };
    expect(body.uncertainty?.level).toBe(0.8);
    expect(body.uncertainty?.members).toBe(200);
    expect(body.uncertainty?.resampling).toContain("your runs' model sizes");
    const { jftValidationLoss, jftValidationLossConfidenceInterval: ci } = body.recommendation.predicted;
    expect(ci?.lower).toBeLessThan(jftValidationLoss);
    expect(ci?.upper).toBeGreaterThan(jftValidationLoss);
    expect(body.recommendation.pickShare).toBeGreaterThan(0);
    expect(body.ideal.epochsInterval?.lower).toBeLessThan(body.ideal.epochs);
    expect(body.ideal.epochsInterval?.upper).toBeGreaterThan(body.ideal.epochs);
  });

  it('returns a law that POST /v1/plans accepts and names in provenance.lossLawId', async () => {
    const fit = (await postFits({ runs: FIGURE2_RUNS })).json() as FitsBody;
    const planned = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      payload: { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, law: fit.law },
    });
    expect(planned.statusCode, planned.body).toBe(200);
    const body = planned.json() as {
      provenance: { lossLawId: string };
      recommendation: {
        model: { flopsPerImage: number };
        imagesSeen: number;
        predicted: { jftValidationLoss: number };
      };
    };
    expect(body.provenance.lossLawId).toBe(fit.law.id);
    // The plan's loss is the returned surface at the plan's own F and D.
    const { flopsPerImage } = body.recommendation.model;
    expect(body.recommendation.predicted.jftValidationLoss).toBeCloseTo(
      surface(fit.law.coefficients, flopsPerImage, body.recommendation.imagesSeen),
      9,
    );
  });
});

describe('POST /v1/fits says which coefficients the runs do not pin down', () => {
  it("warns of nothing on Figure 2's 36 runs (6 model sizes, 6 lengths)", async () => {
    const response = await postFits({ runs: FIGURE2_RUNS });
    expect(response.json().warnings).toEqual([]);
  });

  it('warns that A and alpha are not identified when the runs cover only two model sizes', async () => {
    const twoSizes = FIGURE2_RUNS.filter((run) => run.model === 'F0' || run.model === 'F1');
    const response = await postFits({ runs: twoSizes });
    expect(response.statusCode).toBe(200);
    expect(response.json().warnings.map((w: { code: string }) => w.code)).toEqual([
      'model_size_term_not_identified',
      'law_without_ensemble',
    ]);
  });
});

describe('POST /v1/fits rejects what cannot be fitted', () => {
  it('answers 4 runs with a 422 that says at least 5 are needed', async () => {
    const problem = expectProblem(await postFits({ runs: FIGURE2_RUNS.slice(0, 4) }), 422);
    expect(problem.detail).toMatch(/\b5\b/);
    expect(problem.context).toMatchObject({ minRuns: 5, runs: 4 });
  });

  it.each([
    ['a negative loss', { loss: -1 }, 'runs.2.loss'],
    ['a string loss', { loss: '2.5' }, 'runs.2.loss'],
    ['zero epochs', { epochs: 0 }, 'runs.2.epochs'],
    ['an unknown field', { lr: 0.1 }, 'runs.2.lr'],
  ])('answers a run with %s with a 400 naming the field', async (_name, change, path) => {
    const runs = FIGURE2_RUNS.map((run, i) => (i === 2 ? { ...run, ...change } : run));
    const problem = expectProblem(await postFits({ runs }), 400);
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });

  it('answers a run missing its loss with a 400 naming runs.2.loss', async () => {
    const runs = FIGURE2_RUNS.map(({ loss, ...rest }, i) => (i === 2 ? rest : { ...rest, loss }));
    const problem = expectProblem(await postFits({ runs }), 400);
    expect(problem.errors?.map((e) => e.path)).toContain('runs.2.loss');
  });

  it('answers a run with both model and flopsPerImage with a 400', async () => {
    const runs = FIGURE2_RUNS.map((run, i) => (i === 3 ? { ...run, flopsPerImage: 1e10 } : run));
    const problem = expectProblem(await postFits({ runs }), 400);
    expect(problem.errors?.map((e) => e.path).join(' ')).toMatch(/runs\.3/);
  });

  it('answers bootstrap samples of 0 with a 400 naming bootstrap.samples', async () => {
    const problem = expectProblem(await postFits({ runs: FIGURE2_RUNS, bootstrap: { samples: 0 } }), 400);
    expect(problem.errors?.map((e) => e.path)).toContain('bootstrap.samples');
  });
});
