/**
 * collectWarnings on hand-made inputs, each condition at its threshold and just past it. Oracles: the paper's stated
 * ranges (budgets 0.4k to ~110k TPU-v4 core hours, 0.25 to 8 epochs of JFT-4B's 4e9 images), the 0.3 % digitizing
 * tolerance and the cost law's largest residual the warnings' doc comment names, Goyal et al.'s batch of about 8k for
 * linear learning-rate scaling, the bounds ln 30,000 and 0.1 %, Figure 1's digitized epochs per variant (F1 and F3
 * from 0.25 and 0.5 to 8; no F0), and the ensemble's coin-flip share of one half.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FACTS } from '../../../src/core/dataset/facts.js';
import { FIGURE1_NFNET_IMAGENET_ERROR } from '../../../src/core/dataset/figures.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import type { TrainingConfiguration } from '../../../src/core/planner/configuration.js';
import { createPlannerContext, type PlannerContext } from '../../../src/core/planner/context.js';
import { evaluateConfiguration } from '../../../src/core/planner/evaluate.js';
import { plan } from '../../../src/core/planner/plan.js';
import {
  collectWarnings,
  DIGITIZATION_TOLERANCE,
  PICK_NEAR_TIE_SHARE,
  type PlanWarning,
  type WarningCode,
  type WarningInput,
} from '../../../src/core/planner/warnings.js';
import type { ConvertedBudget } from '../../../src/core/units/budget.js';

let context: PlannerContext;
/** The epochs' tolerance: 0.3 % plus the cost law's largest residual on a trained variant (warnings.ts). */
let epochTolerance: number;
beforeAll(() => {
  context = createPlannerContext(fitPaperLaws());
  const residuals = Object.values(context.laws.costModel.byVariant)
    .map((c) => c.costLawResidualPercent)
    .filter((r): r is number => r !== undefined);
  expect(residuals).toHaveLength(6);
  epochTolerance = Math.max(...residuals.map((r) => Math.abs(r) / 100)) + 0.003;
});

/**
 * F3 (trained in the paper) for 2 epochs of JFT-4B: inside every range, the base the cases change one thing of. Made
 * in each test, not in beforeAll: code a hook runs counts as covered by every test (Stryker's static mutants), and
 * each of its mutants would then run the whole suite.
 */
const base = (): TrainingConfiguration => evaluateConfiguration(context, { model: 'F3', epochs: 2 });

const JFT_IMAGES = 4e9;

function budgetOf(tpuV4CoreHours: number, unit: ConvertedBudget['requested']['unit'] = 'tpu_v4_core_hours') {
  return {
    tpuV4CoreHours,
    requested: { amount: tpuV4CoreHours, unit },
    basis: 'by hand',
    tpuV4CoreHoursPerUnit: 1,
  } satisfies ConvertedBudget;
}

/** The base configuration with some fields replaced; `model` fields merge into the base model. */
function configuration(
  change: Omit<Partial<TrainingConfiguration>, 'model'> & {
    model?: Partial<TrainingConfiguration['model']>;
  } = {},
): TrainingConfiguration {
  const b = base();
  return { ...b, ...change, model: { ...b.model, ...change.model } } as TrainingConfiguration;
}

/** A configuration that sees `jftEpochs` epochs' worth of JFT-4B images. */
const atJftEpochs = (jftEpochs: number) =>
  configuration({ imagesSeen: jftEpochs * JFT_IMAGES, epochs: jftEpochs });

function warningsOf(input: Partial<WarningInput>): PlanWarning[] {
  return collectWarnings({
    context,
    request: { datasetImages: JFT_IMAGES, batchSize: 4096 },
    recommendation: base(),
    surface: context.paperLossSurface,
    ...input,
  });
}
const codesOf = (input: Partial<WarningInput>): WarningCode[] => warningsOf(input).map((w) => w.code);
const messageOf = (input: Partial<WarningInput>, code: WarningCode): string => {
  const warning = warningsOf(input).find((w) => w.code === code);
  expect(warning, code).toBeDefined();
  return (warning as PlanWarning).message;
};

