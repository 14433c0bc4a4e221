/**
 * The ensemble of the paper's laws and what plans read from it. Oracles: published values (AS 241's normal
 * quantiles), the members' own laws evaluated directly (the grid must reproduce them), synthetic replicates with a
 * known answer (zero residuals must refit to the point law), and invariants over thousands of generated requests
 * (intervals contain their point, nest, widen with the level and stay within physical bounds; shares sum to 1).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { NFNET_VARIANTS } from '../../../src/core/architecture/variants.js';
import { FIGURE2_JFT_VALIDATION_LOSS } from '../../../src/core/dataset/figures.js';
import { InfeasibleError, PlannerInputError } from '../../../src/core/errors.js';
import { fitRuns } from '../../../src/core/fits/fitRuns.js';
import { fittedAllocationExponents } from '../../../src/core/laws/allocation.js';
import { refitCandidate } from '../../../src/core/laws/lawSelection.js';
import { jftLossObservations } from '../../../src/core/laws/lossLaw.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import { predictSurface } from '../../../src/core/laws/surface.js';
import { createPlannerContext, type PlannerContext } from '../../../src/core/planner/context.js';
import { type Plan, plan } from '../../../src/core/planner/plan.js';
import { type CustomLaw, OBJECTIVES, STRATEGIES } from '../../../src/core/planner/request.js';
import { budgetForTarget } from '../../../src/core/targets/budgetForTarget.js';
import { exponentIntervals } from '../../../src/core/uncertainty/exponentIntervals.js';
import { type Interval, predictionIntervals } from '../../../src/core/uncertainty/intervals.js';
import {
  ENSEMBLE_MEMBERS,
  fitLawEnsemble,
  type LawEnsemble,
  memberQuantity,
  mixMembers,
  normalGenerator,
} from '../../../src/core/uncertainty/lawEnsemble.js';
import { normalQuantile } from '../../../src/core/uncertainty/normalQuantile.js';
import { buildPlannerUncertainty } from '../../../src/core/uncertainty/plannerUncertainty.js';
import { gridPosition, memberValues } from '../../../src/core/uncertainty/predictionGrid.js';
import { logUniform } from '../arbitraries.js';

let laws: ReturnType<typeof fitPaperLaws>;
let ensemble: LawEnsemble;
let context: PlannerContext;
beforeAll(() => {
  laws = fitPaperLaws();
  ensemble = fitLawEnsemble(laws);
  context = createPlannerContext(laws, ensemble);
});

describe('normalQuantile (oracle: Wichura 1988, AS 241, and standard tables)', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.95, 1.6448536269514722],
    [0.25, -0.6744897501960817],
    [0.001, -3.090232306167813],
    [1e-20, -9.26234008979841],
    [0.5, 0],
  ])('z(%d) = %d', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 12);
  });

  it('is antisymmetric and refuses p outside (0, 1)', () => {
    for (const p of [0.01, 0.2, 0.4, 0.49]) expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(p), 14);
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('the ensemble', () => {
  it(`has ${ENSEMBLE_MEMBERS} members, the same for the same seed, others for another`, () => {
    expect(ensemble.memberCount).toBe(200);
    expect(ensemble.models).toEqual(['F0', 'F1', 'F3', 'F3+', 'F7', 'F7+']);
    const again = fitLawEnsemble(laws, { members: 5 });
    expect([...again.weights]).toEqual([...ensemble.weights.subarray(0, 5 * 6)]);
    const other = fitLawEnsemble(laws, { members: 5, seed: 1 });
    expect(other.weights[0]).not.toBe(ensemble.weights[0]);
  });

  it('Box-Muller normals: mean near 0 and variance near 1 over 20,000 draws, the same for the same seed', () => {
    const normal = normalGenerator(7);
    const draws = Array.from({ length: 20_000 }, () => normal());
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    const again = normalGenerator(7);
    expect(again()).toBe(draws[0]);
  });

  it('mixing has the jackknife variance (hand-worked: two leave-one-out values at +-1 give (G - 1) / G x 2 = 1)', () => {
    const M = 20_000;
    const normal = normalGenerator(3);
    const weights = Float64Array.from({ length: M * 2 }, () => normal());
    const out = new Float64Array(M);
    mixMembers({ memberCount: M, models: ['a', 'b'], weights }, ['a', 'b'], 5, [1, -1], out);
    const mean = out.reduce((a, b) => a + b, 0) / M;
    const variance = out.reduce((a, b) => a + (b - mean) ** 2, 0) / M;
    expect(mean).toBeCloseTo(5, 1);
    expect(variance).toBeCloseTo(1, 1);
  });

  it('a replicate with no residual refits to the point law (synthetic: the fitted values themselves)', () => {
    const observations = jftLossObservations().map((o) => ({
      ...o,
      value: predictSurface(laws.jftLoss.coefficients, o.flopsPerImage, o.imagesSeen),
    }));
    const refit = refitCandidate(
      laws.jftLoss.selection.selected,
      observations,
      FIGURE2_JFT_VALIDATION_LOSS.map((p) => p.tpuV4CoreHours),
      laws.jftLoss.coefficients,
    );
    for (const o of observations)
      expect(predictSurface(refit, o.flopsPerImage, o.imagesSeen) / o.value).toBeCloseTo(1, 6);
  });

  it("members scatter around the point law: the point's prediction of each paper run lies inside the members' range", () => {
    for (const o of jftLossObservations()) {
      const values = memberQuantity(ensemble, ensemble.jftLoss, (law) =>
        predictSurface(law, o.flopsPerImage, o.imagesSeen),
      );
      const point = predictSurface(laws.jftLoss.coefficients, o.flopsPerImage, o.imagesSeen);
      expect(Math.min(...values)).toBeLessThan(point);
      expect(Math.max(...values)).toBeGreaterThan(point);
    }
  });

  it("the paper's best run (F7+, 8 epochs, a data point) gets a narrow interval: the 90 % top-1 band within 2 points", () => {
    const p = plan(context, {
      budget: { amount: 8 * context.byName['F7+'].costPerEpochTpuV4CoreHours, unit: 'tpu_v4_core_hours' },
      constraints: { models: ['F7+'] },
    });
    const ci = p.recommendation.predicted.imagenetTop1PercentConfidenceInterval as Interval;
    expect(ci.upper - ci.lower).toBeLessThan(2);
    expect(ci.lower).toBeLessThan(90.3 + 1);
    expect(ci.upper).toBeGreaterThan(90.3 - 1);
  });

  it('the tabulated grid reproduces every member at random sizes and lengths within 1e-4 (oracle: mixing the fits directly)', () => {
    const grid = context.uncertainty?.grid;
    if (grid === undefined) throw new Error('no grid');
    const out = new Float64Array(grid.members);
    fc.assert(
      fc.property(fc.constantFrom(...NFNET_VARIANTS), logUniform(1e6, 1e15), (variant, imagesSeen) => {
        memberValues(
          grid,
          'jftLoss',
          grid.variantIndex.get(variant) as number,
          gridPosition(Math.log(imagesSeen)),
          out,
        );
        const F = context.byName[variant].flopsPerImage;
        const exact = memberQuantity(ensemble, ensemble.jftLoss, (law) => predictSurface(law, F, imagesSeen));
        exact.forEach((x, i) => {
          expect(Math.abs((out[i] as number) / x - 1)).toBeLessThan(1e-4);
        });
      }),
      { numRuns: 200 },
    );
  });
});

const budget = logUniform(1, 1e7);

/** The laws a plan may use: the paper's, and a caller's as POST /v1/fits returns it for Figure 2's runs. */
let callerLaw: CustomLaw;
beforeAll(() => {
  const runs = FIGURE2_JFT_VALIDATION_LOSS.map((p) => ({
    model: p.model,
    epochs: p.epochs,
    loss: p.jftValidationLoss,
  }));
  callerLaw = fitRuns({ runs }, laws.costModel).law;
});
const LAW_CASES = [
  { laws: "the paper's laws", law: (): CustomLaw | undefined => undefined, objectives: OBJECTIVES },
  {
    laws: "a caller's law with its ensemble (POST /v1/fits on Figure 2's runs)",
    law: (): CustomLaw | undefined => callerLaw,
    objectives: ['jft_loss'] as const,
  },
];

