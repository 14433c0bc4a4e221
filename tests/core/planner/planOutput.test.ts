/**
 * What plan() returns beside its pick: the ideal's intervals, the refusals, the budget and provenance it echoes.
 * Oracles: the ensemble members' optimum lines read directly and their quantiles taken by sorting (Hyndman & Fan's
 * definition 7), the stated rule (no fitted quantity in it, so a point interval), a caller's ensemble whose fits all
 * equal its law (a point interval), and the documented errors and texts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { InfeasibleError } from '../../../src/core/errors.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import { createPlannerContext, type PlannerContext } from '../../../src/core/planner/context.js';
import { type Plan, plan } from '../../../src/core/planner/plan.js';
import type { PlanRequest } from '../../../src/core/planner/request.js';
import { fitLawEnsemble } from '../../../src/core/uncertainty/lawEnsemble.js';

let context: PlannerContext;
beforeAll(() => {
  context = createPlannerContext(fitPaperLaws());
});

const coreHours = (ctx: PlannerContext, amount: number, extra: Partial<PlanRequest> = {}): Plan =>
  plan(ctx, { budget: { amount, unit: 'tpu_v4_core_hours' }, ...extra });

/** Hyndman & Fan (1996) definition 7 on a sorted copy. */
function quantile(values: ArrayLike<number>, p: number): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  return lo + 1 < sorted.length ? below + (h - lo) * ((sorted[lo + 1] as number) - below) : below;
}

function refusal(run: () => unknown): InfeasibleError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InfeasibleError);
    return error as InfeasibleError;
  }
  throw new Error('expected an InfeasibleError, got none');
}

describe('refusals', () => {
  it("a caller's law with objective imagenet_top1: its runs do not calibrate top-1", () => {
    const error = refusal(() =>
      coreHours(context, 10_000, {
        objective: 'imagenet_top1',
        law: { coefficients: { E: 1.9, A: 5e4, B: 400, alpha: 0.5, beta: 0.3 } },
      }),
    );
    expect(error.message).toMatch(
      /^law is a JFT-4B loss surface, but objective imagenet_top1 is predicted by/,
    );
    expect(error.detail).toEqual({ field: 'law', objective: 'imagenet_top1' });
  });

  it('no allowed model reaches minEpochs: the budget (4 significant digits) and the bound', () => {
    const error = refusal(() => coreHours(context, 500, { constraints: { minEpochs: 7, models: ['F7+'] } }));
    expect(error.message).toBe(
      'no allowed model trains at least 7 epochs on 500.0 TPU-v4 core hours; lower constraints.minEpochs or widen constraints.models',
    );
    expect(error.detail).toEqual({ tpuV4CoreHours: 500, minEpochs: 7 });
  });

  it('a model that reaches minEpochs exactly is a candidate', () => {
    const f3 = context.byName.F3.costPerEpochTpuV4CoreHours;
    const p = coreHours(context, 3 * f3, { constraints: { minEpochs: 3, models: ['F3'] } });
    expect(p.recommendation.model.name).toBe('F3');
    expect(p.recommendation.epochs).toBeCloseTo(3, 12);
  });
});

