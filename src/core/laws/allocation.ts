/**
 * How to split a compute budget C (TPU-v4 core hours) between model size and training length, two ways:
 * - equal_rate: the paper's stated rule (Smith et al. 2023, "scaling rules"), model size and epochs grow at the same rate;
 * - fitted: the optimum of a fitted surface L(F, D) under the cost model, in closed form.
 * Plus the discrete choice among the variants actually trained, which is what a planner can recommend.
 * Everything here takes the laws as parameters; nothing is fitted at module load.
 */

import { FACTS } from '../dataset/facts.js';
import { InfeasibleError, PlannerInputError } from '../errors.js';
import type { PowerLawFit } from '../numeric/leastSquares.js';
import { predictSurface, type SurfaceCoefficients } from './surface.js';

/** Budget at which the paper's optimal epoch budget reaches 1 (stated: "roughly 5k TPU-v4 core hours"). */
export const EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS: number = FACTS.epochsAboveOneFromTpuV4CoreHours.value;
/** Share of the compute exponent taken by each of model size and epochs (stated: scale both at the same rate). */
export const EQUAL_RATE_EXPONENT: number = FACTS.equalRateScalingExponent.value;

/** Exponents of the optimum against compute: each quantity is proportional to C^exponent. */
export interface AllocationExponents {
  readonly flopsPerImage: number;
  readonly costPerEpoch: number;
  readonly epochs: number;
}

/** Where the equal-rate rule comes from: both of its numbers are stated in the paper. */
export const EQUAL_RATE_SOURCE = `${FACTS.equalRateScalingExponent.source}; anchor: ${FACTS.epochsAboveOneFromTpuV4CoreHours.source}`;

export interface EqualRateAllocation {
  readonly rule: 'equal_rate';
  readonly tpuV4CoreHours: number;
  readonly epochs: number;
  /** Cost of one JFT-4B epoch of the ideal model: the budget over the ideal epochs. */
  readonly costPerEpochTpuV4CoreHours: number;
  readonly exponents: Omit<AllocationExponents, 'flopsPerImage'>;
  readonly source: string;
}

/**
 * The paper's equal-rate rule: E* = (C / 5000)^0.5 epochs and k* = C / E* core hours per epoch, so both grow as
 * C^0.5 and E* = 1 at C = 5000 (anchor and exponent: stated facts epochsAboveOneFromTpuV4CoreHours and
 * equalRateScalingExponent).
 */
export function equalRateAllocation(tpuV4CoreHours: number): EqualRateAllocation {
  assertBudget(tpuV4CoreHours);
  const epochs = (tpuV4CoreHours / EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS) ** EQUAL_RATE_EXPONENT;
  return {
    rule: 'equal_rate',
    tpuV4CoreHours,
    epochs,
    costPerEpochTpuV4CoreHours: tpuV4CoreHours / epochs,
    exponents: { epochs: EQUAL_RATE_EXPONENT, costPerEpoch: 1 - EQUAL_RATE_EXPONENT },
    source: EQUAL_RATE_SOURCE,
  };
}

/**
 * Cost of one epoch of the cost law's reference dataset (JFT-4B) against forward FLOPs per image:
 * k(F) = coefficient x F^exponent TPU-v4 core hours (the cost model's flopsPowerLaw).
 */
export type CostPowerLaw = Pick<PowerLawFit, 'coefficient' | 'exponent'>;