for (const lawCase of LAW_CASES) {
  const request = fc.record({
    tpuV4CoreHours: budget,
    strategy: fc.constantFrom(...STRATEGIES),
    objective: fc.constantFrom(...lawCase.objectives),
    level: fc.double({ min: 0.5, max: 0.99, noNaN: true }),
  });

  function planAt(
    r: { tpuV4CoreHours: number; strategy: Plan['strategy']; objective: Plan['objective'] },
    level: number,
  ) {
    const law = lawCase.law();
    return plan(context, {
      budget: { amount: r.tpuV4CoreHours, unit: 'tpu_v4_core_hours' },
      strategy: r.strategy,
      objective: r.objective,
      intervalLevel: level,
      ...(law && { law }),
    });
  }

  describe(`intervals and pick shares in plans with ${lawCase.laws} (properties over generated requests)`, () => {
    it('every interval contains its point, the prediction interval contains the confidence one, all within bounds', () => {
      fc.assert(
        fc.property(request, (r) => {
          const p = planAt(r, r.level);
          expect(p.uncertainty?.level).toBe(r.level);
          for (const run of [p.recommendation, ...p.alternatives]) {
            const q = run.predicted;
            const checks: [Interval | undefined, Interval | undefined, number, number, number][] = [
              [
                q.jftValidationLossConfidenceInterval,
                q.jftValidationLossPredictionInterval,
                q.jftValidationLoss,
                0,
                Math.log(30_000),
              ],
              [
                q.imagenetTop1PercentConfidenceInterval,
                q.imagenetTop1PercentPredictionInterval,
                q.imagenetTop1Percent,
                0.1,
                100,
              ],
            ];
            for (const [ci, pi, point, min, max] of checks) {
              if (ci === undefined || pi === undefined) throw new Error('missing interval');
              expect(ci.lower).toBeLessThanOrEqual(point);
              expect(ci.upper).toBeGreaterThanOrEqual(point);
              expect(pi.lower).toBeLessThanOrEqual(ci.lower);
              expect(pi.upper).toBeGreaterThanOrEqual(ci.upper);
              expect(pi.lower).toBeGreaterThanOrEqual(min);
              expect(pi.upper).toBeLessThanOrEqual(max);
            }
          }
          const { epochsInterval, flopsPerImageInterval } = p.ideal;
          expect(epochsInterval?.lower).toBeLessThanOrEqual(p.ideal.epochs);
          expect(epochsInterval?.upper).toBeGreaterThanOrEqual(p.ideal.epochs);
          expect(flopsPerImageInterval?.lower).toBeLessThanOrEqual(p.ideal.flopsPerImage);
          expect(flopsPerImageInterval?.upper).toBeGreaterThanOrEqual(p.ideal.flopsPerImage);
        }),
        { numRuns: 1_000 },
      );
    });

    it('intervals widen with the level', () => {
      fc.assert(
        fc.property(request, fc.double({ min: 0.5, max: 0.99, noNaN: true }), (r, other) => {
          const [low, high] = [Math.min(r.level, other), Math.max(r.level, other)];
          const a = planAt(r, low).recommendation.predicted;
          const b = planAt(r, high).recommendation.predicted;
          for (const key of [
            'jftValidationLossConfidenceInterval',
            'jftValidationLossPredictionInterval',
            'imagenetTop1PercentConfidenceInterval',
            'imagenetTop1PercentPredictionInterval',
          ] as const) {
            expect(b[key]?.lower).toBeLessThanOrEqual(a[key]?.lower as number);
            expect(b[key]?.upper).toBeGreaterThanOrEqual(a[key]?.upper as number);
          }
        }),
        { numRuns: 500 },
      );
    });

    it("shares lie in [0, 1]; the recommendation's is the largest listed, or the plan says why not", () => {
      let nearTies = 0;
      fc.assert(
        fc.property(request, (r) => {
          const p = planAt(r, 0.9);
          const mine = p.recommendation.pickShare as number;
          expect(mine).toBeGreaterThanOrEqual(0);
          expect(mine).toBeLessThanOrEqual(1);
          const codes = p.warnings.map((w) => w.code);
          for (const alt of p.alternatives) {
            expect(alt.pickShare).toBeGreaterThanOrEqual(0);
            expect(alt.pickShare).toBeLessThanOrEqual(1);
            if ((alt.pickShare as number) > mine && alt.model.name !== p.recommendation.model.name)
              expect(codes).toContain('pick_not_most_likely_best');
          }
          expect(codes.includes('pick_near_tie')).toBe(mine < 0.5);
          if (mine < 0.5) nearTies++;
        }),
        { numRuns: 1_000 },
      );
      expect(nearTies).toBeGreaterThan(0);
    });
  });
}

