/**
 * describeConfiguration, predict, createPlannerContext and configurationProvenance on hand-worked cases. Oracles: the
 * arithmetic the doc comments state (cost = epochs x cost per JFT-4B epoch x dataset share, training FLOPs = 3 x F x
 * images seen, steps = ceil(images / batch), the learning rate on the paper's factor-2 grid from 1.6 scaled by
 * B / 4096, trials a factor 2 apart), hardware worked by hand (a TPU-v4 chip is 2 cores; an H100's dense bf16 peak is
 * 989 TFLOP/s), the bounds ln 30,000 and 0.1 %, and the paper's six trained variants.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NFNET_VARIANTS } from '../../../src/core/architecture/variants.js';
import { InfeasibleError } from '../../../src/core/errors.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import {
  describeConfiguration,
  LEARNING_RATE_SCHEDULE,
  MAX_JFT_VALIDATION_LOSS,
  MIN_IMAGENET_TOP1_PERCENT,
  predict,
} from '../../../src/core/planner/configuration.js';
import {
  createPlannerContext,
  type LossSurface,
  type PlannerContext,
} from '../../../src/core/planner/context.js';
import { configurationProvenance, PAPER_CITATION } from '../../../src/core/planner/provenance.js';
import { fitLawEnsemble } from '../../../src/core/uncertainty/lawEnsemble.js';
import { resolveHardware } from '../../../src/core/units/hardware.js';

let context: PlannerContext;
/** The same laws with their ensemble, built only by the tests that use it (a few hundred milliseconds). */
let withEnsemble: PlannerContext;
const buildWithEnsemble = () => {
  withEnsemble = createPlannerContext(context.laws, fitLawEnsemble(context.laws));
};
beforeAll(() => {
  context = createPlannerContext(fitPaperLaws());
});

const JFT_IMAGES = 4e9;
const options = (extra: Partial<Parameters<typeof describeConfiguration>[4]> = {}) => ({
  datasetImages: JFT_IMAGES,
  batchSize: 4096,
  ...extra,
});
const describe1 = (
  name: (typeof NFNET_VARIANTS)[number],
  epochs: number,
  extra: Partial<Parameters<typeof describeConfiguration>[4]> = {},
  ctx: PlannerContext = context,
) => describeConfiguration(ctx, ctx.paperLossSurface, ctx.byName[name], epochs, options(extra));

/** Is x 1.6 x 2^k for a whole k (the paper's grid)? */
const onGrid = (x: number) => Math.abs(Math.log2(x / 1.6) - Math.round(Math.log2(x / 1.6))) < 1e-12;

describe('describeConfiguration: the arithmetic', () => {
  it('a quarter of JFT-4B for 2 passes: cost, images, FLOPs and steps by hand', () => {
    const F3 = context.byName.F3;
    const c = describe1('F3', 2, { datasetImages: 1e9, batchSize: 3_000 });
    expect(c.model).toEqual({
      name: 'F3',
      params: F3.params,
      flopsPerImage: F3.flopsPerImage,
      costPerEpochTpuV4CoreHours: expect.closeTo(F3.costPerEpochTpuV4CoreHours / 4, 9),
      trainedInPaper: true,
    });
    expect(c.epochs).toBe(2);
    expect(c.imagesSeen).toBe(2e9);
    expect(c.costTpuV4CoreHours).toBeCloseTo(F3.costPerEpochTpuV4CoreHours / 2, 9);
    expect(c.trainingFlops).toBeCloseTo(3 * F3.flopsPerImage * 2e9, -3);
    // 2e9 / 3000 = 666,666.67: a partial last batch is a step.
    expect(c.steps).toBe(666_667);
    expect(c.batchSize).toBe(3_000);
    expect(c.finetuneCostTpuV4CoreHours).toBe(F3.finetuneCostTpuV4CoreHours);
    expect(describe1('F3', 2, { datasetImages: 1e9, batchSize: 1_000 }).steps).toBe(2_000_000);
  });

  it('the learning rate: on the grid at batch 4096, scaled by B / 4096, set by the images seen (not the passes)', () => {
    const at4096 = describe1('F3', 0.5).learningRate;
    expect(onGrid(at4096.value)).toBe(true);
    expect(at4096.trials).toEqual([at4096.value, at4096.value / 2]);
    expect(at4096.schedule).toBe(LEARNING_RATE_SCHEDULE);
    expect(LEARNING_RATE_SCHEDULE).toMatch(/cosine/);
    // 2 passes over 1e9 images are 0.5 JFT-4B epochs: the same rate, times 1024 / 4096.
    const smaller = describe1('F3', 2, { datasetImages: 1e9, batchSize: 1024 }).learningRate;
    expect(smaller.value).toBeCloseTo(at4096.value / 4, 15);
    expect(smaller.trials).toEqual([smaller.value, smaller.value / 2]);
  });

  it("a short run trains at 1.6 (stated), and the caller's previous optimum starts the trials", () => {
    expect(describe1('F0', 0.25).learningRate.value).toBe(1.6);
    const given = describe1('F0', 0.25, { previousOptimalLearningRate: 0.3 }).learningRate;
    expect(given.value).toBe(1.6);
    expect(given.trials).toEqual([0.3, 0.15]);
  });

  it('no hardware: no wall clock, device hours or price', () => {
    const c = describe1('F3', 2);
    for (const key of ['wallClockHours', 'acceleratorHours', 'price']) expect(key in c).toBe(false);
  });

  it('16 TPU-v4 chips at 3.2 an hour: wall clock = cost / 32 cores, device hours x 16, price x 3.2', () => {
    const hardware = resolveHardware(
      { accelerator: 'tpu_v4_chip', count: 16, pricePerAcceleratorHour: 3.2 },
      context.laws.costModel,
    );
    const c = describe1('F3', 2, hardware === undefined ? {} : { hardware });
    expect(c.wallClockHours).toBeCloseTo(c.costTpuV4CoreHours / 32, 9);
    expect(c.acceleratorHours).toBeCloseTo((16 * c.costTpuV4CoreHours) / 32, 9);
    expect(c.price).toBeCloseTo((3.2 * 16 * c.costTpuV4CoreHours) / 32, 9);
  });

  it('8 H100s at half their 989 TFLOP/s peak: wall clock = training FLOPs / (8 x 989e12 x 0.5 x 3600 s), no price', () => {
    const hardware = resolveHardware(
      { accelerator: 'h100', count: 8, utilization: 0.5 },
      context.laws.costModel,
    );
    const c = describe1('F3', 2, hardware === undefined ? {} : { hardware });
    const hours = c.trainingFlops / (8 * 989e12 * 0.5 * 3600);
    expect(c.wallClockHours).toBeCloseTo(hours, 9);
    expect(c.acceleratorHours).toBeCloseTo(8 * hours, 9);
    expect('price' in c).toBe(false);
  });
});