describe('the base case', () => {
  it("F3 for 2 epochs of JFT-4B at 10k core hours, batch 4096, the paper's law: no warning at all", () => {
    expect(DIGITIZATION_TOLERANCE).toBe(0.003);
    expect(epochTolerance).toBeGreaterThan(0.003);
    expect(epochTolerance).toBeLessThan(0.05);
    expect(
      codesOf({ budget: budgetOf(10_000), ideal: { flopsPerImage: base().model.flopsPerImage } }),
    ).toEqual([]);
  });
});

describe('budget range: 400 to 110,000 TPU-v4 core hours, 0.3 % either side', () => {
  it.each([
    [398.7, ['budget_below_paper_range']],
    [398.9, []],
    [400, []],
    [110_000, []],
    [110_329, []],
    [110_331, ['budget_above_paper_range']],
  ])('%d core hours: %j', (C, expected) => {
    const codes = codesOf({ budget: budgetOf(C) });
    expect(codes.filter((c) => c.startsWith('budget_'))).toEqual(expected);
  });

  it("the messages give the budget (3 significant digits) and the paper's limit", () => {
    expect(messageOf({ budget: budgetOf(123.456) }, 'budget_below_paper_range')).toBe(
      "123 TPU-v4 core hours is below the paper's smallest budget (400); predictions are extrapolated.",
    );
    expect(messageOf({ budget: budgetOf(2.5e6) }, 'budget_above_paper_range')).toBe(
      "2500000 TPU-v4 core hours is above the paper's largest budget (~110000); predictions are extrapolated.",
    );
  });

  it('no budget (an evaluation): no budget warning however far out the run', () => {
    expect(codesOf({ budget: undefined }).some((c) => c.startsWith('budget_'))).toBe(false);
  });
});

describe("the budget's unit and maxEpochs", () => {
  it('a gpu_hours budget warns of GPU efficiency; core hours and FLOPs do not', () => {
    expect(codesOf({ budget: budgetOf(10_000, 'gpu_hours') })).toContain('gpu_efficiency');
    expect(codesOf({ budget: budgetOf(10_000, 'flops') })).not.toContain('gpu_efficiency');
    expect(codesOf({ budget: budgetOf(10_000) })).not.toContain('gpu_efficiency');
    expect(codesOf({ budget: budgetOf(10_000, 'tpu_v3_core_hours') })).toContain('tpu_v3_efficiency');
    for (const unit of ['tpu_v4_core_hours', 'tpu_v4_chip_hours', 'gpu_hours', 'flops'] as const)
      expect(codesOf({ budget: budgetOf(10_000, unit) })).not.toContain('tpu_v3_efficiency');
  });

  it('a capped recommendation says how much of the budget it leaves', () => {
    const recommendation = configuration({ costTpuV4CoreHours: 4_321 });
    expect(codesOf({ budget: budgetOf(10_000), recommendation })).not.toContain(
      'max_epochs_leaves_budget_unspent',
    );
    expect(
      messageOf(
        { budget: budgetOf(10_000), recommendation, capped: true },
        'max_epochs_leaves_budget_unspent',
      ),
    ).toBe(
      "constraints.maxEpochs stops F3 at 2 epochs, 4320 of the budget's 10000 TPU-v4 core hours; a larger model or a higher maxEpochs would use the rest.",
    );
    expect(codesOf({ recommendation, capped: true })).not.toContain('max_epochs_leaves_budget_unspent');
  });
});

