import { countNfnet } from '../architecture/count.js';
import { NFNET_VARIANTS, type NfnetVariant } from '../architecture/variants.js';
import { FACTS, TPU_V4_PEAK_TFLOPS_PER_CORE } from '../dataset/facts.js';
import {
  FIGURE2_JFT_VALIDATION_LOSS,
  type Figure2Point,
  PAPER_TRAINED_VARIANTS,
} from '../dataset/figures.js';
import { PlannerInputError } from '../errors.js';
import { evaluatePowerLaw, fitPowerLaw, type PowerLawFit } from '../numeric/leastSquares.js';
import { impliedThroughput } from './throughput.js';

/**
 * What one epoch of JFT-4B costs each NFNet variant on TPU-v4, and the throughput that cost implies.
 *
 * Trained variants (F0, F1, F3, F3+, F7, F7+): the geometric mean of tpuV4CoreHours / epochs over the variant's
 * Figure 2 points (data/paper/METHOD.md section 6: 1608, 2692, 4865, 7055, 9590, 13350). The geometric mean because
 * the digitizing error is relative (about 0.3 % of the log-scaled compute axis), so it averages in log space.
 * Other variants: cost = coefficient x flopsPerImage^exponent, fitted by least squares in log space on the trained
 * variants, with forward FLOPs at the pre-training setup (224 px, 30k classes; countNfnet). On the paper's data the
 * law is cost ~ FLOPs^0.875 (R^2 0.994 in log space); the wide "+" variants run cheaper per FLOP than it (F3+ 8 %
 * below) and the deep F7 dearer (11 % above), so the table is not monotone in FLOPs across the two: interpolated F4+
 * (141 GFLOPs) costs less per epoch than digitized F7 (130 GFLOPs).
 */

/** Images in JFT-4B (stated fact): one epoch is this many images unless the caller gives another dataset size. */
export const JFT_IMAGES: number = FACTS.jftImages.value;

/**
 * Largest dataset size costPerEpochTpuV4CoreHours accepts: 250 x JFT-4B, beyond any image dataset in existence, and
 * small enough that every derived cost stays a finite double.
 */
export const MAX_DATASET_IMAGES = 1e12;

export interface VariantCost {
  readonly variant: NfnetVariant;
  /** Forward FLOPs for one 224 px image with a 30k-class head. */
  readonly flopsPerImage: number;
  /** One epoch of JFT-4B (JFT_IMAGES images). */
  readonly costPerEpochTpuV4CoreHours: number;
  readonly costSource: 'digitized' | 'interpolated';
  /** Figure 2 points averaged; 0 for interpolated variants. */
  readonly pointsUsed: number;
  readonly imagesPerSecondPerCore: number;
  /** 3 x forward FLOPs per image x images per second, in TFLOP/s. */
  readonly achievedTflopsPerCore: number;
  /** achievedTflopsPerCore / TPU_V4_PEAK_TFLOPS_PER_CORE. */
  readonly utilization: number;
}

export interface CostModel {
  readonly byVariant: Readonly<Record<NfnetVariant, VariantCost>>;
  /** Cost per JFT-4B epoch against forward FLOPs per image (224 px, 30k classes), fitted on the digitized variants. */
  readonly flopsPowerLaw: PowerLawFit;
  /**
   * The NFNet family's TPU-v4 utilization: the geometric mean of the digitized variants' utilizations. Geometric,
   * because utilization is a ratio and the variants span 29-40 %; each trained variant weighs the same, so neither
   * the small nor the large end of the family dominates. The flops and gpu_hours budget units convert with it.
   */
  readonly familyUtilization: number;
  /** familyUtilization x TPU_V4_PEAK_TFLOPS_PER_CORE: the family's achieved training TFLOP/s per TPU-v4 core. */
  readonly familyAchievedTflopsPerCore: number;
}

/**
 * Builds the cost model from Figure 2 points (default: the paper's 36). Pure and deterministic; it counts 16
 * architectures, so callers build it once and keep it.
 *
 * Variants with points are 'digitized'; the rest are 'interpolated' from the power law, which needs points for at
 * least two trained variants (passing a subset supports leave-one-model-out checks).
 */