describe('predict: the bounds and a failed law', () => {
  it('the bounds are ln 30,000 nats and 0.1 % top-1', () => {
    expect(MAX_JFT_VALIDATION_LOSS).toBeCloseTo(10.308952660644293, 14);
    expect(MIN_IMAGENET_TOP1_PERCENT).toBeCloseTo(0.1, 15);
  });

  it('a surface above ln 30,000 is held there; below, it is the surface by hand', () => {
    const surface = (E: number): LossSurface => ({
      id: 'hand',
      coefficients: { E, A: 1e3, B: 1e3, alpha: 0.5, beta: 0.5 },
      provenance: 'by hand',
    });
    const F = context.byName.F1.flopsPerImage;
    expect(predict(context, surface(11), context.byName.F1, 1, JFT_IMAGES).jftValidationLoss).toBe(
      MAX_JFT_VALIDATION_LOSS,
    );
    expect(predict(context, surface(2), context.byName.F1, 2, 1e9).jftValidationLoss).toBeCloseTo(
      2 + 1e3 / F ** 0.5 + 1e3 / 2e9 ** 0.5,
      12,
    );
  });

  it('a tiny run: top-1 held at chance (0.1 %)', () => {
    expect(
      predict(context, context.paperLossSurface, context.byName.F0, 1e-9, JFT_IMAGES).imagenetTop1Percent,
    ).toBe(MIN_IMAGENET_TOP1_PERCENT);
  });

  it('a law that gives no number is an InfeasibleError naming the model and epochs', () => {
    const broken: LossSurface = {
      id: 'broken',
      coefficients: { E: Number.NaN, A: 1, B: 1, alpha: 1, beta: 1 },
      provenance: 'by hand',
    };
    try {
      predict(context, broken, context.byName.F2, 3, JFT_IMAGES);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InfeasibleError);
      expect((error as InfeasibleError).message).toBe('the laws give no prediction for F2 at 3 epochs');
      expect((error as InfeasibleError).detail).toEqual({ model: 'F2', epochs: 3 });
    }
  });
});

describe('intervals in a configuration', () => {
  beforeAll(buildWithEnsemble);

  it('only with an ensemble in the context and a level: then they bracket the point', () => {
    expect(
      describe1('F3', 2, { intervalLevel: 0.9 }).predicted.jftValidationLossConfidenceInterval,
    ).toBeUndefined();
    expect(
      describe1('F3', 2, {}, withEnsemble).predicted.jftValidationLossConfidenceInterval,
    ).toBeUndefined();
    const p = describe1('F3', 2, { intervalLevel: 0.9 }, withEnsemble).predicted;
    const { jftValidationLossConfidenceInterval: ci, imagenetTop1PercentPredictionInterval: top1 } = p;
    expect(ci?.lower).toBeLessThan(p.jftValidationLoss);
    expect(ci?.upper).toBeGreaterThan(p.jftValidationLoss);
    expect(top1?.lower).toBeLessThan(p.imagenetTop1Percent);
    expect(top1?.upper).toBeGreaterThan(p.imagenetTop1Percent);
    // The point predictions do not change with the ensemble.
    expect(p.jftValidationLoss).toBe(describe1('F3', 2).predicted.jftValidationLoss);
    expect(p.imagenetTop1Percent).toBe(describe1('F3', 2).predicted.imagenetTop1Percent);
  });

  it("a caller's surface without its own ensemble gets none, even in a context with the paper's", () => {
    const mine: LossSurface = { ...withEnsemble.paperLossSurface, id: 'mine' };
    const p = describeConfiguration(
      withEnsemble,
      mine,
      withEnsemble.byName.F3,
      2,
      options({ intervalLevel: 0.9 }),
    );
    expect(p.predicted.jftValidationLossConfidenceInterval).toBeUndefined();
  });
});