/**
 * Closed-form exponents of the compute-optimal allocation for L = E + A F^-alpha + B D^-beta under the cost
 * C = (D / N) c F^g (N = JFT-4B images, k = c F^g the cost per epoch).
 *
 * Derivation (Lagrangian as in Hoffmann et al. 2022, appendix A, with the cost exponent g kept): on the budget line
 * D = N C / (c F^g), so L(F) = E + A F^-alpha + B (N C / c)^-beta F^(g beta). Setting dL/dF = 0:
 *   alpha A F^-alpha = g beta B (N C / c)^-beta F^(g beta)
 *   => F* = [alpha A / (g beta B)]^(1 / (alpha + g beta)) x (N C / c)^(beta / (alpha + g beta)).
 * Hence F* ~ C^(beta / (alpha + g beta)), k* = c F*^g ~ C^(g beta / (alpha + g beta)) and
 * epochs* = C / k* ~ C^(alpha / (alpha + g beta)). With g = 1 this is Chinchilla's N* ~ C^(beta / (alpha + beta)).
 * It is a minimum: L(F) is a sum of a falling and a rising power of F, convex in log F.
 */
export function fittedAllocationExponents(
  surface: Pick<SurfaceCoefficients, 'alpha' | 'beta'>,
  costLaw: CostPowerLaw,
): AllocationExponents {
  assertAllocatable(surface, costLaw);
  const { alpha, beta } = surface;
  const g = costLaw.exponent;
  const denominator = alpha + g * beta;
  return {
    flopsPerImage: beta / denominator,
    costPerEpoch: (g * beta) / denominator,
    epochs: alpha / denominator,
  };
}

/**
 * ln F* of the closed form above, F* = [alpha A / (g beta B)]^(1 / (alpha + g beta)) x (N C / c)^(beta / (alpha + g
 * beta)), taken in logs so that extreme budgets do not overflow an intermediate power. Unchecked: fittedAllocation
 * checks the surface and the budget; the planner calls this directly on laws and budgets it has already checked.
 */
export function optimalLogFlopsPerImage(
  surface: Pick<SurfaceCoefficients, 'A' | 'B' | 'alpha' | 'beta'>,
  costLaw: CostPowerLaw,
  tpuV4CoreHours: number,
): number {
  const { A, B, alpha, beta } = surface;
  const { coefficient: c, exponent: g } = costLaw;
  return (
    (Math.log((alpha * A) / (g * beta * B)) + beta * Math.log((FACTS.jftImages.value * tpuV4CoreHours) / c)) /
    (alpha + g * beta)
  );
}

export interface FittedAllocation {
  readonly rule: 'fitted';
  readonly tpuV4CoreHours: number;
  /** The continuous optimum: a model of this many forward FLOPs per image need not exist. */
  readonly flopsPerImage: number;
  /** One epoch of datasetImages images at that size. */
  readonly costPerEpochTpuV4CoreHours: number;
  readonly epochs: number;
  readonly imagesSeen: number;
  /** The surface's value at the optimum (JFT loss or top-1 error, whichever surface was given). */
  readonly predictedValue: number;
  readonly exponents: AllocationExponents;
}

/**
 * The continuous compute-optimal configuration for budget C: F* from fittedAllocationExponents' closed form, then
 * D* = N C / (c F*^g) images, epochs* = D* / datasetImages and the cost of one epoch of datasetImages images,
 * c F*^g x datasetImages / N (per-image cost does not depend on the dataset's size).
 */
export function fittedAllocation(
  surface: SurfaceCoefficients,
  costLaw: CostPowerLaw,
  tpuV4CoreHours: number,
  datasetImages: number = FACTS.jftImages.value,
): FittedAllocation {
  assertBudget(tpuV4CoreHours);
  if (!(Number.isFinite(datasetImages) && datasetImages > 0))
    throw new PlannerInputError(
      'datasetImages',
      `datasetImages must be a positive number; got ${datasetImages}`,
    );
  const exponents = fittedAllocationExponents(surface, costLaw);
  const { coefficient: c, exponent: g } = costLaw;
  const referenceImages = FACTS.jftImages.value;
  const logFlops = optimalLogFlopsPerImage(surface, costLaw, tpuV4CoreHours);
  const flopsPerImage = Math.exp(logFlops);
  const referenceEpochCost = c * Math.exp(g * logFlops);
  const imagesSeen = (referenceImages * tpuV4CoreHours) / referenceEpochCost;
  const result: FittedAllocation = {
    rule: 'fitted',
    tpuV4CoreHours,
    flopsPerImage,
    costPerEpochTpuV4CoreHours: referenceEpochCost * (datasetImages / referenceImages),
    epochs: imagesSeen / datasetImages,
    imagesSeen,
    predictedValue: predictSurface(surface, flopsPerImage, imagesSeen),
    exponents,
  };
  for (const key of [
    'flopsPerImage',
    'costPerEpochTpuV4CoreHours',
    'epochs',
    'imagesSeen',
    'predictedValue',
  ] as const)
    if (!Number.isFinite(result[key]) || result[key] <= 0)
      throw new InfeasibleError(
        `the fitted allocation for ${tpuV4CoreHours} TPU-v4 core hours is out of numeric range`,
        {
          field: key,
        },
      );
  return result;
}

