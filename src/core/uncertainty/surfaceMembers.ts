/**
 * One loss surface's ensemble members at a configuration (F, D), mixed from its jackknife fits (lawEnsemble.ts) and
 * held within what is physically possible. The paper's laws tabulate these once per variant (predictionGrid.ts); a
 * caller's law (POST /v1/fits) arrives with a request, so its members are computed directly for the few
 * configurations a plan needs (surfaceMemberRows.ts: the candidates that can win under some member, found by
 * surfaceMemberBounds, and those it describes): tabulating it would take about 80 ms, far more than a plan made with it.
 */

import { predictSurface, type SurfaceCoefficients } from '../laws/surface.js';
import { type EnsembleWeights, type JackknifeFits, mixMembers } from './lawEnsemble.js';
import { quantileInPlace } from './quantileInPlace.js';

/** A member's prediction is held within [MIN_MEMBER_PREDICTION, the law's maximum]: above zero, below a uniform guess. */
export const MIN_MEMBER_PREDICTION = 1e-6;

/** A surface's jackknife fits with the weights that mix them, and the scatter a new run adds around the surface. */
export interface SurfaceEnsemble extends EnsembleWeights {
  readonly fits: JackknifeFits<SurfaceCoefficients>;
  /** Residual standard deviation of a run's log loss around the surface (lawEnsemble.ts). */
  readonly residualLogSd: number;
  readonly seed: number;
  /** How the members were made, in words. */
  readonly resampling: string;
}

/**
 * Writes each member's prediction of the surface at (F, D) into `out` (length memberCount), within
 * [MIN_MEMBER_PREDICTION, max]: a mix of far extrapolations can leave what is possible (a negative error).
 * `scratch` (length of fits.leaveOneOut) holds the fits without each model.
 */
export function surfaceMembersAt(
  ensemble: EnsembleWeights,
  fits: JackknifeFits<SurfaceCoefficients>,
  models: readonly string[],
  flopsPerImage: number,
  imagesSeen: number,
  max: number,
  out: Float64Array,
  scratch: Float64Array = new Float64Array(fits.leaveOneOut.length),
): void {
  // A law that overflows here (a caller's may: its coefficients span 1e-300 to 1e300) predicts no better than a
  // uniform guess, so it is read as `max`: the mix then stays finite.
  const at = (law: SurfaceCoefficients) => {
    const value = predictSurface(law, flopsPerImage, imagesSeen);
    return Number.isFinite(value) ? value : max;
  };
  fits.leaveOneOut.forEach((f, g) => {
    scratch[g] = at(f.law);
  });
  mixMembers(ensemble, models, at(fits.point), scratch, out);
  for (let m = 0; m < out.length; m++)
    out[m] = Math.min(Math.max(out[m] as number, MIN_MEMBER_PREDICTION), max);
}

/** Largest |weight| of each column over the members, remembered per weight table (they are shared and read only). */
const largestWeights = new WeakMap<Float64Array, Float64Array>();
function largestWeightPerColumn(ensemble: EnsembleWeights): Float64Array {
  let largest = largestWeights.get(ensemble.weights);
  if (largest === undefined) {
    const columns = ensemble.models.length;
    largest = new Float64Array(columns);
    for (let m = 0; m < ensemble.memberCount; m++)
      for (let c = 0; c < columns; c++)
        largest[c] = Math.max(largest[c] as number, Math.abs(ensemble.weights[m * columns + c] as number));
    largestWeights.set(ensemble.weights, largest);
  }
  return largest;
}

/** The least and the most any member of surfaceMembersAt can be at one configuration. */
export interface MemberBounds {
  readonly lower: number;
  readonly upper: number;
}

/**
 * Bounds on every member surfaceMembersAt would write at (F, D), from the jackknife fits alone: a member is
 * point + s sum_g w_mg (d_g - mean d) (mixMembers), so it lies within point -+ s sum_g max_m |w_mg| |d_g - mean d|,
 * widened by a millionth for rounding and held in [MIN_MEMBER_PREDICTION, max] as the members are. A plan uses them
 * to skip the members of a candidate that cannot be the best under any member.
 */
export function surfaceMemberBounds(
  ensemble: EnsembleWeights,
  fits: JackknifeFits<SurfaceCoefficients>,
  models: readonly string[],
  flopsPerImage: number,
  imagesSeen: number,
  max: number,
): MemberBounds {
  const at = (law: SurfaceCoefficients) => {
    const value = predictSurface(law, flopsPerImage, imagesSeen);
    return Number.isFinite(value) ? value : max;
  };
  const G = models.length;
  const values = fits.leaveOneOut.map((f) => at(f.law));
  let mean = 0;
  for (const v of values) mean += v / G;
  const largest = largestWeightPerColumn(ensemble);
  let spread = 0;
  values.forEach((v, g) => {
    spread += (largest[ensemble.models.indexOf(models[g] as string)] as number) * Math.abs(v - mean);
  });
  const point = at(fits.point);
  const reach = Math.sqrt((G - 1) / G) * spread + 1e-6 * (Math.abs(point) + spread);
  const held = (x: number) => Math.min(Math.max(x, MIN_MEMBER_PREDICTION), max);
  return { lower: held(point - reach), upper: held(point + reach) };
}

/** Quantiles of a row of members, by selection (the row is reordered, which a row's quantiles do not depend on). */
export function rowQuantiles(row: Float64Array, residualLogSd: number) {
  return { quantile: (p: number) => quantileInPlace(row, p), residualLogSd };
}