describe("pick shares in plans with the paper's laws", () => {
  it('shares of distinct runs sum to at most 1, and to 1 when the runner-up is listed with the pick alone winning the rest', () => {
    const p = plan(context, { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, strategy: 'fitted' });
    const distinct = new Map<string, number>();
    for (const run of [p.recommendation, ...p.alternatives])
      distinct.set(`${run.model.name}@${run.epochs}`, run.pickShare as number);
    const total = [...distinct.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(1 + 1e-12);
    expect(p.recommendation.pickShare).toBeGreaterThan(0.5);
  });

  it('equal_rate at 20,000 core hours follows the rule, not the laws: pick_near_tie and pick_not_most_likely_best name the fitted pick', () => {
    const p = plan(context, {
      budget: { amount: 20_000, unit: 'tpu_v4_core_hours' },
      strategy: 'equal_rate',
    });
    const fitted = plan(context, {
      budget: { amount: 20_000, unit: 'tpu_v4_core_hours' },
      strategy: 'fitted',
    });
    const codes = p.warnings.map((w) => w.code);
    expect(codes).toContain('pick_near_tie');
    expect(codes).toContain('pick_not_most_likely_best');
    expect(p.warnings.find((w) => w.code === 'pick_not_most_likely_best')?.message).toMatch(
      new RegExp(`^${fitted.recommendation.model.name.replace('+', '\\+')} `),
    );
  });
});

describe('predictionIntervals on a hand-made ensemble (oracle: the formulas worked by hand)', () => {
  it('leave-one-out fits all above the point: the confidence interval still reaches down to it; the prediction one adds z sigma', () => {
    // Every fit without a model is the point law shifted up by 0.1 in E: the jackknife deviations are all zero, so
    // every member is the point, and only the residual scatter widens the prediction interval.
    const shifted = { ...laws.jftLoss.coefficients, E: laws.jftLoss.coefficients.E + 0.1 };
    const handMade: LawEnsemble = {
      ...ensemble,
      jftLoss: {
        point: laws.jftLoss.coefficients,
        leaveOneOut: ensemble.jftLoss.leaveOneOut.map((f) => ({ model: f.model, law: shifted })),
      },
      residualLogSd: { jftLoss: 0.01, finetune: 0.02 },
    };
    const uncertainty = buildPlannerUncertainty(
      handMade,
      Object.fromEntries(NFNET_VARIANTS.map((v) => [v, context.byName[v].flopsPerImage])) as never,
      laws.costModel.flopsPowerLaw,
    );
    const D = 8e9;
    const F = context.byName['F3+'].flopsPerImage;
    const point = predictSurface(laws.jftLoss.coefficients, F, D);
    const top1 = 100 - predictSurface(laws.finetune.coefficients, F, D);
    const q = predictionIntervals(
      uncertainty,
      'F3+',
      D,
      { jftValidationLoss: point, imagenetTop1Percent: top1 },
      0.9,
      {
        maxJftValidationLoss: Math.log(30_000),
        minImagenetTop1Percent: 0.1,
      },
    );
    const z = 1.6448536269514722;
    // The grid's interpolation and 32-bit storage: within 1e-4 relative (see above).
    expect(q.jftValidationLossConfidenceInterval.lower / point).toBeCloseTo(1, 4);
    expect(q.jftValidationLossConfidenceInterval.upper / point).toBeCloseTo(1, 4);
    expect(q.jftValidationLossPredictionInterval.lower / (point * Math.exp(-z * 0.01))).toBeCloseTo(1, 4);
    expect(q.jftValidationLossPredictionInterval.upper / (point * Math.exp(z * 0.01))).toBeCloseTo(1, 4);
  });

  it('a point below every member: the confidence interval is widened down to it (synthetic: the point law shifted down)', () => {
    const lowered = { ...laws.jftLoss.coefficients, E: laws.jftLoss.coefficients.E - 0.1 };
    const D = 8e9;
    const F = context.byName['F3+'].flopsPerImage;
    const point = predictSurface(lowered, F, D);
    const uncertainty = context.uncertainty;
    if (uncertainty === undefined) throw new Error('no ensemble');
    const q = predictionIntervals(
      uncertainty,
      'F3+',
      D,
      { jftValidationLoss: point, imagenetTop1Percent: 89 },
      0.9,
      { maxJftValidationLoss: Math.log(30_000), minImagenetTop1Percent: 0.1 },
    );
    expect(q.jftValidationLossConfidenceInterval.lower).toBe(point);
    expect(q.jftValidationLossConfidenceInterval.upper).toBeGreaterThan(point + 0.09);
  });
});

describe('exponent intervals for GET /v1/laws', () => {
  it("contain the point fit's exponents, and say whether 0.5 lies inside both, as the intervals show", () => {
    for (const [fits, point] of [
      [ensemble.jftLoss, laws.jftLoss.coefficients],
      [ensemble.finetune, laws.finetune.coefficients],
    ] as const) {
      const e = exponentIntervals(ensemble, fits, 0.9, 0.5);
      const exact = fittedAllocationExponents(point, laws.costModel.flopsPowerLaw);
      expect(e.costPerEpoch.lower).toBeLessThanOrEqual(exact.costPerEpoch);
      expect(e.costPerEpoch.upper).toBeGreaterThanOrEqual(exact.costPerEpoch);
      expect(e.epochs.lower).toBeLessThanOrEqual(exact.epochs);
      expect(e.epochs.upper).toBeGreaterThanOrEqual(exact.epochs);
      const inside = (i: Interval) => i.lower <= 0.5 && 0.5 <= i.upper;
      expect(e.paperRuleInside).toBe(inside(e.costPerEpoch) && inside(e.epochs));
      expect(e.statement).toMatch(e.paperRuleInside ? /inside/ : /outside/);
    }
  });

  it('leave-one-out fits equal to the point give a zero-width interval at its exponent (hand-worked: alpha / (alpha + g beta))', () => {
    const same: LawEnsemble = {
      ...ensemble,
      jftLoss: {
        point: laws.jftLoss.coefficients,
        leaveOneOut: ensemble.jftLoss.leaveOneOut.map((f) => ({
          model: f.model,
          law: laws.jftLoss.coefficients,
        })),
      },
      costLaw: {
        point: ensemble.costLaw.point,
        leaveOneOut: ensemble.costLaw.leaveOneOut.map((f) => ({
          model: f.model,
          law: ensemble.costLaw.point,
        })),
      },
    };
    const e = exponentIntervals(same, same.jftLoss, 0.9, 0.5);
    const { alpha, beta } = laws.jftLoss.coefficients;
    const g = ensemble.costLaw.point.exponent;
    expect(e.epochs.lower).toBeCloseTo(alpha / (alpha + g * beta), 12);
    expect(e.epochs.upper).toBeCloseTo(alpha / (alpha + g * beta), 12);
  });
});

describe('POST /v1/targets: an interval on the budget', () => {
  it("contains byLaw's budget, widens with the level, and is absent without an ensemble", () => {
    const at = (level: number) =>
      budgetForTarget(context, { target: { jftValidationLoss: 2.45 }, intervalLevel: level }).byLaw;
    const narrow = at(0.5);
    const wide = at(0.95);
    for (const b of [narrow, wide]) {
      expect(b.tpuV4CoreHoursInterval?.lower).toBeLessThanOrEqual(b.tpuV4CoreHours);
      expect(b.tpuV4CoreHoursInterval?.upper).toBeGreaterThanOrEqual(b.tpuV4CoreHours);
    }
    expect(wide.tpuV4CoreHoursInterval?.lower).toBeLessThanOrEqual(
      narrow.tpuV4CoreHoursInterval?.lower as number,
    );
    expect(wide.tpuV4CoreHoursInterval?.upper).toBeGreaterThanOrEqual(
      narrow.tpuV4CoreHoursInterval?.upper as number,
    );
    const pointOnly = createPlannerContext(laws);
    expect(
      budgetForTarget(pointOnly, { target: { jftValidationLoss: 2.45 } }).byLaw.tpuV4CoreHoursInterval,
    ).toBe(undefined);
  });
});

describe("plans with any caller's law and ensemble the API accepts (property over laws at the edges of the schema)", () => {
  it('answer a plan whose every number is finite, or refuse with a planner error; never NaN or Infinity', () => {
    const positive = fc.double({ min: 1e-300, max: 1e300, noNaN: true });
    const exponent = fc.double({ min: 1e-300, max: 5, noNaN: true });
    const coefficients = fc.record({
      E: positive,
      A: positive,
      B: positive,
      alpha: exponent,
      beta: exponent,
    });
    fc.assert(
      fc.property(
        coefficients,
        fc.array(coefficients, { minLength: 4, maxLength: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        logUniform(1, 1e8),
        fc.constantFrom(...STRATEGIES),
        (point, leaveOneOut, residualLogSd, amount, strategy) => {
          const law: CustomLaw = {
            coefficients: point,
            ensemble: {
              leaveOneModelOut: leaveOneOut.map((c, i) => ({ heldOut: `size ${i}`, coefficients: c })),
              residualLogSd,
            },
          };
          let p: Plan;
          try {
            p = plan(context, { budget: { amount, unit: 'tpu_v4_core_hours' }, strategy, law });
          } catch (error) {
            expect(error).toSatisfy((e) => e instanceof InfeasibleError || e instanceof PlannerInputError);
            return;
          }
          const numbers = (value: unknown): number[] =>
            typeof value === 'number'
              ? [value]
              : typeof value === 'object' && value !== null
                ? Object.values(value).flatMap(numbers)
                : [];
          expect(numbers(p).every(Number.isFinite)).toBe(true);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
