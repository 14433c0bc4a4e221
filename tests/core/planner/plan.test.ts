import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FACTS } from '../../../src/core/dataset/facts.js';
import { InfeasibleError, PlannerInputError } from '../../../src/core/errors.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import { predictSurface } from '../../../src/core/laws/surface.js';
import { createPlannerContext, type PlannerContext } from '../../../src/core/planner/context.js';
import { evaluateConfiguration } from '../../../src/core/planner/evaluate.js';
import { type Plan, plan } from '../../../src/core/planner/plan.js';
import type { PlanRequest } from '../../../src/core/planner/request.js';
import { WARNING_CODES } from '../../../src/core/planner/warnings.js';

let context: PlannerContext;
beforeAll(() => {
  context = createPlannerContext(fitPaperLaws());
});

const coreHours = (amount: number, extra: Partial<PlanRequest> = {}): Plan =>
  plan(context, { budget: { amount, unit: 'tpu_v4_core_hours' }, ...extra });
const codes = (p: Plan) => p.warnings.map((w) => w.code);

describe("equal_rate (the paper's rule, stated: epochs pass 1 at ~5k core hours, model and epochs grow at one rate)", () => {
  it('at 5,000 core hours the ideal is 1 epoch at 5,000 core hours per epoch', () => {
    const p = coreHours(5000);
    expect(p.ideal.epochs).toBeCloseTo(1, 12);
    expect(p.ideal.costPerEpochTpuV4CoreHours).toBeCloseTo(5000, 8);
  });

  it('at 5,000 core hours it picks the variant whose epoch cost is nearest 5,000 in log space', () => {
    // Oracle: the cost model's table searched directly, independent of the planner's candidate code.
    const nearest = Object.values(context.laws.costModel.byVariant).reduce((a, b) =>
      Math.abs(Math.log(a.costPerEpochTpuV4CoreHours / 5000)) <=
      Math.abs(Math.log(b.costPerEpochTpuV4CoreHours / 5000))
        ? a
        : b,
    );
    expect(coreHours(5000).recommendation.model.name).toBe(nearest.variant);
  });

  it('ideal epochs and cost per epoch both grow as C^0.5: 4x the budget doubles each', () => {
    const a = coreHours(10_000).ideal;
    const b = coreHours(40_000).ideal;
    expect(b.epochs / a.epochs).toBeCloseTo(2, 10);
    expect(b.costPerEpochTpuV4CoreHours / a.costPerEpochTpuV4CoreHours).toBeCloseTo(2, 10);
  });

  it('spends the whole budget: cost = epochs x cost per epoch = C, steps = ceil(images / batch)', () => {
    const p = coreHours(20_000, { batchSize: 2048 }).recommendation;
    expect(p.costTpuV4CoreHours).toBeCloseTo(20_000, 6);
    expect(p.epochs * p.model.costPerEpochTpuV4CoreHours).toBeCloseTo(20_000, 6);
    expect(p.imagesSeen).toBeCloseTo(p.epochs * 4e9, 0);
    expect(p.steps).toBe(Math.ceil(p.imagesSeen / 2048));
    expect(p.batchSize).toBe(2048);
  });
});

describe('fitted strategy', () => {
  it('picks the allowed variant with the lowest predicted JFT loss (brute force over evaluateConfiguration)', () => {
    for (const C of [2_000, 9_000, 30_000]) {
      const best = Object.values(context.laws.costModel.byVariant)
        .map((v) =>
          evaluateConfiguration(context, { model: v.variant, epochs: C / v.costPerEpochTpuV4CoreHours }),
        )
        .reduce((a, b) => (a.predicted.jftValidationLoss <= b.predicted.jftValidationLoss ? a : b));
      expect(coreHours(C, { strategy: 'fitted' }).recommendation.model.name).toBe(best.model.name);
    }
  });

  it("its ideal is the surface's continuous optimum: no nearby allocation of the same budget predicts lower loss", () => {
    const C = 20_000;
    const ideal = coreHours(C, { strategy: 'fitted' }).ideal;
    const { coefficient, exponent } = context.laws.costModel.flopsPowerLaw;
    const lossAt = (flops: number) => {
      const epochs = C / (coefficient * flops ** exponent);
      return predictSurface(context.laws.jftLoss.coefficients, flops, epochs * 4e9);
    };
    const atIdeal = lossAt(ideal.flopsPerImage);
    expect(lossAt(ideal.flopsPerImage * 1.1)).toBeGreaterThan(atIdeal);
    expect(lossAt(ideal.flopsPerImage / 1.1)).toBeGreaterThan(atIdeal);
  });
});

