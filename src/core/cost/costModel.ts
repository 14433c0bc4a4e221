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
 * What one epoch of JFT-4B costs each NFNet variant on TPU-v4, from one stated law, and the throughput it implies.
 *
 * The law: cost per epoch k = c_family x F^g, F the forward FLOPs per image at the pre-training setup (224 px, 30k
 * classes; countNfnet), one exponent g for the whole family and one coefficient for each width family (deep F0-F7,
 * wide F0+-F7+). It is fitted by least squares in log space (a common slope with a separate intercept per family, the
 * analysis-of-covariance fit) to the trained variants' measured costs: the geometric mean of tpuV4CoreHours / epochs
 * over each variant's Figure 2 points (data/paper/METHOD.md section 6: 1608, 2692, 4865, 7055, 9590, 13350). The
 * geometric mean because the digitizing error is relative, so it averages in log space.
 *
 * Every variant, trained or not, is priced by the law, so no trained variant carries a standing discount or surcharge
 * against its untrained neighbours; the measured costs are the law's data, and each trained variant's residual is
 * reported beside it. Why a coefficient per family: the wide variants run cheaper per FLOP (wider matrix multiplies
 * use a TPU better), and on the six measured costs the family law predicts a left-out variant with a 4.9 % RMS
 * error in log space against 7.6 % for a single power law (compareCostLaws; README, "Cost model"). On the paper's
 * data g = 0.93 and the wide family costs 14 % less than the deep at the same FLOPs, so cost is not monotone in
 * FLOPs across the two families: F4+ (141 GFLOPs) costs less per epoch than F7 (130 GFLOPs).
 */

/** Images in JFT-4B (stated fact): one epoch is this many images unless the caller gives another dataset size. */
export const JFT_IMAGES: number = FACTS.jftImages.value;

/**
 * Largest dataset size costPerEpochTpuV4CoreHours accepts: 250 x JFT-4B, beyond any image dataset in existence, and
 * small enough that every derived cost stays a finite double.
 */
export const MAX_DATASET_IMAGES = 1e12;

export const COST_FAMILIES = ['deep', 'wide'] as const;
export type CostFamily = (typeof COST_FAMILIES)[number];

export interface VariantCost {
  readonly variant: NfnetVariant;
  readonly family: CostFamily;
  /** Forward FLOPs for one 224 px image with a 30k-class head. */
  readonly flopsPerImage: number;
  /** One epoch of JFT-4B (JFT_IMAGES images), from the family cost law. */
  readonly costPerEpochTpuV4CoreHours: number;
  /** Trained variants: the geometric mean of their Figure 2 costs per epoch (the law's data); absent otherwise. */
  readonly measuredCostPerEpochTpuV4CoreHours?: number;
  /** Trained variants: measured / law - 1, in percent. */
  readonly costLawResidualPercent?: number;
  /** Figure 2 points averaged into the measured cost; 0 for untrained variants. */
  readonly pointsUsed: number;
  readonly imagesPerSecondPerCore: number;
  /** 3 x forward FLOPs per image x images per second, in TFLOP/s. */
  readonly achievedTflopsPerCore: number;
  /** achievedTflopsPerCore / TPU_V4_PEAK_TFLOPS_PER_CORE. */
  readonly utilization: number;
}

export interface FamilyCostLaw {
  /** g in k = c_family x F^g. */
  readonly exponent: number;
  /** c_family, core hours per JFT-4B epoch per FLOP^g. */
  readonly coefficientByFamily: Readonly<Record<CostFamily, number>>;
  /** R^2 of ln k over the trained variants. */
  readonly r2Log: number;
  /** Trained variants fitted. */
  readonly n: number;
  /** Families with no trained variant among the data take the pooled single-law coefficient (leave-out subsets). */
  readonly familiesWithoutData: readonly CostFamily[];
}

export interface CostModel {
  readonly byVariant: Readonly<Record<NfnetVariant, VariantCost>>;
  /** The stated law every variant is priced by. */
  readonly familyCostLaw: FamilyCostLaw;
  /** The law's data: each trained variant's measured cost per JFT-4B epoch. */
  readonly measuredCosts: readonly MeasuredVariantCost[];
  /**
   * The family law's mid-line, k = sqrt(c_deep c_wide) x F^g: a single power law of cost in FLOPs for the continuous
   * allocations (the ideal model of a strategy, which belongs to neither width family) and their closed forms.
   */
  readonly flopsPowerLaw: PowerLawFit;
  /**
   * The NFNet family's TPU-v4 utilization: the geometric mean of the trained variants' measured utilizations.
   * Geometric, because utilization is a ratio and the variants span 29-40 %; each trained variant weighs the same, so
   * neither the small nor the large end of the family dominates. The flops and gpu_hours budget units convert with it.
   */
  readonly familyUtilization: number;
  /** familyUtilization x TPU_V4_PEAK_TFLOPS_PER_CORE: the family's achieved training TFLOP/s per TPU-v4 core. */
  readonly familyAchievedTflopsPerCore: number;
}