describe("epoch range: 0.25 to 8 JFT-4B epochs, within the epochs' tolerance", () => {
  it('just inside the tolerance is inside; just past it is outside', () => {
    const below = 0.25 * (1 - epochTolerance);
    const above = 8 * (1 + epochTolerance);
    const codes = (e: number) =>
      codesOf({ recommendation: atJftEpochs(e) }).filter((c) => c.startsWith('epochs_'));
    expect(codes(below * 1.0001)).toEqual([]);
    expect(codes(below * 0.9999)).toEqual(['epochs_below_paper_range']);
    expect(codes(0.25)).toEqual([]);
    expect(codes(8)).toEqual([]);
    expect(codes(above * 0.9999)).toEqual([]);
    expect(codes(above * 1.0001)).toEqual(['epochs_above_paper_range']);
  });

  it('what counts is JFT-4B epochs (images seen / 4e9), not passes over a smaller dataset', () => {
    // 12 passes over 1e9 images are 3 JFT-4B epochs: inside the range.
    const recommendation = configuration({ epochs: 12, imagesSeen: 12e9 });
    expect(codesOf({ recommendation, request: { datasetImages: 1e9, batchSize: 4096 } })).not.toContain(
      'epochs_above_paper_range',
    );
    expect(messageOf({ recommendation: atJftEpochs(0.1) }, 'epochs_below_paper_range')).toBe(
      "0.1 JFT-4B epochs is below the paper's smallest epoch budget (0.25).",
    );
    expect(messageOf({ recommendation: atJftEpochs(16) }, 'epochs_above_paper_range')).toBe(
      "16 JFT-4B epochs is above the paper's largest epoch budget (8).",
    );
  });
});

describe('the variant and the ideal size', () => {
  it('a variant the paper did not train is interpolated', () => {
    const recommendation = configuration({ model: { name: 'F4', trainedInPaper: false } });
    expect(messageOf({ recommendation }, 'interpolated_variant')).toMatch(/^F4 was not trained in the paper/);
    expect(codesOf({})).not.toContain('interpolated_variant');
  });

  it('an ideal beyond F7+ or below F0 is named, and one at either end is not', () => {
    const f7plus = context.byName['F7+'].flopsPerImage;
    const f0 = context.byName.F0.flopsPerImage;
    expect(codesOf({ ideal: { flopsPerImage: f7plus } })).toEqual([]);
    expect(codesOf({ ideal: { flopsPerImage: f0 } })).toEqual([]);
    expect(codesOf({ ideal: { flopsPerImage: f7plus * 1.001 } })).toEqual([
      'ideal_model_larger_than_f7_plus',
    ]);
    expect(codesOf({ ideal: { flopsPerImage: f0 * 0.999 } })).toEqual(['ideal_model_smaller_than_f0']);
    expect(messageOf({ ideal: { flopsPerImage: 2.345e12 } }, 'ideal_model_larger_than_f7_plus')).toMatch(
      /^The ideal model \(2350 GFLOPs per image\) is larger than NFNet-F7\+/,
    );
    expect(messageOf({ ideal: { flopsPerImage: 1.234e9 } }, 'ideal_model_smaller_than_f0')).toMatch(
      /^The ideal model \(1\.23 GFLOPs per image\) is smaller than NFNet-F0/,
    );
  });
});

describe('a repeated dataset: more than 8 passes over fewer images than JFT-4B', () => {
  it.each([
    [1e9, 8.01, true],
    [1e9, 8, false],
    [3.99e9, 9, true],
    [4e9, 9, false],
  ])('%d images, %d passes: warns %s', (datasetImages, epochs, warns) => {
    const recommendation = configuration({ epochs, imagesSeen: epochs * datasetImages });
    const codes = codesOf({ recommendation, request: { datasetImages, batchSize: 4096 } });
    expect(codes.includes('dataset_repeated')).toBe(warns);
  });

  it('the message gives the passes and the images', () => {
    const recommendation = configuration({ epochs: 40, imagesSeen: 40e8 });
    expect(
      messageOf({ recommendation, request: { datasetImages: 1e8, batchSize: 4096 } }, 'dataset_repeated'),
    ).toMatch(/^40 passes over 100000000 images: the laws were fitted on at most 8 epochs of JFT-4B/);
  });
});