describe('what a plan echoes', () => {
  it('the budget: training FLOPs only for a budget in FLOPs', () => {
    const flops = plan(context, { budget: { amount: 1e22, unit: 'flops' } });
    expect(flops.budget.trainingFlops).toBe(1e22);
    expect(flops.budget.requested).toEqual({ amount: 1e22, unit: 'flops' });
    const hours = coreHours(context, 10_000);
    expect('trainingFlops' in hours.budget).toBe(false);
    expect(hours.budget.tpuV4CoreHours).toBe(10_000);
    expect(hours.provenance.budget).toBe(hours.budget.basis);
  });

  it('hardware and its basis only when given', () => {
    const without = coreHours(context, 10_000);
    expect('hardware' in without).toBe(false);
    expect('hardware' in without.provenance).toBe(false);
    const withCores = coreHours(context, 10_000, { hardware: { cores: 64 } });
    expect(withCores.hardware?.count).toBe(64);
    expect(withCores.provenance.hardware).toBe(withCores.hardware?.basis);
  });

  it("the pick in words: the rule for equal_rate, the objective and the law's error in % for fitted", () => {
    expect(coreHours(context, 10_000).provenance.pick).toBe(
      'equal_rate: the variant nearest the ideal size in log FLOPs per image (never smaller than at a smaller budget)',
    );
    const jft = (context.laws.jftLoss.quality.rmseRelative * 100).toFixed(2);
    const top1 = (context.laws.finetune.quality.rmseRelative * 100).toFixed(2);
    expect(coreHours(context, 10_000, { strategy: 'fitted' }).provenance.pick).toBe(
      `fitted: the lowest predicted JFT-4B loss; a variant the paper did not train, or a run shorter than it studied (Figure 2), must beat the rest by the law's own error (${jft} %, its relative RMSE)`,
    );
    expect(
      coreHours(context, 10_000, { strategy: 'fitted', objective: 'imagenet_top1' }).provenance.pick,
    ).toMatch(
      new RegExp(
        `^fitted: the lowest predicted ImageNet top-1 error; a variant Figure 1 did not fine-tune, or a run pre-trained for fewer epochs than Figure 1 fine-tuned it from, must beat the rest by the law's own error \\(${top1} %, its relative RMSE\\)$`,
      ),
    );
  });

  it('the ideal in words, the paper, and the laws', () => {
    const p = coreHours(context, 10_000, { strategy: 'fitted' });
    expect(p.provenance.ideal).toBe(p.ideal.source);
    expect(p.provenance.paper).toMatch(/arXiv 2310\.16764$/);
    expect(p.provenance.lossLawId).toBe('jft_loss_surface');
    expect(p.strategy).toBe('fitted');
    expect(p.objective).toBe('jft_loss');
  });

  it("a caller's law offers no imagenet_top1 alternative; the paper's laws do", () => {
    const law = { coefficients: { E: 1.9, A: 5e4, B: 400, alpha: 0.5, beta: 0.3 } };
    expect(coreHours(context, 10_000, { law }).alternatives.some((a) => a.reason === 'other_objective')).toBe(
      false,
    );
    expect(coreHours(context, 10_000).alternatives.some((a) => a.reason === 'other_objective')).toBe(true);
  });
});