export function costFamilyOf(variant: NfnetVariant): CostFamily {
  return variant.endsWith('+') ? 'wide' : 'deep';
}

/** A trained variant's measured cost per JFT-4B epoch: one point of a cost law's data. */
export interface MeasuredVariantCost {
  readonly variant: NfnetVariant;
  readonly flopsPerImage: number;
  readonly costPerEpochTpuV4CoreHours: number;
  readonly pointsUsed: number;
}

/** Forward FLOPs per image at the pre-training setup (224 px, 30k classes), counted layer by layer (countNfnet). */
function pretrainFlopsPerImage(variants: readonly NfnetVariant[]): Record<NfnetVariant, number> {
  const flops = {} as Record<NfnetVariant, number>;
  for (const variant of variants)
    flops[variant] = countNfnet(variant, FACTS.pretrainResolution.value, FACTS.jftClasses.value).flops;
  return flops;
}

/**
 * Builds the cost model from Figure 2 points (default: the paper's 36). Pure and deterministic; it counts 16
 * architectures, so callers build it once and keep it. Needs points for at least two trained variants of distinct
 * FLOPs (passing a subset supports leave-one-model-out checks).
 */
export function buildCostModel(points: readonly Figure2Point[] = FIGURE2_JFT_VALIDATION_LOSS): CostModel {
  const flopsPerImage = pretrainFlopsPerImage(NFNET_VARIANTS);
  const measured = measuredCosts(points, flopsPerImage);
  const familyCostLaw = fitFamilyCostLaw(measured);
  const measuredByVariant = new Map(measured.map((m) => [m.variant, m]));

  const byVariant = {} as Record<NfnetVariant, VariantCost>;
  for (const variant of NFNET_VARIANTS) {
    const cost = evaluateFamilyCostLaw(familyCostLaw, variant, flopsPerImage[variant]);
    const m = measuredByVariant.get(variant);
    byVariant[variant] = {
      variant,
      family: costFamilyOf(variant),
      flopsPerImage: flopsPerImage[variant],
      costPerEpochTpuV4CoreHours: cost,
      ...(m && {
        measuredCostPerEpochTpuV4CoreHours: m.costPerEpochTpuV4CoreHours,
        costLawResidualPercent: (m.costPerEpochTpuV4CoreHours / cost - 1) * 100,
      }),
      pointsUsed: m?.pointsUsed ?? 0,
      ...impliedThroughput(flopsPerImage[variant], cost, JFT_IMAGES),
    };
  }

  const meanLogUtilization =
    measured.reduce(
      (acc, m) =>
        acc +
        Math.log(impliedThroughput(m.flopsPerImage, m.costPerEpochTpuV4CoreHours, JFT_IMAGES).utilization),
      0,
    ) / measured.length;
  const familyUtilization = Math.exp(meanLogUtilization);
  const { deep, wide } = familyCostLaw.coefficientByFamily;
  return {
    byVariant,
    familyCostLaw,
    measuredCosts: measured,
    flopsPowerLaw: {
      coefficient: Math.sqrt(deep * wide),
      exponent: familyCostLaw.exponent,
      r2Log: familyCostLaw.r2Log,
      n: familyCostLaw.n,
    },
    familyUtilization,
    familyAchievedTflopsPerCore: familyUtilization * TPU_V4_PEAK_TFLOPS_PER_CORE,
  };
}

/** The geometric mean of tpuV4CoreHours / epochs per trained variant, in first-seen order; checks the points. */
function measuredCosts(
  points: readonly Figure2Point[],
  flopsPerImage: Readonly<Record<NfnetVariant, number>>,
): MeasuredVariantCost[] {
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
      `the cost model needs Figure 2 points for at least two trained variants to fit its law; got ${logCostSums.size}`,
    );
  return [...logCostSums.entries()].map(([variant, { sum, n }]) => ({
    variant,
    flopsPerImage: flopsPerImage[variant],
    costPerEpochTpuV4CoreHours: Math.exp(sum / n),
    pointsUsed: n,
  }));
}

/**
 * Least squares of ln k = ln c_family + g ln F with one slope and an intercept per family (analysis of covariance):
 * g = sum over families of S_xy / sum of S_xx, with S taken about each family's own means, and
 * ln c_family = mean(ln k) - g mean(ln F) within the family. A family with no data takes the single-law intercept
 * (one line through every point), so a leave-one-out subset still prices every variant.
 */
