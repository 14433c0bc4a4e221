/**
 * The ideal allocation of each strategy and objective, a budget spent in FLOPs, and the pick shares of a plan, worked
 * by hand. Oracles: the stated rule (epochs = (C / 5000)^0.5 over JFT-4B; the images it allots are more passes over a
 * smaller dataset), the cost law's mid-line k = c F^g inverted by hand, the closed-form optima of laws/allocation.ts
 * (fittedAllocation, a separate module) for the fitted size and for the fine-tuning tilt, and for pick shares the
 * ensemble's member table read member by member (memberValues) rather than through pickShares, and an ensemble whose
 * members all equal its law (every member then agrees: a share of 1 for the best run).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fittedAllocation } from '../../../src/core/laws/allocation.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import { predictSurface } from '../../../src/core/laws/surface.js';
import {
  createPlannerContext,
  type LossSurface,
  type PlannerContext,
} from '../../../src/core/planner/context.js';
import { idealAllocation } from '../../../src/core/planner/ideal.js';
import { plan, planUncertainty } from '../../../src/core/planner/plan.js';
import { fitLawEnsemble } from '../../../src/core/uncertainty/lawEnsemble.js';
import { gridPosition, memberValues } from '../../../src/core/uncertainty/predictionGrid.js';

let context: PlannerContext;
beforeAll(() => {
  context = createPlannerContext(fitPaperLaws());
});

const JFT_IMAGES = 4e9;
const NO_BOUNDS = { minEpochs: 0, maxEpochs: Number.POSITIVE_INFINITY };
/** The FLOPs per image whose epoch of JFT-4B costs k on the cost law's mid-line k = c F^g, times the dataset share. */
const flopsCosting = (k: number, share: number) => {
  const { coefficient: c, exponent: g } = context.laws.costModel.flopsPowerLaw;
  return (k / share / c) ** (1 / g);
};
/** Epochs a model of F FLOPs per image affords on C core hours over a dataset share. */
const epochsAffording = (C: number, F: number, share: number) => {
  const { coefficient: c, exponent: g } = context.laws.costModel.flopsPowerLaw;
  return C / (c * F ** g * share);
};

describe('equal_rate for jft_loss: the stated rule', () => {
  it('20,000 core hours over a quarter of JFT-4B: 2 JFT-4B epochs are 8 passes at 2,500 core hours each', () => {
    const ideal = idealAllocation(context, context.paperLossSurface, 'equal_rate', 'jft_loss', 20_000, 1e9);
    expect(ideal.epochs).toBeCloseTo(8, 12);
    expect(ideal.costPerEpochTpuV4CoreHours).toBeCloseTo(2_500, 9);
    expect(ideal.flopsPerImage).toBeCloseTo(flopsCosting(2_500, 0.25), -3);
    expect(ideal.source).toMatch(
      /^stated rule: epochs = \(C \/ 5000\)\^0\.5 over JFT-4B \(.+\); FLOPs per image from/,
    );
    expect(ideal.source).not.toContain('within the epoch constraints');
  });

  it.each([
    [{ minEpochs: 10, maxEpochs: 20 }, 10],
    [{ minEpochs: 0, maxEpochs: 5 }, 5],
    [{ minEpochs: 0.5, maxEpochs: Number.POSITIVE_INFINITY }, 8],
  ])('within %j the epochs are %d, and the source says the constraints held them', (window, epochs) => {
    const ideal = idealAllocation(
      context,
      context.paperLossSurface,
      'equal_rate',
      'jft_loss',
      20_000,
      1e9,
      window,
    );
    expect(ideal.epochs).toBeCloseTo(epochs, 12);
    expect(ideal.costPerEpochTpuV4CoreHours).toBeCloseTo(20_000 / epochs, 9);
    expect(ideal.source).toMatch(/, within the epoch constraints; FLOPs per image/);
  });

  it('no bounds given and the default window are the same', () => {
    const given = idealAllocation(
      context,
      context.paperLossSurface,
      'equal_rate',
      'jft_loss',
      20_000,
      1e9,
      NO_BOUNDS,
    );
    expect(given).toEqual(
      idealAllocation(context, context.paperLossSurface, 'equal_rate', 'jft_loss', 20_000, 1e9),
    );
  });
});

