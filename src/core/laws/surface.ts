/**
 * The loss surface L(F, D) = E + A / F^alpha + B / D^beta of Hoffmann et al. (2022, "Training Compute-Optimal Large
 * Language Models", approach 3), with F the forward FLOPs per image and D the number of images seen in pre-training.
 * The same form serves the JFT-4B validation loss (Smith et al. 2023, Figure 2) and the ImageNet top-1 error after
 * fine-tuning (Figure 1).
 */

import { PlannerInputError } from '../errors.js';
import { huber, huberDerivative } from '../numeric/huber.js';
import { gridOfStarts, minimizeFromStarts } from '../numeric/lbfgs.js';

/** Coefficients in natural units: F in FLOPs per image, D in images. */
export interface SurfaceCoefficients {
  readonly E: number;
  readonly A: number;
  readonly B: number;
  readonly alpha: number;
  readonly beta: number;
}

/** L(F, D) = E + A / F^alpha + B / D^beta. */
export function predictSurface(c: SurfaceCoefficients, flopsPerImage: number, imagesSeen: number): number {
  return c.E + c.A / flopsPerImage ** c.alpha + c.B / imagesSeen ** c.beta;
}

export interface SurfaceObservation {
  readonly flopsPerImage: number;
  readonly imagesSeen: number;
  readonly value: number;
  /** The model the point belongs to, for leave-one-group-out checks. */
  readonly group?: string;
}

export interface SurfaceFitQuality {
  readonly n: number;
  /** sqrt(mean(((predicted - observed) / observed)^2)). */
  readonly rmseRelative: number;
  /** 1 - SS_res / SS_tot of ln(value). */
  readonly r2Log: number;
  readonly maxRelativeError: number;
}

export interface SurfaceFit {
  readonly coefficients: SurfaceCoefficients;
  readonly quality: SurfaceFitQuality;
  /** How the fit was found, for the record. */
  readonly method: {
    readonly huberDelta: number;
    readonly startsTried: number;
    /** Sum of Huber losses at the optimum. */
    readonly objective: number;
    readonly iterations: number;
  };
}

/** Hoffmann et al. (2022, appendix D.2) use delta = 1e-3 on log-loss residuals. */
export const SURFACE_HUBER_DELTA = 1e-3;

/**
 * F and D enter the optimiser per GFLOP and per billion images, so that log F and log D are of order one and the
 * log A, log B parameters stay near the data's scale; coefficients are converted back to natural units on the way out.
 */
const FLOPS_SCALE = 1e9;
const IMAGES_SCALE = 1e9;

/**
 * Grid of starts, after Hoffmann et al.'s grid over alpha, beta, E, A, B but anchored to the data so that every start
 * predicts the right level: E0 is a fraction of the smallest observation, and A0, B0 split the rest of the mean
 * observation equally at the geometric-mean F and D. Eight starts are enough: on the Figure 1 and Figure 2 data (and
 * every leave-one-model-out subset of Figure 2) they reach the same optimum, to 1e-14 in the objective, as a
 * 150-start grid, at a twentieth of the cost.
 */
const START_ALPHAS = [0.2, 0.7];
const START_BETAS = [0.2, 0.7];
const START_FLOOR_FRACTIONS = [0.5, 0.9];

/** Exponents are kept in [0, 3]; the log-coefficients get generous bounds that only stop runaway starts. */
const EXPONENT_MAX = 3;
const LOG_COEFFICIENT_SPAN = 40;

/**
 * Fits the surface as Hoffmann et al. (2022) fit their approach-3 law: minimise the sum over points of
 * Huber_1e-3(LSE(log E, log A - alpha log F, log B - beta log D) - log observed) over (log E, log A, log B, alpha, beta)
 * with bounded L-BFGS from a grid of starts, keeping the best.
 */