describe('createPlannerContext', () => {
  beforeAll(buildWithEnsemble);

  it('all 16 variants, smallest forward FLOPs first, with the six the paper trained marked', () => {
    expect(context.models).toHaveLength(16);
    expect(new Set(context.models.map((m) => m.name))).toEqual(new Set(NFNET_VARIANTS));
    for (let i = 1; i < 16; i++)
      expect(context.models[i]?.flopsPerImage).toBeGreaterThan(
        context.models[i - 1]?.flopsPerImage as number,
      );
    expect(context.models[0]?.name).toBe('F0');
    expect(context.models[15]?.name).toBe('F7+');
    expect(
      context.models
        .filter((m) => m.trainedInPaper)
        .map((m) => m.name)
        .sort(),
    ).toEqual(['F0', 'F1', 'F3', 'F3+', 'F7', 'F7+'].sort());
    for (const m of context.models) expect(context.byName[m.name]).toBe(m);
  });

  it("each entry carries the cost model's numbers for its variant", () => {
    for (const m of context.models) {
      const cost = context.laws.costModel.byVariant[m.name];
      expect(m.flopsPerImage).toBe(cost.flopsPerImage);
      expect(m.costPerEpochTpuV4CoreHours).toBe(cost.costPerEpochTpuV4CoreHours);
      expect(m.costFamily).toBe(cost.family);
      expect(m.params).toBeGreaterThan(0);
    }
    expect(context.byName.F7.costFamily).toBe('deep');
    expect(context.byName['F7+'].costFamily).toBe('wide');
    // Parameters grow with depth within a family (F0 < F1 < ... < F7).
    expect(context.byName.F0.params).toBeLessThan(context.byName.F1.params);
    expect(context.byName.F6.params).toBeLessThan(context.byName.F7.params);
  });

  it("the paper's surface is the fitted JFT loss law; uncertainty only with an ensemble", () => {
    expect(context.paperLossSurface).toEqual({
      id: context.laws.jftLoss.id,
      coefficients: context.laws.jftLoss.coefficients,
      provenance: context.laws.jftLoss.provenance,
    });
    expect('ensemble' in context.paperLossSurface).toBe(false);
    expect(context.uncertainty).toBeUndefined();
    expect(withEnsemble.uncertainty?.grid.members).toBe(200);
  });
});

describe('configurationProvenance', () => {
  it("names each number's source with the fitted values and the stated facts", () => {
    const p = configurationProvenance(context, context.paperLossSurface);
    const { exponent, coefficientByFamily } = context.laws.costModel.familyCostLaw;
    expect(p.costPerEpoch).toContain(`= c x FLOPs^${exponent.toFixed(4)}, c = `);
    expect(p.costPerEpoch).toContain(
      `${coefficientByFamily.deep.toPrecision(4)} for the deep variants F0-F7`,
    );
    expect(p.costPerEpoch).toContain(`${coefficientByFamily.wide.toPrecision(4)} for the wide F0+-F7+`);
    expect(p.jftValidationLoss).toBe(`fitted law jft_loss_surface: ${context.laws.jftLoss.provenance}`);
    expect(p.imagenetTop1Percent).toMatch(/^fitted law imagenet_top1_error_surface: /);
    expect(p.learningRate).toMatch(/^fitted law \S+: .*at the paper's batch of 4096, then scaled linearly/);
    expect(p.finetuneCost).toMatch(
      /^stated: 1600 core hours for F7\+ \(.+\), scaled by .* 384 px, and 1,000 classes$/,
    );
    expect(p.lossLawId).toBe('jft_loss_surface');
  });

  it("a caller's surface is named by its id and words", () => {
    const mine: LossSurface = { ...context.paperLossSurface, id: 'mine', provenance: 'my runs' };
    const p = configurationProvenance(context, mine);
    expect(p.jftValidationLoss).toBe('fitted law mine: my runs');
    expect(p.lossLawId).toBe('mine');
    expect(PAPER_CITATION).toMatch(/^Smith, Brock, Berrada & De \(2023\).*arXiv 2310\.16764$/);
  });
});