describe("a caller's law, the batch size and the physical bounds", () => {
  it("a surface with another id than the paper's is a caller's law", () => {
    const surface = { ...context.paperLossSurface, id: 'mine' };
    expect(messageOf({ surface }, 'custom_law')).toBe(
      "Predicted JFT loss and the fitted strategy use the caller's law mine, not the paper's.",
    );
  });

  it('linear learning-rate scaling holds to a batch of 8192 and is warned of past it', () => {
    expect(codesOf({ request: { datasetImages: JFT_IMAGES, batchSize: 8192 } })).toEqual([]);
    expect(codesOf({ request: { datasetImages: JFT_IMAGES, batchSize: 8193 } })).toEqual([
      'learning_rate_batch_scaling',
    ]);
  });

  it('a prediction at ln 30,000 or at 0.1 % top-1 is held at a bound; just inside, it is not', () => {
    const at = (jftValidationLoss: number, imagenetTop1Percent: number) =>
      codesOf({ recommendation: configuration({ predicted: { jftValidationLoss, imagenetTop1Percent } }) });
    const lnClasses = Math.log(30_000);
    expect(at(lnClasses, 50)).toEqual(['prediction_bounded']);
    expect(at(lnClasses * (1 - 1e-12), 50)).toEqual([]);
    expect(at(3, 0.1)).toEqual(['prediction_bounded']);
    expect(at(3, 0.1 * (1 + 1e-12))).toEqual([]);
  });
});

describe('imagenet_top1: the runs Figure 1 fine-tuned', () => {
  const top1 = (recommendation: TrainingConfiguration) =>
    codesOf({
      recommendation,
      request: { datasetImages: JFT_IMAGES, batchSize: 4096, objective: 'imagenet_top1' },
    });

  it('F3 from 0.5 to 8 JFT-4B epochs (with the tolerance) is inside; outside is extrapolated', () => {
    const f3 = (e: number) =>
      top1({ ...atJftEpochs(e), model: base().model }).includes('finetune_outside_figure1');
    expect(f3(0.5)).toBe(false);
    expect(f3(8)).toBe(false);
    expect(f3(0.5 * (1 - epochTolerance) * 1.0001)).toBe(false);
    expect(f3(0.5 * (1 - epochTolerance) * 0.9999)).toBe(true);
    expect(f3(8 * (1 + epochTolerance) * 0.9999)).toBe(false);
    expect(f3(8 * (1 + epochTolerance) * 1.0001)).toBe(true);
    // F1 was fine-tuned from 0.25 epochs: 0.3 is inside for F1, outside for F3.
    expect(top1(configuration({ ...atJftEpochs(0.3), model: { name: 'F1' } }))).not.toContain(
      'finetune_outside_figure1',
    );
    expect(f3(0.3)).toBe(true);
  });

  it('the message gives the range, or says the variant was not fine-tuned at all', () => {
    const request = { datasetImages: JFT_IMAGES, batchSize: 4096, objective: 'imagenet_top1' as const };
    expect(messageOf({ recommendation: atJftEpochs(20), request }, 'finetune_outside_figure1')).toBe(
      'Figure 1 fine-tuned F3 only from 0.5 to 8 JFT-4B epochs; 20 is outside, so its predicted top-1 is extrapolated.',
    );
    expect(
      messageOf(
        { recommendation: configuration({ model: { name: 'F0' } }), request },
        'finetune_outside_figure1',
      ),
    ).toBe('Figure 1 fine-tuned no F0; its predicted top-1 rests on the fine-tuning law alone.');
  });

  it('jft_loss plans, and evaluations with no objective, are not checked against Figure 1', () => {
    const recommendation = configuration({ model: { name: 'F0' } });
    expect(
      codesOf({
        recommendation,
        request: { datasetImages: JFT_IMAGES, batchSize: 4096, objective: 'jft_loss' },
      }),
    ).not.toContain('finetune_outside_figure1');
    expect(codesOf({ recommendation })).not.toContain('finetune_outside_figure1');
  });
});

