/**
 * The loss-surface fit of ../laws/surface.ts, rebuilt so that it can be weighted and warm-started.
 *
 * fitSurface (Hoffmann et al. 2022, approach 3) minimises sum_i Huber_1e-3(LSE(log E, log A - alpha log F_i,
 * log B - beta log D_i) - log y_i) from a grid of eight starts and needs at least six observations. Two things here
 * need more than it exposes:
 * - a bootstrap sample draws runs with replacement; weighting each distinct run by how often it was drawn gives the
 *   same objective as the duplicated sample, at the cost of the distinct runs only;
 * - a bootstrap refit starts from the full-data optimum (one local L-BFGS run) instead of eight, which is what makes
 *   1,000 refits affordable.
 * The objective, the scaling of F and D, the start grid, the bounds and the optimiser settings are those of
 * fitSurface, so that with unit weights the multi-start fit here returns its coefficients bit for bit (tested).
 * The smallest change that would remove this copy is for surface.ts to export its objective builder, start grid and
 * bounds (and accept five observations); see the fits report.
 */

import { SURFACE_HUBER_DELTA, type SurfaceCoefficients, type SurfaceObservation } from '../laws/surface.js';
import { huber, huberDerivative } from '../numeric/huber.js';
import {
  type BoxMinimizeOptions,
  gridOfStarts,
  minimizeBoxLbfgs,
  minimizeFromStarts,
  type ObjectiveWithGradient,
} from '../numeric/lbfgs.js';

/** As in surface.ts: F per GFLOP and D per billion images keep log F, log D of order one. */
const FLOPS_SCALE = 1e9;
const IMAGES_SCALE = 1e9;
/** As in surface.ts: the grid of starts (alpha, beta, floor as a fraction of the smallest observation). */
const START_ALPHAS = [0.2, 0.7];
const START_BETAS = [0.2, 0.7];
const START_FLOOR_FRACTIONS = [0.5, 0.9];
/** As in surface.ts: exponents in [0, 3], log-coefficients within 40 of the data's log range. */
const EXPONENT_MAX = 3;
const LOG_COEFFICIENT_SPAN = 40;
const OPTIMISER = { maxIterations: 400, gradientTolerance: 1e-13, relativeValueTolerance: 1e-15 } as const;

/** theta = [log E, log A, log B, alpha, beta] with A and B in the scaled units above. */
export type SurfaceParameters = readonly [number, number, number, number, number];

/** The observations in the optimiser's units, computed once and shared by every refit. */
export interface PreparedObservations {
  readonly n: number;
  readonly logF: Float64Array;
  readonly logD: Float64Array;
  readonly logY: Float64Array;
  readonly values: Float64Array;
}

export function prepareObservations(observations: readonly SurfaceObservation[]): PreparedObservations {
  const n = observations.length;
  const logF = new Float64Array(n);
  const logD = new Float64Array(n);
  const logY = new Float64Array(n);
  const values = new Float64Array(n);
  observations.forEach((o, i) => {
    logF[i] = Math.log(o.flopsPerImage / FLOPS_SCALE);
    logD[i] = Math.log(o.imagesSeen / IMAGES_SCALE);
    logY[i] = Math.log(o.value);
    values[i] = o.value;
  });
  return { n, logF, logD, logY, values };
}

/**
 * sum_i w_i Huber_delta(r_i), r_i = LSE(log E, log A - alpha log F_i, log B - beta log D_i) - log y_i, and its
 * gradient (d r / d theta are the softmax weights of the three terms, times -log F and -log D for the exponents).
 * Runs with zero weight are skipped.
 */
export function weightedSurfaceObjective(
  data: PreparedObservations,
  weights: Float64Array,
): ObjectiveWithGradient {
  const { n, logF, logD, logY } = data;
  const delta = SURFACE_HUBER_DELTA;
  return (theta, gradient) => {
    const logE = theta[0] as number;
    const logA = theta[1] as number;
    const logB = theta[2] as number;
    const alpha = theta[3] as number;
    const beta = theta[4] as number;
    let total = 0;
    let gE = 0;
    let gA = 0;
    let gB = 0;
    let gAlpha = 0;
    let gBeta = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i] as number;
      if (w === 0) continue;
      const lf = logF[i] as number;
      const ld = logD[i] as number;
      const tA = logA - alpha * lf;
      const tB = logB - beta * ld;
      const m = Math.max(logE, tA, tB);
      const wE = Math.exp(logE - m);
      const wA = Math.exp(tA - m);
      const wB = Math.exp(tB - m);
      const sum = wE + wA + wB;
      const residual = m + Math.log(sum) - (logY[i] as number);
      total += w * huber(residual, delta);
      const h = (w * huberDerivative(residual, delta)) / sum;
      gE += h * wE;
      gA += h * wA;
      gB += h * wB;
      gAlpha -= h * wA * lf;
      gBeta -= h * wB * ld;
    }
    gradient[0] = gE;
    gradient[1] = gA;
    gradient[2] = gB;
    gradient[3] = gAlpha;
    gradient[4] = gBeta;
    return total;
  };
}

