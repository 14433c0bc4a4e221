/**
 * GET /v1/frontier through the app. Oracles: the definition of a log grid (first = from, last = to, equal ratios
 * between neighbours); the frontier L* = a C^-b evaluated by hand with a and b from GET /v1/laws; POST /v1/plans at
 * the same budget, strategy and objective (each series entry is that plan, abridged); the paper's stated range
 * (FACTS) as the default; the dataset's figures for the measured points; the query schema's bounds.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTS } from '../../src/core/dataset/facts.js';
import { FIGURE1_NFNET_IMAGENET_ERROR, FIGURE2_JFT_VALIDATION_LOSS } from '../../src/core/dataset/figures.js';
import { buildTestApp, expectProblem } from './helpers.js';

interface StrategyPoint {
  ideal: { epochs: number; costPerEpochTpuV4CoreHours: number; flopsPerImage: number };
  recommendation: {
    model: string;
    epochs: number;
    costPerEpochTpuV4CoreHours: number;
    predicted: { jftValidationLoss: number; imagenetTop1Percent: number };
  };
}
interface FrontierBody {
  objective: string;
  series: {
    tpuV4CoreHours: number;
    frontierJftValidationLoss: number;
    equalRate: StrategyPoint;
    fitted: StrategyPoint;
  }[];
  measured: {
    figure: string;
    provenance: string;
    points: { model: string; epochs: number; tpuV4CoreHours: number; value: number }[];
  };
}

let app: FastifyInstance;
let frontierLaw: { a: number; b: number };
beforeAll(async () => {
  app = await buildTestApp();
  frontierLaw = ((await app.inject({ url: '/v1/laws' })).json() as { frontier: { a: number; b: number } })
    .frontier;
});
afterAll(async () => app.close());

async function getFrontier(query: string): Promise<FrontierBody> {
  const response = await app.inject({ url: `/v1/frontier${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as FrontierBody;
}

/** Every number anywhere in a value, for the no-NaN/Infinity rule. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(numbersIn);
  return [];
}

function expectLogGrid(budgets: readonly number[], from: number, to: number, points: number): void {
  expect(budgets).toHaveLength(points);
  // The ends are the requested budgets exactly, not exp(log(x)) round trips.
  expect(budgets[0]).toBe(from);
  expect(budgets.at(-1)).toBe(to);
  const ratio = (to / from) ** (1 / (points - 1));
  for (let i = 1; i < budgets.length; i++)
    expect((budgets[i] as number) / (budgets[i - 1] as number)).toBeCloseTo(ratio, 10);
}

describe('GET /v1/frontier', () => {
  it.each([
    [100, 10_000, 3],
    [400, 110_000, 7],
    [1, 1e9, 200],
  ])('puts its budgets on a log grid from %f to %f in %i points', async (from, to, points) => {
    const body = await getFrontier(`?from=${from}&to=${to}&points=${points}`);
    expectLogGrid(
      body.series.map((s) => s.tpuV4CoreHours),
      from,
      to,
      points,
    );
    expect(numbersIn(body).every(Number.isFinite)).toBe(true);
  });

  it("defaults to the paper's stated range in 25 points, with the jft_loss objective", async () => {
    const body = await getFrontier('');
    expect(body.objective).toBe('jft_loss');
    expectLogGrid(
      body.series.map((s) => s.tpuV4CoreHours),
      FACTS.budgetMinTpuV4CoreHours.value,
      FACTS.budgetMaxTpuV4CoreHours.value,
      25,
    );
  });

  it('gives the frontier a x C^-b with a and b from GET /v1/laws, falling with the budget', async () => {
    const body = await getFrontier('?from=10&to=1000000&points=9');
    for (const s of body.series)
      expect(s.frontierJftValidationLoss).toBeCloseTo(frontierLaw.a * s.tpuV4CoreHours ** -frontierLaw.b, 12);
    const losses = body.series.map((s) => s.frontierJftValidationLoss);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1] as number);
  });

  it.each(['jft_loss', 'imagenet_top1'])(
    'gives, per budget and strategy, the recommendation POST /v1/plans makes (objective %s)',
    async (objective) => {
      const body = await getFrontier(`?from=500&to=50000&points=4&objective=${objective}`);
      expect(body.objective).toBe(objective);
      for (const s of body.series)
        for (const [strategy, point] of [
          ['equal_rate', s.equalRate],
          ['fitted', s.fitted],
        ] as const) {
          const response = await app.inject({
            method: 'POST',
            url: '/v1/plans',
            payload: { budget: { amount: s.tpuV4CoreHours, unit: 'tpu_v4_core_hours' }, strategy, objective },
          });
          const plan = response.json() as {
            ideal: StrategyPoint['ideal'];
            recommendation: { model: { name: string }; epochs: number; predicted: object };
          };
          expect(point.recommendation.model).toBe(plan.recommendation.model.name);
          expect(point.recommendation.epochs).toBe(plan.recommendation.epochs);
          expect(point.recommendation.predicted).toEqual(plan.recommendation.predicted);
          expect(point.ideal.epochs).toBe(plan.ideal.epochs);
        }
    },
  );

  it("states its intervals' level once, and gives at intervalLevel the predictions POST /v1/plans gives at that level", async () => {
    type Uncertain = FrontierBody & { uncertainty: { level: number; members: number } };
    const standard = (await getFrontier('?from=500&to=50000&points=3')) as Uncertain;
    const narrow = (await getFrontier('?from=500&to=50000&points=3&intervalLevel=0.5')) as Uncertain;
    expect(standard.uncertainty.level).toBe(0.9);
    expect(narrow.uncertainty.level).toBe(0.5);
    expect(narrow.uncertainty.members).toBe(standard.uncertainty.members);
    for (const [i, s] of narrow.series.entries()) {
      const plan = (
        await app.inject({
          method: 'POST',
          url: '/v1/plans',
          payload: { budget: { amount: s.tpuV4CoreHours, unit: 'tpu_v4_core_hours' }, intervalLevel: 0.5 },
        })
      ).json() as { recommendation: { predicted: object } };
      expect(s.equalRate.recommendation.predicted).toEqual(plan.recommendation.predicted);
      // The same run at a lower level: a narrower interval inside the wider one.
      const interval = (p: object) =>
        (p as { jftValidationLossConfidenceInterval: { lower: number; upper: number } })
          .jftValidationLossConfidenceInterval;
      const wide = interval(standard.series[i]?.equalRate.recommendation.predicted as object);
      const tight = interval(s.equalRate.recommendation.predicted);
      expect(tight.lower).toBeGreaterThan(wide.lower);
      expect(tight.upper).toBeLessThan(wide.upper);
    }
  });

  it("carries Figure 2's 36 runs for jft_loss and Figure 1's 25 for imagenet_top1", async () => {
    const loss = (await getFrontier('?points=2')).measured;
    expect(loss).toMatchObject({ figure: 'Figure 2', provenance: 'digitized' });
    expect(loss.points).toHaveLength(36);
    expect(loss.points.map((p) => p.value)).toEqual(
      FIGURE2_JFT_VALIDATION_LOSS.map((p) => p.jftValidationLoss),
    );

    const top1 = (await getFrontier('?points=2&objective=imagenet_top1')).measured;
    expect(top1).toMatchObject({ figure: 'Figure 1', provenance: 'digitized' });
    expect(top1.points).toHaveLength(25);
    // Top-1 is 100 minus Figure 1's digitized error.
    expect(top1.points.map((p) => p.value)).toEqual(
      FIGURE1_NFNET_IMAGENET_ERROR.map((p) => 100 - p.imagenetTop1ErrorPercent),
    );
  });
});

describe('GET /v1/frontier rejects a bad query', () => {
  it.each([
    ['to below from', '?from=1000&to=100', 'to'],
    ['to equal to from', '?from=1000&to=1000', 'to'],
    ['1 point', '?points=1', 'points'],
    ['201 points', '?points=201', 'points'],
    ['a fractional point count', '?points=2.5', 'points'],
    ['from below 1 core hour', '?from=0.5', 'from'],
    ['to above 1e9 core hours', '?to=2e9', 'to'],
    ['a non-number', '?from=abc', 'from'],
    ['an unknown objective', '?objective=accuracy', 'objective'],
    ['an unknown parameter', '?budget=100', 'budget'],
    ['an interval level above 0.99', '?intervalLevel=1', 'intervalLevel'],
    ['an interval level below 0.5', '?intervalLevel=0.4', 'intervalLevel'],
  ])('answers %s with a 400 naming the parameter', async (_name, query, path) => {
    const problem = expectProblem(await app.inject({ url: `/v1/frontier${query}` }), 400);
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });
});