describe("the choice: alternatives better by more than the law's own error", () => {
  const withLoss = (jftValidationLoss: number, imagenetTop1Percent = 80) =>
    configuration({ predicted: { jftValidationLoss, imagenetTop1Percent } });
  const request = (objective: 'jft_loss' | 'imagenet_top1') => ({
    datasetImages: JFT_IMAGES,
    batchSize: 4096,
    objective,
  });

  it("jft_loss: an alternative more than the loss law's relative RMSE lower is named; one within it is not", () => {
    const tolerance = context.laws.jftLoss.quality.rmseRelative;
    expect(tolerance).toBeGreaterThan(0);
    const recommendation = withLoss(2);
    const alt = (loss: number) => ({
      ...withLoss(loss),
      reason: 'other_strategy',
      model: { ...base().model, name: 'F5' as const },
    });
    const codes = (loss: number) =>
      codesOf({ recommendation, request: request('jft_loss'), alternatives: [alt(loss)] });
    expect(codes(2 * (1 - tolerance) * 1.000001)).toEqual([]);
    expect(codes(2 * (1 - tolerance) * 0.999999)).toEqual(['alternative_predicted_better']);
    expect(
      messageOf(
        { recommendation, request: request('jft_loss'), alternatives: [alt(1.8)] },
        'alternative_predicted_better',
      ),
    ).toBe(
      `The other_strategy F5 at 2 epochs is predicted 10 % better on JFT-4B loss than the recommendation, more than the law's own error (${Number((tolerance * 100).toPrecision(3))} %).`,
    );
  });

  it("imagenet_top1: the same on top-1 error (100 - top-1) with the fine-tuning law's error", () => {
    const tolerance = context.laws.finetune.quality.rmseRelative;
    const recommendation = withLoss(2, 90); // 10 % error
    const alt = (top1: number) => ({ ...withLoss(5, top1), model: { ...base().model, name: 'F6' as const } });
    const codes = (top1: number) =>
      codesOf({ recommendation, request: request('imagenet_top1'), alternatives: [alt(top1)] }).filter(
        (c) => c === 'alternative_predicted_better',
      );
    expect(codes(100 - 10 * (1 - tolerance) * 1.000001)).toEqual([]);
    expect(codes(100 - 10 * (1 - tolerance) * 0.999999)).toEqual(['alternative_predicted_better']);
    expect(
      messageOf(
        { recommendation, request: request('imagenet_top1'), alternatives: [alt(92)] },
        'alternative_predicted_better',
      ),
    ).toMatch(
      /^The alternative F6 at 2 epochs is predicted 20 % better on ImageNet top-1 error than the recommendation/,
    );
  });

  it("a near tie settled for the paper's range names the best-predicted run and by how much", () => {
    const tolerance = context.laws.jftLoss.quality.rmseRelative;
    const bestPredicted = { ...withLoss(1.99), model: { ...base().model, name: 'F4' as const } };
    expect(
      messageOf(
        { recommendation: withLoss(2), request: request('jft_loss'), bestPredicted },
        'near_tie_preferred_paper_range',
      ),
    ).toBe(
      `F4 at 2 epochs is predicted slightly better (0.5 %, within the law's own error of ${Number((tolerance * 100).toPrecision(3))} %) but lies outside what the paper measured (Figure 2's pre-training runs); the recommendation is the near-tied run inside it.`,
    );
    expect(codesOf({ recommendation: withLoss(2), bestPredicted })).not.toContain(
      'near_tie_preferred_paper_range',
    );
  });

  it("settles a top-1 near tie by Figure 1's fine-tuned runs, so it never prefers a run Figure 1 did not reach", () => {
    // Oracle: the digitized Figure 1 (each variant's smallest pre-training it was fine-tuned from), not the planner's
    // own range table. At 2,500 core hours the fitted top-1 pick once preferred F3+ at 0.35 epochs, which Figure 1
    // fine-tuned only from 0.5, and warned finetune_outside_figure1 about its own preference.
    const fineTunedFrom = new Map<string, number>();
    for (const p of FIGURE1_NFNET_IMAGENET_ERROR)
      if (p.epochs !== null)
        fineTunedFrom.set(p.model, Math.min(fineTunedFrom.get(p.model) ?? p.epochs, p.epochs));
    let preferred = 0;
    for (let i = 0; i <= 120; i++) {
      const amount = 400 * (110_000 / 400) ** (i / 120);
      const p = plan(context, {
        budget: { amount, unit: 'tpu_v4_core_hours' },
        strategy: 'fitted',
        objective: 'imagenet_top1',
      });
      if (!p.warnings.some((w) => w.code === 'near_tie_preferred_paper_range')) continue;
      preferred++;
      const r = p.recommendation;
      const from = fineTunedFrom.get(r.model.name);
      expect(from, `${amount}: ${r.model.name}`).toBeDefined();
      expect(r.imagesSeen / FACTS.jftImages.value).toBeGreaterThanOrEqual(from as number);
      expect(p.warnings.find((w) => w.code === 'near_tie_preferred_paper_range')?.message).toContain(
        "Figure 1's fine-tuned runs",
      );
    }
    expect(preferred).toBeGreaterThan(0);
  });
});