describe('equal_rate for imagenet_top1: the rule tilted by the fine-tuning preference', () => {
  it.each([
    [20_000, JFT_IMAGES],
    [60_000, 1e9],
  ])(
    '%d core hours over %d images: size x F*_finetune / F*_jft, epochs from the budget line',
    (C, images) => {
      const share = images / JFT_IMAGES;
      const costLaw = context.laws.costModel.flopsPowerLaw;
      const tilt =
        fittedAllocation(context.laws.finetune.coefficients, costLaw, C).flopsPerImage /
        fittedAllocation(context.laws.jftLoss.coefficients, costLaw, C).flopsPerImage;
      expect(Math.abs(tilt - 1)).toBeGreaterThan(0.01);
      const ruleEpochs = (C / 5000) ** 0.5 / share;
      const flops = flopsCosting(C / ruleEpochs, share) * tilt;
      const ideal = idealAllocation(
        context,
        context.paperLossSurface,
        'equal_rate',
        'imagenet_top1',
        C,
        images,
      );
      expect(ideal.flopsPerImage / flops).toBeCloseTo(1, 10);
      expect(ideal.epochs).toBeCloseTo(epochsAffording(C, flops, share), 9);
      expect(ideal.costPerEpochTpuV4CoreHours).toBeCloseTo(C / ideal.epochs, 6);
      expect(ideal.source).toContain(
        `, with the size tilted x${tilt.toPrecision(3)} by the fine-tuning preference`,
      );
    },
  );
});

describe('fitted: the continuous optimum of the law of the objective', () => {
  it.each([
    ['jft_loss', 'jft_loss_surface'],
    ['imagenet_top1', 'imagenet_top1_error_surface'],
  ] as const)('%s over a quarter of JFT-4B: the closed form of %s', (objective, lawId) => {
    const C = 30_000;
    const coefficients =
      objective === 'jft_loss' ? context.laws.jftLoss.coefficients : context.laws.finetune.coefficients;
    const optimum = fittedAllocation(coefficients, context.laws.costModel.flopsPowerLaw, C, 1e9);
    const ideal = idealAllocation(context, context.paperLossSurface, 'fitted', objective, C, 1e9);
    expect(ideal.flopsPerImage / optimum.flopsPerImage).toBeCloseTo(1, 10);
    expect(ideal.epochs).toBeCloseTo(epochsAffording(C, optimum.flopsPerImage, 0.25), 9);
    expect(ideal.source).toBe(`fitted: continuous optimum of ${lawId} under the cost law (closed form)`);
  });

  it("with a caller's surface, its own optimum and id", () => {
    const mine: LossSurface = {
      id: 'mine',
      coefficients: { E: 1.5, A: 3e4, B: 2e3, alpha: 0.45, beta: 0.35 },
      provenance: 'by hand',
    };
    const C = 30_000;
    const optimum = fittedAllocation(mine.coefficients, context.laws.costModel.flopsPowerLaw, C);
    const ideal = idealAllocation(context, mine, 'fitted', 'jft_loss', C, JFT_IMAGES, {
      minEpochs: 0,
      maxEpochs: 1e4,
    });
    expect(ideal.flopsPerImage / optimum.flopsPerImage).toBeCloseTo(1, 10);
    expect(ideal.source).toBe(
      'fitted: continuous optimum of mine under the cost law (closed form), within the epoch constraints',
    );
  });
});

describe('a budget spent in training FLOPs', () => {
  it('equal_rate picks the variant nearest in log FLOPs to the ideal at the budget in core hours', () => {
    for (const amount of [1e21, 1e22, 1e23]) {
      const p = plan(context, { budget: { amount, unit: 'flops' } });
      expect(p.budget.trainingFlops).toBe(amount);
      const ideal = idealAllocation(
        context,
        context.paperLossSurface,
        'equal_rate',
        'jft_loss',
        p.budget.tpuV4CoreHours,
        JFT_IMAGES,
      );
      expect(p.ideal.flopsPerImage).toBeCloseTo(ideal.flopsPerImage, -3);
      const nearest = context.models.reduce((a, b) =>
        Math.abs(Math.log(b.flopsPerImage / ideal.flopsPerImage)) <=
        Math.abs(Math.log(a.flopsPerImage / ideal.flopsPerImage))
          ? b
          : a,
      );
      expect(p.recommendation.model.name).toBe(nearest.name);
      // Spent in FLOPs: 3 x F x images seen is the budget.
      expect(p.recommendation.trainingFlops / amount).toBeCloseTo(1, 12);
    }
  });
});

