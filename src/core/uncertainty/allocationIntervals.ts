/**
 * Intervals on the ideal allocation: the compute-optimal model size each ensemble member's surface gives at a budget,
 * and the epochs that size affords. On L = E + (A F^-alpha + B D^-beta)^gamma along the budget line D = N C / (c F^g)
 * the optimum is the inner sum's (the outer power is monotone), in closed form (allocation.ts):
 *   ln F* = [ln(alpha A / (g beta B)) + beta ln(N C / c)] / (alpha + g beta),
 * a straight line in ln C for each member, tabulated once (OptimumLines) so a plan reads 200 optima with one
 * multiply-add and one exponential each.
 */

import { FACTS } from '../dataset/facts.js';
import type { CostPowerLaw } from '../laws/allocation.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import type { Interval } from './interval.js';
import { type EnsembleWeights, type JackknifeFits, memberQuantity } from './lawEnsemble.js';
import { quantileInPlace } from './quantileInPlace.js';

/** ln F*_m(C) = intercept_m + slope_m ln C for each member m. */
export interface OptimumLines {
  readonly intercept: Float64Array;
  readonly slope: Float64Array;
}

/** The closed form's line for one surface: ln F* = intercept + slope ln C. */
function lineOf({ A, B, alpha, beta }: SurfaceCoefficients, costLaw: CostPowerLaw): [number, number] {
  const { coefficient: c, exponent: g } = costLaw;
  const denominator = alpha + g * beta;
  return [
    (Math.log((alpha * A) / (g * beta * B)) + beta * Math.log(FACTS.jftImages.value / c)) / denominator,
    beta / denominator,
  ];
}

/**
 * The members' lines: a line's intercept and slope are each a quantity of the law, so each is mixed from the
 * jackknife's fits (lawEnsemble.ts), with the point cost law (the plan prices by it).
 */
export function optimumLines(
  ensemble: EnsembleWeights,
  fits: JackknifeFits<SurfaceCoefficients>,
  costLaw: CostPowerLaw,
): OptimumLines {
  // The same fits and cost law give the same lines: remembered per fits (a profile's law plans many times).
  const remembered = rememberedLines.get(fits);
  if (remembered?.costLaw === costLaw && remembered.weights === ensemble.weights) return remembered.lines;
  const lines = mixedLines(ensemble, fits, costLaw);
  rememberedLines.set(fits, { costLaw, weights: ensemble.weights, lines });
  return lines;
}

const rememberedLines = new WeakMap<
  JackknifeFits<SurfaceCoefficients>,
  { readonly costLaw: CostPowerLaw; readonly weights: Float64Array; readonly lines: OptimumLines }
>();

function mixedLines(
  ensemble: EnsembleWeights,
  fits: JackknifeFits<SurfaceCoefficients>,
  costLaw: CostPowerLaw,
): OptimumLines {
  return {
    intercept: memberQuantity(ensemble, fits, (law) => lineOf(law, costLaw)[0]),
    slope: memberQuantity(ensemble, fits, (law) => lineOf(law, costLaw)[1]),
  };
}

export interface AllocationIntervals {
  readonly epochsInterval: Interval;
  readonly costPerEpochTpuV4CoreHoursInterval: Interval;
  readonly flopsPerImageInterval: Interval;
}

/**
 * The level's interval of the members' ideal sizes ln F_m (`lnFlops`, sorted here in place), each trained on the
 * budget for the epochs it affords on the cost law's mid-line within the epoch window (a monotone map, so quantiles
 * carry through it), widened to contain the point ideal.
 */
export function allocationIntervals(
  lnFlops: Float64Array,
  costLaw: CostPowerLaw,
  tpuV4CoreHours: number,
  share: number,
  window: { readonly minEpochs: number; readonly maxEpochs: number },
  level: number,
  point: { readonly epochs: number; readonly flopsPerImage: number },
): AllocationIntervals {
  const fewest = Math.min(
    epochsAt(quantileInPlace(lnFlops, (1 + level) / 2), costLaw, tpuV4CoreHours, share, window),
    point.epochs,
  );
  const most = Math.max(
    epochsAt(quantileInPlace(lnFlops, (1 - level) / 2), costLaw, tpuV4CoreHours, share, window),
    point.epochs,
  );
  return {
    epochsInterval: { lower: fewest, upper: most },
    costPerEpochTpuV4CoreHoursInterval: { lower: tpuV4CoreHours / most, upper: tpuV4CoreHours / fewest },
    flopsPerImageInterval: {
      lower: Math.min(flopsAt(most, costLaw, tpuV4CoreHours, share), point.flopsPerImage),
      upper: Math.max(flopsAt(fewest, costLaw, tpuV4CoreHours, share), point.flopsPerImage),
    },
  };
}

/** The epochs a model of e^lnFlops affords on the budget, within the window. */
function epochsAt(
  lnFlops: number,
  costLaw: CostPowerLaw,
  tpuV4CoreHours: number,
  share: number,
  window: { readonly minEpochs: number; readonly maxEpochs: number },
): number {
  const epochs = tpuV4CoreHours / (costLaw.coefficient * Math.exp(costLaw.exponent * lnFlops) * share);
  return Math.min(Math.max(epochs, window.minEpochs), window.maxEpochs);
}

/** The model size whose epoch costs the budget over `epochs`, on the mid-line. */
function flopsAt(epochs: number, costLaw: CostPowerLaw, tpuV4CoreHours: number, share: number): number {
  return (tpuV4CoreHours / epochs / share / costLaw.coefficient) ** (1 / costLaw.exponent);
}