describe("the ensemble's pick shares: a near tie below one half, a runner-up with more", () => {
  const shared = (pickShare: number, name: TrainingConfiguration['model']['name'] = 'F3') =>
    ({ ...configuration({ model: { name } }), pickShare }) as TrainingConfiguration;

  it('the threshold is one half', () => {
    expect(PICK_NEAR_TIE_SHARE).toBe(0.5);
    expect(codesOf({ recommendation: shared(0.5) })).toEqual([]);
    expect(codesOf({ recommendation: shared(0.4999) })).toEqual(['pick_near_tie']);
    expect(codesOf({ recommendation: configuration() })).toEqual([]);
  });

  it('names the runner-up: the listed run of another variant with the largest share', () => {
    const alternatives = [shared(0.1, 'F4'), shared(0.3, 'F5'), shared(0.9, 'F3'), shared(0.2, 'F6')];
    expect(messageOf({ recommendation: shared(0.4), alternatives }, 'pick_near_tie')).toBe(
      "The recommendation is the best run under only 40 % of the ensemble's members (less than 50 %): the laws cannot tell it apart from its rivals; the runner-up is F5 at 2 epochs (30 %).",
    );
    expect(messageOf({ recommendation: shared(0.4), alternatives: [] }, 'pick_near_tie')).toBe(
      "The recommendation is the best run under only 40 % of the ensemble's members (less than 50 %): the laws cannot tell it apart from its rivals.",
    );
  });

  it('a runner-up most members prefer makes it no tie: the message says so', () => {
    const message = (share: number) =>
      messageOf({ recommendation: shared(0), alternatives: [shared(share, 'F1+')] }, 'pick_near_tie');
    expect(message(1)).toBe(
      "The recommendation is the best run under only 0 % of the ensemble's members (less than 50 %): most members prefer another run; the runner-up is F1+ at 2 epochs (100 %).",
    );
    expect(message(0.5)).toContain('the laws cannot tell it apart from its rivals; the runner-up is F1+');
  });

  it('a runner-up with a larger share is named, with the reason of the strategy', () => {
    const alternatives = [shared(0.35, 'F5')];
    const reason = (input: Partial<WarningInput>) =>
      messageOf({ recommendation: shared(0.3), alternatives, ...input }, 'pick_not_most_likely_best');
    expect(reason({ strategy: 'equal_rate' })).toBe(
      "F5 at 2 epochs (35 %) is the best run under more of the ensemble's members than the recommendation (30 %), because equal_rate follows the paper's stated rule, not the laws' optimum.",
    );
    expect(reason({ strategy: 'fitted', bestPredicted: base() })).toMatch(
      /because the near-tie preference keeps the run inside the paper's measured range\.$/,
    );
    expect(reason({ strategy: 'fitted' })).toMatch(
      /because the fit to the data and most of its bootstrap replicates disagree/,
    );
    // An equal share is no reason to warn.
    expect(codesOf({ recommendation: shared(0.6), alternatives: [shared(0.6, 'F5')] })).toEqual([]);
    expect(codesOf({ recommendation: shared(0.6), alternatives: [shared(0.61, 'F5')] })).toEqual([
      'pick_not_most_likely_best',
    ]);
  });

  it('alternatives without a share, or of the recommended variant, are no runner-up', () => {
    const alternatives = [configuration({ model: { name: 'F5' } }), shared(0.7, 'F3')];
    expect(codesOf({ recommendation: shared(0.6), alternatives })).toEqual([]);
  });
});