describe('objective imagenet_top1 (paper: fine-tuning favours slightly larger models and fewer epochs)', () => {
  const budgets = Array.from({ length: 11 }, (_, i) => 5_000 * 10 ** (i / 10));
  it.each(['equal_rate', 'fitted'] as const)(
    '%s: never a smaller model or more epochs than jft_loss at budgets 5k-50k',
    (strategy) => {
      for (const C of budgets) {
        const jft = coreHours(C, { strategy, objective: 'jft_loss' }).recommendation;
        const top1 = coreHours(C, { strategy, objective: 'imagenet_top1' }).recommendation;
        expect(top1.model.flopsPerImage).toBeGreaterThanOrEqual(jft.model.flopsPerImage);
        expect(top1.epochs).toBeLessThanOrEqual(jft.epochs + 1e-9);
      }
    },
  );

  it('fitted imagenet_top1 picks the best predicted top-1 of all candidates', () => {
    const p = coreHours(30_000, { strategy: 'fitted', objective: 'imagenet_top1' });
    for (const alt of p.alternatives)
      expect(alt.predicted.imagenetTop1Percent).toBeLessThanOrEqual(
        p.recommendation.predicted.imagenetTop1Percent,
      );
  });
});

describe('the rest of a recommendation', () => {
  it('F7+ fine-tuning costs the stated 1.6k core hours; smaller models less, in proportion to FLOPs at 384 px', () => {
    const p = coreHours(100_000, { constraints: { models: ['F7+'] } }).recommendation;
    expect(p.finetuneCostTpuV4CoreHours).toBeCloseTo(FACTS.finetuneTpuV4CoreHoursF7Plus.value, 9);
    const f0 = coreHours(2_000, { constraints: { models: ['F0'] } }).recommendation;
    expect(f0.finetuneCostTpuV4CoreHours).toBeLessThan(1600);
  });

  it('wall-clock hours = cost / cores, only when cores are given', () => {
    expect(coreHours(8_000).recommendation.wallClockHours).toBeUndefined();
    expect(coreHours(8_000, { hardware: { cores: 128 } }).recommendation.wallClockHours).toBeCloseTo(62.5, 9);
  });

  it('the learning rate is 1.6 for a short run, with trials 1.6 and 0.8 (stated: ~1.6 for small epoch budgets)', () => {
    const lr = coreHours(500).recommendation.learningRate;
    expect(lr.value).toBe(1.6);
    expect(lr.trials).toEqual([1.6, 0.8]);
  });

  it('given the optimum of a smaller run, the trials are that value and half of it', () => {
    expect(
      coreHours(60_000, { previousOptimalLearningRate: 0.8 }).recommendation.learningRate.trials,
    ).toEqual([0.8, 0.4]);
  });

  it('a chip-hour budget plans like twice as many core hours', () => {
    const chips = plan(context, { budget: { amount: 2_500, unit: 'tpu_v4_chip_hours' } });
    expect(chips.budget.tpuV4CoreHours).toBe(5_000);
    expect(chips.recommendation).toEqual(coreHours(5_000).recommendation);
  });

  it('alternatives: both neighbours, the other strategy and the other objective', () => {
    const p = coreHours(20_000);
    expect(p.alternatives.map((a) => a.reason)).toEqual([
      'smaller_neighbour',
      'larger_neighbour',
      'other_strategy',
      'other_objective',
    ]);
    const [smaller, larger] = p.alternatives;
    expect(smaller?.model.costPerEpochTpuV4CoreHours).toBeLessThan(
      p.recommendation.model.costPerEpochTpuV4CoreHours,
    );
    expect(larger?.model.costPerEpochTpuV4CoreHours).toBeGreaterThan(
      p.recommendation.model.costPerEpochTpuV4CoreHours,
    );
    expect(p.alternatives[2]?.strategy).toBe('fitted');
    expect(p.alternatives[3]?.objective).toBe('imagenet_top1');
  });

  it('provenance names the laws and the paper', () => {
    const p = coreHours(20_000);
    expect(p.provenance.lossLawId).toBe('jft_loss_surface');
    expect(p.provenance.paper).toMatch(/2310\.16764/);
    expect(p.provenance.imagenetTop1Percent).toMatch(/imagenet_top1_error_surface/);
  });
});

