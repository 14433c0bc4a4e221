/**
 * One loss surface's ensemble members at a configuration (F, D), mixed from its jackknife fits (lawEnsemble.ts) and
 * held within what is physically possible. The paper's laws tabulate these once per variant (predictionGrid.ts); a
 * caller's law (POST /v1/fits) arrives with a request, so its members are computed directly for the few
 * configurations a plan needs (surfaceMemberRows.ts: the candidates that can win under some member, found by
 * configurationsThatCanWin, and those it describes): tabulating it would take about 80 ms, far more than a plan made with it.
 */

import { predictSurface, type SurfaceCoefficients } from '../laws/surface.js';
import { type EnsembleWeights, type JackknifeFits, mixMembers, weightColumns } from './lawEnsemble.js';
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
 * One fit's prediction at (F, D) as the members mix it. A law that overflows here (a caller's may: its coefficients
 * span 1e-300 to 1e300) predicts no better than a uniform guess, so it is read as `max`: the mix then stays finite.
 */
function heldPrediction(
  law: SurfaceCoefficients,
  flopsPerImage: number,
  imagesSeen: number,
  max: number,
): number {
  const value = predictSurface(law, flopsPerImage, imagesSeen);
  return Number.isFinite(value) ? value : max;
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
  fits.leaveOneOut.forEach((f, g) => {
    scratch[g] = heldPrediction(f.law, flopsPerImage, imagesSeen, max);
  });
  mixMembers(ensemble, models, heldPrediction(fits.point, flopsPerImage, imagesSeen, max), scratch, out);
  for (let m = 0; m < out.length; m++)
    out[m] = Math.min(Math.max(out[m] as number, MIN_MEMBER_PREDICTION), max);
}

/** Largest |weight| of each column over the members, remembered per weight table (they are shared and read only). */
const largestOfColumns = new WeakMap<Float64Array, Float64Array>();
function largestWeightPerColumn(ensemble: EnsembleWeights): Float64Array {
  let largest = largestOfColumns.get(ensemble.weights);
  if (largest === undefined) {
    const columns = ensemble.models.length;
    largest = new Float64Array(columns);
    for (let m = 0; m < ensemble.memberCount; m++)
      for (let c = 0; c < columns; c++)
        largest[c] = Math.max(largest[c] as number, Math.abs(ensemble.weights[m * columns + c] as number));
    largestOfColumns.set(ensemble.weights, largest);
  }
  return largest;
}

/**
 * What surfaceMembersAt mixes at one configuration, without mixing it: the point fit's prediction, each jackknife
 * fit's deviation from their mean (a member is point + s sum_g w_mg deviation_g, mixMembers), and bounds on every
 * member, point -+ s mixReach(deviations) widened for rounding and held in [MIN_MEMBER_PREDICTION, max] as
 * the members are.
 */
export interface MemberSummary {
  readonly point: number;
  readonly deviations: Float64Array;
  readonly lower: number;
  readonly upper: number;
}

export function memberSummary(
  ensemble: EnsembleWeights,
  fits: JackknifeFits<SurfaceCoefficients>,
  models: readonly string[],
  flopsPerImage: number,
  imagesSeen: number,
  max: number,
): MemberSummary {
  const G = models.length;
  const deviations = new Float64Array(G);
  let mean = 0;
  fits.leaveOneOut.forEach((f, g) => {
    deviations[g] = heldPrediction(f.law, flopsPerImage, imagesSeen, max);
    mean += (deviations[g] as number) / G;
  });
  for (let g = 0; g < G; g++) deviations[g] = (deviations[g] as number) - mean;
  const spread = mixReach(weightBoundsOf(ensemble, models), deviations, undefined, 0);
  const point = heldPrediction(fits.point, flopsPerImage, imagesSeen, max);
  const reach = jackknifeScale(G) * spread + ROUNDING * (Math.abs(point) + spread);
  const held = (x: number) => Math.min(Math.max(x, MIN_MEMBER_PREDICTION), max);
  return { point, deviations, lower: held(point - reach), upper: held(point + reach) };
}

/**
 * Writes the members a summary describes into `out` (length memberCount): point + s sum_g w_mg deviation_g, held in
 * [MIN_MEMBER_PREDICTION, max]. The same sums in the same order as mixMembers over the same predictions, so the members
 * are surfaceMembersAt's to the last bit, without predicting the fits at the configuration a second time.
 */
export function mixSummary(
  ensemble: EnsembleWeights,
  models: readonly string[],
  summary: MemberSummary,
  max: number,
  out: Float64Array,
): void {
  const M = ensemble.memberCount;
  const columns = weightColumns(ensemble);
  out.fill(0, 0, M);
  for (let g = 0; g < models.length; g++) {
    const c = models === ensemble.models ? g : ensemble.models.indexOf(models[g] as string);
    const weights = columns[c] as Float64Array;
    const deviation = summary.deviations[g] as number;
    for (let m = 0; m < M; m++) out[m] = (out[m] as number) + (weights[m] as number) * deviation;
  }
  const scale = jackknifeScale(models.length);
  const point = summary.point;
  for (let m = 0; m < M; m++)
    out[m] = Math.min(Math.max(point + scale * (out[m] as number), MIN_MEMBER_PREDICTION), max);
}