describe('exactly at each threshold (the same doubles the thresholds are), no warning', () => {
  it('budgets of exactly 400 x 0.997 and 110,000 x 1.003 core hours are inside', () => {
    expect(codesOf({ budget: budgetOf(400 * (1 - 0.003)) })).toEqual([]);
    expect(codesOf({ budget: budgetOf(110_000 * (1 + 0.003)) })).toEqual([]);
  });

  it('exactly 0.25 x (1 - tolerance) and 8 x (1 + tolerance) JFT-4B epochs are inside', () => {
    for (const jftEpochs of [0.25 * (1 - epochTolerance), 8 * (1 + epochTolerance)]) {
      const recommendation = configuration({ imagesSeen: jftEpochs * JFT_IMAGES });
      expect(recommendation.imagesSeen / JFT_IMAGES).toBe(jftEpochs);
      expect(codesOf({ recommendation })).toEqual([]);
    }
  });

  it("exactly the ends of Figure 1's F3 range, with the tolerance, are inside", () => {
    const request = { datasetImages: JFT_IMAGES, batchSize: 4096, objective: 'imagenet_top1' as const };
    for (const jftEpochs of [0.5 * (1 - epochTolerance), 8 * (1 + epochTolerance)]) {
      const recommendation = configuration({ imagesSeen: jftEpochs * JFT_IMAGES });
      expect(recommendation.imagesSeen / JFT_IMAGES).toBe(jftEpochs);
      expect(codesOf({ recommendation, request })).not.toContain('finetune_outside_figure1');
    }
  });

  it("an alternative exactly the law's error better is not named", () => {
    const tolerance = context.laws.jftLoss.quality.rmseRelative;
    const recommendation = configuration({ predicted: { jftValidationLoss: 2, imagenetTop1Percent: 80 } });
    const alt = configuration({
      model: { name: 'F5' },
      predicted: { jftValidationLoss: 2 * (1 - tolerance), imagenetTop1Percent: 80 },
    });
    const request = { datasetImages: JFT_IMAGES, batchSize: 4096, objective: 'jft_loss' as const };
    expect(codesOf({ recommendation, request, alternatives: [alt] })).toEqual([]);
  });
});

describe('the remaining messages', () => {
  it('a GPU budget, a large batch and a bounded prediction say what they mean', () => {
    expect(messageOf({ budget: budgetOf(10_000, 'gpu_hours') }, 'gpu_efficiency')).toMatch(
      /^NFNets were tuned for TPU-v4 .* the GPU conversion may be optimistic\.$/,
    );
    expect(
      messageOf({ request: { datasetImages: JFT_IMAGES, batchSize: 16_384 } }, 'learning_rate_batch_scaling'),
    ).toMatch(
      /^The learning rate is scaled linearly from the paper's batch of 4096 to 16384; linear scaling is known to break down past about 8192 images \(Goyal et al\. 2017/,
    );
    const bounded = configuration({
      imagesSeen: 0.01 * JFT_IMAGES,
      predicted: { jftValidationLoss: Math.log(30_000), imagenetTop1Percent: 50 },
    });
    expect(messageOf({ recommendation: bounded }, 'prediction_bounded')).toBe(
      'The laws extrapolated to 0.01 JFT-4B epochs leave what is possible; predictions are held at the bounds (JFT-4B loss at most ln 30000 = 10.3, a uniform guess; ImageNet top-1 at least 0.1 %, chance).',
    );
  });

  it('a near tie names no runner-up among alternatives without a share, and the first of two equal shares', () => {
    const recommendation = { ...configuration(), pickShare: 0.4 } as TrainingConfiguration;
    const noShare = configuration({ model: { name: 'F5' } });
    expect(messageOf({ recommendation, alternatives: [noShare] }, 'pick_near_tie')).not.toContain(
      'runner-up',
    );
    const f4 = { ...configuration({ model: { name: 'F4' } }), pickShare: 0.3 } as TrainingConfiguration;
    const f5 = { ...configuration({ model: { name: 'F5' } }), pickShare: 0.3 } as TrainingConfiguration;
    expect(messageOf({ recommendation, alternatives: [f4, f5] }, 'pick_near_tie')).toMatch(
      /; the runner-up is F4 at 2 epochs \(30 %\)\.$/,
    );
  });
});