describe('constraints', () => {
  it('only allowed models are recommended', () => {
    expect(coreHours(50_000, { constraints: { models: ['F1', 'F3'] } }).recommendation.model.name).toMatch(
      /^F[13]$/,
    );
  });

  it('epoch bounds are respected', () => {
    const p = coreHours(50_000, { constraints: { minEpochs: 6, maxEpochs: 8 } }).recommendation;
    expect(p.epochs).toBeGreaterThanOrEqual(6);
    expect(p.epochs).toBeLessThanOrEqual(8);
  });

  it('a smaller dataset means more passes for the same images, and a warning past 8', () => {
    const p = coreHours(20_000, { constraints: { datasetImages: 1e9 } });
    const jft = coreHours(20_000);
    expect(p.recommendation.imagesSeen).toBeCloseTo(jft.recommendation.imagesSeen, -3);
    expect(p.recommendation.epochs).toBeCloseTo(4 * jft.recommendation.epochs, 9);
    expect(codes(coreHours(20_000, { constraints: { datasetImages: 1e8 } }))).toContain('dataset_repeated');
  });

  it('no variant in the epoch range is an InfeasibleError that says why', () => {
    expect(() => coreHours(500, { constraints: { minEpochs: 7, models: ['F7+'] } })).toThrow(InfeasibleError);
    expect(() => coreHours(500, { constraints: { minEpochs: 7, models: ['F7+'] } })).toThrow(
      /no allowed model/,
    );
  });

  it.each([
    [{ constraints: { minEpochs: 4, maxEpochs: 2 } }, 'constraints.minEpochs'],
    [{ constraints: { models: [] } }, 'constraints.models'],
    [{ constraints: { models: ['F9'] } }, 'constraints.models.0'],
    [{ constraints: { datasetImages: -1 } }, 'constraints.datasetImages'],
    [{ batchSize: 0 }, 'batchSize'],
    [{ batchSize: 12.5 }, 'batchSize'],
    [{ hardware: { cores: -8 } }, 'hardware.cores'],
    [{ objective: 'accuracy' as 'jft_loss' }, 'objective'],
    [{ strategy: 'greedy' as 'fitted' }, 'strategy'],
    [{ previousOptimalLearningRate: Number.NaN }, 'previousOptimalLearningRate'],
    [{ law: { coefficients: { E: 1, A: 1, B: 1, alpha: -1, beta: 0.3 } } }, 'law.coefficients.alpha'],
  ])('bad input %j is a PlannerInputError on %s', (extra, field) => {
    try {
      coreHours(10_000, extra as Partial<PlanRequest>);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlannerInputError);
      expect((error as PlannerInputError).field).toBe(field);
    }
  });
});

describe('warnings (stable codes)', () => {
  it.each([
    ['budget_below_paper_range', () => coreHours(200)],
    ['budget_above_paper_range', () => coreHours(200_000)],
    ['epochs_below_paper_range', () => coreHours(1_000, { constraints: { models: ['F7+'] } })],
    ['epochs_above_paper_range', () => coreHours(200_000)],
    ['interpolated_variant', () => coreHours(20_000, { constraints: { models: ['F4+'] } })],
    ['ideal_model_larger_than_f7_plus', () => coreHours(1_000_000)],
    ['ideal_model_smaller_than_f0', () => coreHours(50)],
    ['dataset_repeated', () => coreHours(20_000, { constraints: { datasetImages: 1e8 } })],
    [
      'gpu_efficiency',
      () => plan(context, { budget: { amount: 1_000, unit: 'gpu_hours', accelerator: 'h100' } }),
    ],
    [
      'custom_law',
      () => coreHours(10_000, { law: { id: 'mine', coefficients: context.laws.jftLoss.coefficients } }),
    ],
  ] as const)('%s', (code, make) => {
    expect(codes(make())).toContain(code);
  });

  it('every declared code is exercised above', () => {
    expect(WARNING_CODES).toHaveLength(10);
  });

  it("a budget inside the paper's range on a trained variant has no range warnings", () => {
    expect(codes(coreHours(5_000, { constraints: { models: ['F3'] } }))).toEqual([]);
  });
});

describe("a caller's own law", () => {
  it('predicts JFT loss with the given coefficients (checked by hand with the formula)', () => {
    const coefficients = { E: 1.9, A: 5e4, B: 400, alpha: 0.5, beta: 0.3 };
    const p = coreHours(10_000, { law: { id: 'mine', coefficients }, constraints: { models: ['F3'] } });
    const r = p.recommendation;
    const byHand = 1.9 + 5e4 / r.model.flopsPerImage ** 0.5 + 400 / r.imagesSeen ** 0.3;
    expect(r.predicted.jftValidationLoss).toBeCloseTo(byHand, 12);
    expect(p.provenance.lossLawId).toBe('mine');
  });
});

describe('robustness', () => {
  it('never returns a non-finite number for any accepted budget', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e9, noNaN: true }),
        fc.constantFrom('equal_rate', 'fitted'),
        fc.constantFrom('jft_loss', 'imagenet_top1'),
        (amount, strategy, objective) => {
          const text = JSON.stringify(coreHours(amount, { strategy, objective }));
          expect(text).not.toMatch(/null|NaN|Infinity/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