/** fitSurface's box: log E up to the largest observation's log, exponents in [0, 3] (over runs with weight > 0). */
function boundsFor(data: PreparedObservations, weights: Float64Array): BoxMinimizeOptions {
  let minY = Number.POSITIVE_INFINITY;
  let maxY = 0;
  for (let i = 0; i < data.n; i++) {
    if ((weights[i] as number) === 0) continue;
    minY = Math.min(minY, data.values[i] as number);
    maxY = Math.max(maxY, data.values[i] as number);
  }
  const logMin = Math.log(minY);
  const logMax = Math.log(maxY);
  return {
    lower: [
      logMin - LOG_COEFFICIENT_SPAN,
      logMin - LOG_COEFFICIENT_SPAN,
      logMin - LOG_COEFFICIENT_SPAN,
      0,
      0,
    ],
    upper: [logMax, logMax + LOG_COEFFICIENT_SPAN, logMax + LOG_COEFFICIENT_SPAN, EXPONENT_MAX, EXPONENT_MAX],
    ...OPTIMISER,
  };
}

export interface ParameterFit {
  readonly theta: SurfaceParameters;
  /** Weighted sum of Huber losses at the optimum. */
  readonly objective: number;
  readonly iterations: number;
  readonly startsTried: number;
}

/**
 * fitSurface's multi-start fit (eight data-anchored starts, bounded L-BFGS, best objective kept), with weights.
 * Starts: E0 a fraction of the smallest observation, A0 and B0 splitting the rest of the mean observation equally
 * at the mean log F and log D.
 */
export function fitSurfaceParameters(data: PreparedObservations, weights: Float64Array): ParameterFit {
  let minY = Number.POSITIVE_INFINITY;
  let meanY = 0;
  let meanLogF = 0;
  let meanLogD = 0;
  let totalWeight = 0;
  for (let i = 0; i < data.n; i++) totalWeight += weights[i] as number;
  for (let i = 0; i < data.n; i++) {
    const share = (weights[i] as number) / totalWeight;
    if (share === 0) continue;
    minY = Math.min(minY, data.values[i] as number);
    meanY += (data.values[i] as number) * share;
    meanLogF += (data.logF[i] as number) * share;
    meanLogD += (data.logD[i] as number) * share;
  }
  const starts = gridOfStarts([START_ALPHAS, START_BETAS, START_FLOOR_FRACTIONS]).map(
    ([alpha, beta, fraction]) => {
      const floor = (fraction as number) * minY;
      const half = 0.5 * (meanY - floor);
      return [
        Math.log(floor),
        Math.log(half) + (alpha as number) * meanLogF,
        Math.log(half) + (beta as number) * meanLogD,
        alpha as number,
        beta as number,
      ];
    },
  );
  const best = minimizeFromStarts(weightedSurfaceObjective(data, weights), starts, boundsFor(data, weights));
  return {
    theta: best.x as unknown as SurfaceParameters,
    objective: best.value,
    iterations: best.iterations,
    startsTried: best.startsTried,
  };
}

/** One local bounded L-BFGS run from `start` (a warm start, e.g. the full-data optimum for a bootstrap sample). */
export function refitSurfaceParameters(
  data: PreparedObservations,
  weights: Float64Array,
  start: SurfaceParameters,
): ParameterFit {
  const result = minimizeBoxLbfgs(weightedSurfaceObjective(data, weights), start, boundsFor(data, weights));
  return {
    theta: result.x as unknown as SurfaceParameters,
    objective: result.value,
    iterations: result.iterations,
    startsTried: 1,
  };
}

/** Optimiser parameters to coefficients in natural units (F in FLOPs per image, D in images). */
export function coefficientsOf(theta: SurfaceParameters): SurfaceCoefficients {
  const [logE, logA, logB, alpha, beta] = theta;
  return {
    E: Math.exp(logE),
    A: Math.exp(logA + alpha * Math.log(FLOPS_SCALE)),
    B: Math.exp(logB + beta * Math.log(IMAGES_SCALE)),
    alpha,
    beta,
  };
}