export function fitFamilyCostLaw(measured: readonly MeasuredVariantCost[]): FamilyCostLaw {
  const byFamily = new Map<CostFamily, { x: number[]; y: number[] }>();
  for (const m of measured) {
    const family = costFamilyOf(m.variant);
    const entry = byFamily.get(family) ?? { x: [], y: [] };
    entry.x.push(Math.log(m.flopsPerImage));
    entry.y.push(Math.log(m.costPerEpochTpuV4CoreHours));
    byFamily.set(family, entry);
  }
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  let sxy = 0;
  let sxx = 0;
  for (const { x, y } of byFamily.values()) {
    const mx = mean(x);
    const my = mean(y);
    x.forEach((xi, i) => {
      sxy += (xi - mx) * ((y[i] as number) - my);
      sxx += (xi - mx) ** 2;
    });
  }
  const pooled = fitPowerLaw(
    measured.map((m) => m.flopsPerImage),
    measured.map((m) => m.costPerEpochTpuV4CoreHours),
  );
  // Every family a single variant (sxx 0): the slope is not identified within a family; the pooled line gives it.
  const exponent = sxx > 0 ? sxy / sxx : pooled.exponent;
  const coefficientByFamily = {} as Record<CostFamily, number>;
  const familiesWithoutData: CostFamily[] = [];
  const allX = measured.map((m) => Math.log(m.flopsPerImage));
  const allY = measured.map((m) => Math.log(m.costPerEpochTpuV4CoreHours));
  for (const family of COST_FAMILIES) {
    const data = byFamily.get(family);
    if (data === undefined) familiesWithoutData.push(family);
    const { x, y } = data ?? { x: allX, y: allY };
    coefficientByFamily[family] = Math.exp(mean(y) - exponent * mean(x));
  }
  let ssRes = 0;
  let ssTot = 0;
  const meanY = mean(allY);
  measured.forEach((m, i) => {
    const predicted = Math.log(
      evaluateFamilyCostLaw({ exponent, coefficientByFamily }, m.variant, m.flopsPerImage),
    );
    ssRes += ((allY[i] as number) - predicted) ** 2;
    ssTot += ((allY[i] as number) - meanY) ** 2;
  });
  return {
    exponent,
    coefficientByFamily,
    r2Log: ssTot > 0 ? 1 - ssRes / ssTot : 1,
    n: measured.length,
    familiesWithoutData,
  };
}

/** k = c_family x F^g for a variant of the given forward FLOPs per image. */
export function evaluateFamilyCostLaw(
  law: Pick<FamilyCostLaw, 'exponent' | 'coefficientByFamily'>,
  variant: NfnetVariant,
  flopsPerImage: number,
): number {
  return law.coefficientByFamily[costFamilyOf(variant)] * flopsPerImage ** law.exponent;
}

export interface CostLawComparison {
  readonly law: 'single_power_law' | 'family_power_law';
  readonly form: string;
  /** RMS of ln(law / measured) over the trained variants, each predicted by the law fitted to the others. */
  readonly leaveOneOutRmsLog: number;
  /** The same, in sample. */
  readonly inSampleRmsLog: number;
}

/**
 * The evidence for the family law: a single power law k = c F^g (one line through all six trained variants) against
 * the family law, each judged by how well it predicts a trained variant's measured cost when fitted without it.
 */
export function compareCostLaws(
  points: readonly Figure2Point[] = FIGURE2_JFT_VALIDATION_LOSS,
): CostLawComparison[] {
  const measured = measuredCosts(points, pretrainFlopsPerImage(PAPER_TRAINED_VARIANTS));
  const single = (data: readonly MeasuredVariantCost[]) => {
    const law = fitPowerLaw(
      data.map((m) => m.flopsPerImage),
      data.map((m) => m.costPerEpochTpuV4CoreHours),
    );
    return (m: MeasuredVariantCost) => evaluatePowerLaw(law, m.flopsPerImage);
  };
  const family = (data: readonly MeasuredVariantCost[]) => {
    const law = fitFamilyCostLaw(data);
    return (m: MeasuredVariantCost) => evaluateFamilyCostLaw(law, m.variant, m.flopsPerImage);
  };
  const rms = (errors: readonly number[]) => Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
  const judge = (lawFittedTo: typeof single) => ({
    inSampleRmsLog: rms(
      measured.map((m) => Math.log(lawFittedTo(measured)(m) / m.costPerEpochTpuV4CoreHours)),
    ),
    leaveOneOutRmsLog: rms(
      measured.map((m) =>
        Math.log(lawFittedTo(measured.filter((o) => o !== m))(m) / m.costPerEpochTpuV4CoreHours),
      ),
    ),
  });
  return [
    { law: 'single_power_law', form: 'k = c F^g', ...judge(single) },
    { law: 'family_power_law', form: 'k = c_family F^g (deep F0-F7, wide F0+-F7+)', ...judge(family) },
  ];
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