describe("the ideal's intervals", () => {
  let withEnsemble: PlannerContext;
  beforeAll(() => {
    withEnsemble = createPlannerContext(context.laws, fitLawEnsemble(context.laws));
  });

  it('none without an ensemble; no uncertainty statement either', () => {
    const p = coreHours(context, 20_000, { strategy: 'fitted' });
    expect(p.ideal.flopsPerImageInterval).toBeUndefined();
    expect(p.uncertainty).toBeUndefined();
    expect(p.recommendation.pickShare).toBeUndefined();
  });

  it('equal_rate for jft_loss is the stated rule, with no fit in it: its interval is the point', () => {
    const { ideal, uncertainty } = coreHours(withEnsemble, 20_000);
    expect(uncertainty?.level).toBe(0.9);
    expect(ideal.epochsInterval).toEqual({ lower: ideal.epochs, upper: ideal.epochs });
    expect(ideal.costPerEpochTpuV4CoreHoursInterval).toEqual({
      lower: ideal.costPerEpochTpuV4CoreHours,
      upper: ideal.costPerEpochTpuV4CoreHours,
    });
    expect(ideal.flopsPerImageInterval).toEqual({ lower: ideal.flopsPerImage, upper: ideal.flopsPerImage });
  });

  it.each([
    ['fitted', 'jft_loss', 4e9],
    ['fitted', 'imagenet_top1', 4e9],
    ['equal_rate', 'imagenet_top1', 4e9],
    // The rule allots images seen: over a quarter of JFT-4B its size is the same, at 4 times the passes.
    ['equal_rate', 'imagenet_top1', 1e9],
  ] as const)(
    "%s for %s over %d images: the members' optimum sizes at the level's quantiles, widened to the point",
    (strategy, objective, datasetImages) => {
      const u = withEnsemble.uncertainty;
      if (u === undefined) throw new Error('no ensemble');
      const C = 20_000;
      const level = 0.8;
      const { ideal } = coreHours(withEnsemble, C, {
        strategy,
        objective,
        intervalLevel: level,
        constraints: { datasetImages },
      });
      const lnC = Math.log(C);
      const line = (l: { intercept: Float64Array; slope: Float64Array }, m: number) =>
        (l.intercept[m] as number) + (l.slope[m] as number) * lnC;
      const { jftLoss, finetune } = u.optimum;
      const members = Array.from({ length: u.grid.members }, (_, m) => {
        if (strategy === 'fitted') return line(objective === 'jft_loss' ? jftLoss : finetune, m);
        // equal_rate: the rule's size (2 epochs of JFT-4B at 20k core hours) tilted by each member's optima ratio.
        const { coefficient: c, exponent: g } = withEnsemble.laws.costModel.flopsPowerLaw;
        const ruleFlops = (C / (C / 5000) ** 0.5 / c) ** (1 / g);
        return Math.log(ruleFlops) + line(finetune, m) - line(jftLoss, m);
      });
      const lower = Math.min(Math.exp(quantile(members, (1 - level) / 2)), ideal.flopsPerImage);
      const upper = Math.max(Math.exp(quantile(members, (1 + level) / 2)), ideal.flopsPerImage);
      expect(ideal.flopsPerImageInterval?.lower).toBeCloseTo(lower, -3);
      expect(ideal.flopsPerImageInterval?.upper).toBeCloseTo(upper, -3);
      expect(
        (ideal.flopsPerImageInterval?.upper as number) / (ideal.flopsPerImageInterval?.lower as number),
      ).toBeGreaterThan(1.01);
      // Larger models afford fewer epochs: the epochs interval runs the other way.
      expect(ideal.epochsInterval?.lower).toBeLessThanOrEqual(ideal.epochs);
      expect(ideal.epochsInterval?.upper).toBeGreaterThanOrEqual(ideal.epochs);
    },
  );

  it("a caller's law whose fits all equal it: the fitted ideal's interval is the point", () => {
    const coefficients = { E: 1.9, A: 5e4, B: 400, alpha: 0.5, beta: 0.3 };
    const ensemble = {
      leaveOneModelOut: ['a', 'b', 'c', 'd'].map((heldOut) => ({ heldOut, coefficients })),
      residualLogSd: 0.1,
    };
    const { ideal } = coreHours(withEnsemble, 20_000, {
      strategy: 'fitted',
      law: { coefficients, ensemble },
    });
    expect(ideal.flopsPerImageInterval?.lower).toBeCloseTo(ideal.flopsPerImage, -3);
    expect(ideal.flopsPerImageInterval?.upper).toBeCloseTo(ideal.flopsPerImage, -3);
    expect((ideal.flopsPerImageInterval?.upper as number) / ideal.flopsPerImage).toBeCloseTo(1, 9);
  });

  it("a caller's law without an ensemble: no intervals and no shares, even in a context with the paper's", () => {
    const law = { coefficients: { E: 1.9, A: 5e4, B: 400, alpha: 0.5, beta: 0.3 } };
    const p = coreHours(withEnsemble, 20_000, { strategy: 'fitted', law });
    expect(p.uncertainty).toBeUndefined();
    expect(p.ideal.flopsPerImageInterval).toBeUndefined();
    expect(p.recommendation.pickShare).toBeUndefined();
  });
});