export function fitSurface(observations: readonly SurfaceObservation[]): SurfaceFit {
  validate(observations);
  const n = observations.length;
  const logF = new Float64Array(n);
  const logD = new Float64Array(n);
  const logY = new Float64Array(n);
  let minY = Number.POSITIVE_INFINITY;
  let maxY = 0;
  let meanY = 0;
  let meanLogF = 0;
  let meanLogD = 0;
  for (let i = 0; i < n; i++) {
    const o = observations[i] as SurfaceObservation;
    logF[i] = Math.log(o.flopsPerImage / FLOPS_SCALE);
    logD[i] = Math.log(o.imagesSeen / IMAGES_SCALE);
    logY[i] = Math.log(o.value);
    minY = Math.min(minY, o.value);
    maxY = Math.max(maxY, o.value);
    meanY += o.value / n;
    meanLogF += (logF[i] as number) / n;
    meanLogD += (logD[i] as number) / n;
  }

  const delta = SURFACE_HUBER_DELTA;
  // theta = [log E, log A, log B, alpha, beta]
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
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
      total += huber(residual, delta);
      // d residual / d theta are the softmax weights of the three terms (times -log F, -log D for the exponents).
      const h = huberDerivative(residual, delta) / sum;
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

  const starts: number[][] = [];
  for (const [alpha, beta, fraction] of gridOfStarts([START_ALPHAS, START_BETAS, START_FLOOR_FRACTIONS])) {
    const floor = (fraction as number) * minY;
    const half = 0.5 * (meanY - floor);
    starts.push([
      Math.log(floor),
      Math.log(half) + (alpha as number) * meanLogF,
      Math.log(half) + (beta as number) * meanLogD,
      alpha as number,
      beta as number,
    ]);
  }
  const logMin = Math.log(minY);
  const logMax = Math.log(maxY);
  const best = minimizeFromStarts(objective, starts, {
    lower: [
      logMin - LOG_COEFFICIENT_SPAN,
      logMin - LOG_COEFFICIENT_SPAN,
      logMin - LOG_COEFFICIENT_SPAN,
      0,
      0,
    ],
    upper: [logMax, logMax + LOG_COEFFICIENT_SPAN, logMax + LOG_COEFFICIENT_SPAN, EXPONENT_MAX, EXPONENT_MAX],
    maxIterations: 400,
    gradientTolerance: 1e-13,
    relativeValueTolerance: 1e-15,
  });

  const [logE, logA, logB, alpha, beta] = best.x as [number, number, number, number, number];
  const coefficients: SurfaceCoefficients = {
    E: Math.exp(logE),
    A: Math.exp(logA + alpha * Math.log(FLOPS_SCALE)),
    B: Math.exp(logB + beta * Math.log(IMAGES_SCALE)),
    alpha,
    beta,
  };
  return {
    coefficients,
    quality: surfaceFitQuality(coefficients, observations),
    method: {
      huberDelta: delta,
      startsTried: best.startsTried,
      objective: best.value,
      iterations: best.iterations,
    },
  };
}

/** The quality figures of a set of coefficients on a set of observations (fitted or held out). */
export function surfaceFitQuality(
  c: SurfaceCoefficients,
  observations: readonly SurfaceObservation[],
): SurfaceFitQuality {
  const n = observations.length;
  let sumSquaredRelative = 0;
  let maxRelativeError = 0;
  let meanLog = 0;
  for (const o of observations) meanLog += Math.log(o.value) / n;
  let ssRes = 0;
  let ssTot = 0;
  for (const o of observations) {
    const predicted = predictSurface(c, o.flopsPerImage, o.imagesSeen);
    const relative = (predicted - o.value) / o.value;
    sumSquaredRelative += relative * relative;
    maxRelativeError = Math.max(maxRelativeError, Math.abs(relative));
    ssRes += (Math.log(predicted) - Math.log(o.value)) ** 2;
    ssTot += (Math.log(o.value) - meanLog) ** 2;
  }
  return {
    n,
    rmseRelative: Math.sqrt(sumSquaredRelative / n),
    r2Log: ssTot > 0 ? 1 - ssRes / ssTot : 1,
    maxRelativeError,
  };
}

export interface GroupHoldout {
  /** The group left out of the fit. */
  readonly heldOut: string;
  readonly coefficients: SurfaceCoefficients;
  /** Quality of the held-out group's points, predicted by the fit to the others. */
  readonly heldOutQuality: SurfaceFitQuality;
}

/** Leave-one-group-out: for each group (in first-seen order), fit the others and predict the group's points. */
export function leaveOneGroupOut(observations: readonly SurfaceObservation[]): GroupHoldout[] {
  const groups: string[] = [];
  for (const o of observations) {
    if (o.group === undefined)
      throw new PlannerInputError('observations', 'every observation needs a group for leave-one-group-out');
    if (!groups.includes(o.group)) groups.push(o.group);
  }
  return groups.map((heldOut) => {
    const fit = fitSurface(observations.filter((o) => o.group !== heldOut));
    return {
      heldOut,
      coefficients: fit.coefficients,
      heldOutQuality: surfaceFitQuality(
        fit.coefficients,
        observations.filter((o) => o.group === heldOut),
      ),
    };
  });
}

function validate(observations: readonly SurfaceObservation[]): void {
  if (observations.length < 6)
    throw new PlannerInputError(
      'observations',
      `a five-coefficient surface needs at least 6 observations; got ${observations.length}`,
    );
  observations.forEach((o, i) => {
    for (const key of ['flopsPerImage', 'imagesSeen', 'value'] as const) {
      const v = o[key];
      if (!(Number.isFinite(v) && v > 0))
        throw new PlannerInputError(
          `observations[${i}].${key}`,
          `must be a positive finite number; got ${v}`,
        );
    }
  });
}