/** A model that could be trained: its size and what one epoch of the dataset costs it. */
export interface TrainableCandidate {
  readonly variant: string;
  readonly flopsPerImage: number;
  readonly costPerEpochTpuV4CoreHours: number;
}

export interface CandidateChoice extends TrainableCandidate {
  readonly epochs: number;
  readonly predictedValue: number;
}

export interface EpochRange {
  readonly minEpochs: number;
  readonly maxEpochs: number;
}

/** The epoch budgets the paper trained (0.25 to 8, stated): the surface is not trusted outside them. */
export const STUDIED_EPOCH_RANGE: EpochRange = {
  minEpochs: FACTS.minEpochsStudied.value,
  maxEpochs: FACTS.maxEpochsStudied.value,
};

/**
 * Spends the whole budget on each candidate, epochs = C / costPerEpoch, keeps those whose epochs fall in the range,
 * and returns the one with the lowest surface value at F = flopsPerImage, D = epochs x datasetImages (the first on a
 * tie). Throws InfeasibleError when no candidate's epochs fall in the range.
 */
export function bestCandidateAtBudget(
  surface: SurfaceCoefficients,
  candidates: readonly TrainableCandidate[],
  tpuV4CoreHours: number,
  range: EpochRange = STUDIED_EPOCH_RANGE,
  datasetImages: number = FACTS.jftImages.value,
): CandidateChoice {
  assertBudget(tpuV4CoreHours);
  let best: CandidateChoice | undefined;
  for (const candidate of candidates) {
    const epochs = tpuV4CoreHours / candidate.costPerEpochTpuV4CoreHours;
    if (!(epochs >= range.minEpochs && epochs <= range.maxEpochs)) continue;
    const predictedValue = predictSurface(surface, candidate.flopsPerImage, epochs * datasetImages);
    if (best === undefined || predictedValue < best.predictedValue)
      best = { ...candidate, epochs, predictedValue };
  }
  if (best === undefined)
    throw new InfeasibleError(
      `no candidate model trains between ${range.minEpochs} and ${range.maxEpochs} epochs on ${tpuV4CoreHours} TPU-v4 core hours`,
      { tpuV4CoreHours, ...range },
    );
  return best;
}

function assertBudget(tpuV4CoreHours: number): void {
  if (!(Number.isFinite(tpuV4CoreHours) && tpuV4CoreHours > 0))
    throw new PlannerInputError(
      'tpuV4CoreHours',
      `the budget must be a positive number of TPU-v4 core hours; got ${tpuV4CoreHours}`,
    );
}

function assertAllocatable(
  surface: Pick<SurfaceCoefficients, 'alpha' | 'beta'>,
  costLaw: CostPowerLaw,
): void {
  if (!(surface.alpha > 0 && surface.beta > 0 && costLaw.exponent > 0 && costLaw.coefficient > 0))
    throw new InfeasibleError(
      'a compute-optimal allocation needs positive surface exponents alpha, beta and a cost that grows with model size',
      { alpha: surface.alpha, beta: surface.beta, costExponent: costLaw.exponent },
    );
}