describe('pick shares', () => {
  let withEnsemble: PlannerContext;
  beforeAll(() => {
    withEnsemble = createPlannerContext(context.laws, fitLawEnsemble(context.laws));
  });

  it("planUncertainty without a surface states the paper ensemble's resampling", () => {
    const u = withEnsemble.uncertainty;
    if (u === undefined) throw new Error('no ensemble');
    expect(planUncertainty(u, 0.8)).toEqual({
      level: 0.8,
      members: 200,
      seed: u.ensemble.seed,
      resampling: u.ensemble.resampling,
    });
  });

  it.each([
    ['jft_loss', 'jftLoss'],
    ['imagenet_top1', 'finetune'],
  ] as const)(
    "%s: each listed run's share is the members under which it is best, read member by member",
    (objective, law) => {
      const u = withEnsemble.uncertainty;
      if (u === undefined) throw new Error('no ensemble');
      const C = 20_000;
      const p = plan(withEnsemble, { budget: { amount: C, unit: 'tpu_v4_core_hours' }, objective });
      // Every variant is a candidate (no constraints), smallest first, trained for the epochs the budget affords.
      const rows = withEnsemble.models.map((m) => {
        const row = new Float64Array(u.grid.members);
        const imagesSeen = (C / m.costPerEpochTpuV4CoreHours) * JFT_IMAGES;
        memberValues(
          u.grid,
          law,
          u.grid.variantIndex.get(m.name) as number,
          gridPosition(Math.log(imagesSeen)),
          row,
        );
        return row;
      });
      const wins = new Array<number>(rows.length).fill(0);
      for (let member = 0; member < u.grid.members; member++) {
        let best = 0;
        rows.forEach((row, i) => {
          if ((row[member] as number) < (rows[best]?.[member] as number)) best = i;
        });
        wins[best] = (wins[best] as number) + 1;
      }
      const shareOf = (name: string) =>
        (wins[withEnsemble.models.findIndex((m) => m.name === name)] as number) / u.grid.members;
      for (const run of [p.recommendation, ...p.alternatives])
        if (run.epochs === C / withEnsemble.byName[run.model.name].costPerEpochTpuV4CoreHours)
          expect(run.pickShare, run.model.name).toBeCloseTo(shareOf(run.model.name), 12);
      expect(p.recommendation.pickShare).toBeCloseTo(shareOf(p.recommendation.model.name), 12);
    },
  );

  it("a caller's law whose jackknife fits all equal it: the best run has every member, the others none", () => {
    const coefficients = { E: 1.9, A: 5e4, B: 400, alpha: 0.5, beta: 0.3 };
    const ensemble = {
      leaveOneModelOut: ['a', 'b', 'c', 'd'].map((heldOut) => ({ heldOut, coefficients })),
      residualLogSd: 0,
    };
    const C = 50_000;
    const p = plan(withEnsemble, {
      budget: { amount: C, unit: 'tpu_v4_core_hours' },
      strategy: 'fitted',
      constraints: { models: ['F1', 'F3'] },
      law: { coefficients, ensemble },
    });
    // By hand: F3 has the lower loss at this budget (so a member evaluated at the wrong images seen would differ).
    const loss = (name: 'F1' | 'F3') => {
      const m = withEnsemble.byName[name];
      return predictSurface(coefficients, m.flopsPerImage, (C / m.costPerEpochTpuV4CoreHours) * JFT_IMAGES);
    };
    expect(loss('F3')).toBeLessThan(loss('F1'));
    expect(p.recommendation.model.name).toBe('F3');
    expect(p.recommendation.pickShare).toBe(1);
    const f1 = p.alternatives.find((a) => a.model.name === 'F1');
    expect(f1?.pickShare).toBe(0);
    expect(p.uncertainty?.resampling).toMatch(/^JFT loss: cluster jackknife/);
  });
});