/** Relative allowance for the rounding of a member's sum of a few products: far above it, far below any real gap. */
const ROUNDING = 1e-9;

const jackknifeScale = (G: number) => Math.sqrt((G - 1) / G);

/**
 * Which of several configurations can be the lowest under some member (ties going to the earlier one, as in
 * pickSharesOfMembers), from their summaries alone. Configuration c is out if another, y, is lower under every member:
 * c_m - y_m = point_c - point_y + s sum_g w_mg (d_cg - d_yg) > 0 for all m when point_c - point_y exceeds
 * s mixReach(d_c - d_y), a bound on |sum_g w_mg (d_cg - d_yg)| over the members. The members of two configurations
 * move together (they share weights), so this rules out far more than comparing their bounds. Held members can tie (both at the maximum, or both at the
 * minimum), so y must come first, or c's members stay above the minimum and y's below the maximum.
 */
export function configurationsThatCanWin(
  ensemble: EnsembleWeights,
  models: readonly string[],
  summaries: readonly MemberSummary[],
  max: number,
): boolean[] {
  const bounds = weightBoundsOf(ensemble, models);
  const s = jackknifeScale(models.length);
  const dominates = (y: MemberSummary, c: MemberSummary, yFirst: boolean) => {
    if (!yFirst && !(c.lower > MIN_MEMBER_PREDICTION && y.upper < max)) return false;
    const reach = mixReach(bounds, c.deviations, y.deviations, 0);
    return c.point - y.point > s * reach + ROUNDING * (Math.abs(c.point) + Math.abs(y.point) + reach);
  };
  return summaries.map((c, i) => !summaries.some((y, j) => j !== i && dominates(y, c, j < i)));
}

/** weightBounds, remembered per weight table while the models are the ensemble's own (a caller's law's). */
const boundsOfWeights = new WeakMap<Float64Array, WeightBounds>();
function weightBoundsOf(ensemble: EnsembleWeights, models: readonly string[]): WeightBounds {
  if (models !== ensemble.models) return weightBounds(ensemble, models);
  let bounds = boundsOfWeights.get(ensemble.weights);
  if (bounds === undefined) {
    bounds = weightBounds(ensemble, models);
    boundsOfWeights.set(ensemble.weights, bounds);
  }
  return bounds;
}

/**
 * What bounds a mix of the weights, s sum_g w_mg x_g, over every member m: each column's largest |w_mg| (in the order
 * of `models`) and the largest norm of a member's weights over those columns. Then |sum_g w_mg x_g| is at most both
 * sum_g max_m |w_mg| |x_g| and max_m ||w_m|| ||x|| (Cauchy-Schwarz), and mixReach takes the smaller.
 */
export interface WeightBounds {
  readonly largest: Float64Array;
  readonly largestNorm: number;
}

export function weightBounds(ensemble: EnsembleWeights, models: readonly string[]): WeightBounds {
  const byColumn = largestWeightPerColumn(ensemble);
  const columns = models.map((m) => ensemble.models.indexOf(m));
  const count = ensemble.models.length;
  let largestNorm = 0;
  for (let m = 0; m < ensemble.memberCount; m++) {
    let squares = 0;
    for (const c of columns) squares += (ensemble.weights[m * count + c] as number) ** 2;
    largestNorm = Math.max(largestNorm, Math.sqrt(squares));
  }
  return { largest: Float64Array.from(columns, (c) => byColumn[c] as number), largestNorm };
}

/**
 * The bound of WeightBounds on |sum_g w_mg (a_g - b_g)| over the members, for g from `offset` on in a and b (b
 * undefined: zeros).
 */
export function mixReach(
  bounds: WeightBounds,
  a: Float64Array,
  b: Float64Array | undefined,
  offset: number,
): number {
  let byColumns = 0;
  let squares = 0;
  for (let g = 0; g < bounds.largest.length; g++) {
    const x = (a[g + offset] as number) - (b === undefined ? 0 : (b[g + offset] as number));
    byColumns += (bounds.largest[g] as number) * Math.abs(x);
    squares += x * x;
  }
  return Math.min(byColumns, bounds.largestNorm * Math.sqrt(squares));
}

/** Quantiles of a row of members, by selection (the row is reordered, which a row's quantiles do not depend on). */
export function rowQuantiles(row: Float64Array, residualLogSd: number) {
  return { quantile: (p: number) => quantileInPlace(row, p), residualLogSd };
}