export function buildCostModel(points: readonly Figure2Point[] = FIGURE2_JFT_VALIDATION_LOSS): CostModel {
  const flopsPerImage = {} as Record<NfnetVariant, number>;
  for (const variant of NFNET_VARIANTS)
    flopsPerImage[variant] = countNfnet(
      variant,
      FACTS.pretrainResolution.value,
      FACTS.jftClasses.value,
    ).flops;

  const logCostSums = new Map<NfnetVariant, { sum: number; n: number }>();
  points.forEach((point, i) => {
    const field = `points[${i}]`;
    if (!(PAPER_TRAINED_VARIANTS as readonly string[]).includes(point.model))
      throw new PlannerInputError(
        `${field}.model`,
        `${field}.model must be one of the trained variants ${PAPER_TRAINED_VARIANTS.join(', ')}; got ${JSON.stringify(point.model)}`,
      );
    assertPositiveFinite(point.epochs, `${field}.epochs`);
    assertPositiveFinite(point.tpuV4CoreHours, `${field}.tpuV4CoreHours`);
    const entry = logCostSums.get(point.model) ?? { sum: 0, n: 0 };
    entry.sum += Math.log(point.tpuV4CoreHours / point.epochs);
    entry.n += 1;
    logCostSums.set(point.model, entry);
  });
  if (logCostSums.size < 2)
    throw new PlannerInputError(
      'points',
      `the cost model needs Figure 2 points for at least two trained variants to fit its power law; got ${logCostSums.size}`,
    );

  const digitized = [...logCostSums.entries()].map(([variant, { sum, n }]) => ({
    variant,
    cost: Math.exp(sum / n),
    n,
  }));
  const flopsPowerLaw = fitPowerLaw(
    digitized.map((d) => flopsPerImage[d.variant]),
    digitized.map((d) => d.cost),
  );

  const byVariant = {} as Record<NfnetVariant, VariantCost>;
  for (const variant of NFNET_VARIANTS) {
    const measured = digitized.find((d) => d.variant === variant);
    const cost = measured?.cost ?? evaluatePowerLaw(flopsPowerLaw, flopsPerImage[variant]);
    byVariant[variant] = {
      variant,
      flopsPerImage: flopsPerImage[variant],
      costPerEpochTpuV4CoreHours: cost,
      costSource: measured ? 'digitized' : 'interpolated',
      pointsUsed: measured?.n ?? 0,
      ...impliedThroughput(flopsPerImage[variant], cost, JFT_IMAGES),
    };
  }

  const meanLogUtilization =
    digitized.reduce((acc, d) => acc + Math.log(byVariant[d.variant].utilization), 0) / digitized.length;
  const familyUtilization = Math.exp(meanLogUtilization);
  return {
    byVariant,
    flopsPowerLaw,
    familyUtilization,
    familyAchievedTflopsPerCore: familyUtilization * TPU_V4_PEAK_TFLOPS_PER_CORE,
  };
}

/**
 * TPU-v4 core hours for one epoch of `datasetImages` images: the JFT-4B cost scaled linearly,
 * cost x datasetImages / JFT_IMAGES, since per-image cost does not depend on how many images an epoch holds.
 */
export function costPerEpochTpuV4CoreHours(
  model: CostModel,
  variant: NfnetVariant,
  datasetImages: number = JFT_IMAGES,
): number {
  assertPositiveFinite(datasetImages, 'datasetImages');
  if (datasetImages > MAX_DATASET_IMAGES)
    throw new PlannerInputError(
      'datasetImages',
      `datasetImages must be at most ${MAX_DATASET_IMAGES.toExponential()} images (${MAX_DATASET_IMAGES / JFT_IMAGES} times JFT-4B); got ${datasetImages}`,
    );
  const entry = model.byVariant[variant];
  if (!entry) throw new PlannerInputError('model', `unknown NFNet variant ${JSON.stringify(variant)}`);
  return entry.costPerEpochTpuV4CoreHours * (datasetImages / JFT_IMAGES);
}

function assertPositiveFinite(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new PlannerInputError(
      field,
      `${field} must be a finite number greater than zero; got ${String(value)}`,
    );
}
