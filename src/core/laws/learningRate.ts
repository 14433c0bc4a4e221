import { countNfnet } from '../architecture/count.js';
import { FACTS } from '../dataset/facts.js';
import { FIGURE3_OPTIMAL_LEARNING_RATE, type Figure3Point } from '../dataset/figures.js';
import { PlannerInputError } from '../errors.js';

/**
 * The optimal base learning rate of Smith et al. 2023, Figure 3: about 1.6 for every model at small epoch budgets
 * (FACTS.shortRunLearningRate), falling as the epoch budget rises and falling sooner for larger models. The law
 *
 *   lr(F, E) = lr0 x min(1, (E / E0(F))^(-d)),   E0(F) = k x F^(-g)
 *
 * (F = forward FLOPs per image at 224 px and 30k classes, E = epochs over JFT-4B, lr0 = 1.6) holds the short-run
 * value until an onset epoch budget E0 that shrinks with model size, then falls as a power of epochs. With d, g >= 0 it
 * is non-increasing in both E and F, the assumption behind the paper's "tune within 2 trials" procedure. k, g and d
 * are fitted to the 18 digitized points by minimising the squared error of ln lr.
 */

export interface LearningRatePointCheck {
  readonly model: Figure3Point['model'];
  readonly epochs: number;
  readonly flopsPerImage: number;
  /** Digitized optimum, and the grid value it sits on. */
  readonly observedLearningRate: number;
  readonly observedGridLearningRate: number;
  readonly predictedLearningRate: number;
  readonly predictedGridLearningRate: number;
  readonly reproduced: boolean;
}

export interface LearningRateLaw {
  readonly id: 'optimal_learning_rate';
  readonly form: 'lr = lr0 x min(1, (E / E0(F))^(-d)), E0(F) = k x F^(-g)';
  readonly coefficients: {
    /** lr0: FACTS.shortRunLearningRate (stated). */
    readonly shortRunLearningRate: number;
    /** k in E0(F) = k x F^(-g), F in FLOPs per image (fitted). */
    readonly onsetCoefficient: number;
    /** g (fitted). */
    readonly onsetFlopsExponent: number;
    /** d (fitted). */
    readonly epochsExponent: number;
    /** E0 at the smallest model of Figure 3, the same law read where the data start (derived). */
    readonly onsetEpochsAtReference: number;
    readonly referenceFlopsPerImage: number;
  };
  /** FACTS.learningRateGridFactor: the sweep's grid spacing, used for snapping and for the trials. */
  readonly gridFactor: number;
  readonly quality: {
    readonly n: number;
    /** Points whose snapped prediction equals the grid value of the digitized optimum. */
    readonly reproducedExactly: number;
    /** Root mean square of ln(predicted) - ln(observed), before snapping. */
    readonly rmseLog: number;
    readonly points: readonly LearningRatePointCheck[];
  };
  readonly provenance: string;
}

const LN_GRID_FACTOR = Math.log(FACTS.learningRateGridFactor.value);
const LN_SHORT_RUN = Math.log(FACTS.shortRunLearningRate.value);

/**
 * The grid value nearest in log space: lr0 x 2^round(log2(value / lr0)), the sweep's grid anchored at the stated
 * short-run optimum 1.6 with the stated factor 2 (…, 0.4, 0.8, 1.6, 3.2, …). A tie rounds up.
 */
export function snapLearningRate(value: number, field = 'learningRate'): number {
  requirePositiveFinite(value, field);
  const steps = Math.round((Math.log(value) - LN_SHORT_RUN) / LN_GRID_FACTOR);
  return FACTS.shortRunLearningRate.value * FACTS.learningRateGridFactor.value ** steps;
}

interface Params {
  /** ln E0 at the reference FLOPs. */
  readonly lnOnsetRef: number;
  readonly g: number;
  readonly d: number;
}

/** ln lr = ln lr0 - d x max(0, ln E - ln E0(F)), with ln E0(F) = ln E0(Fref) - g (ln F - ln Fref). */
function lnPredictAt(
  lnOnsetRef: number,
  g: number,
  d: number,
  lnFlopsOverRef: number,
  lnEpochs: number,
): number {
  return LN_SHORT_RUN - d * Math.max(0, lnEpochs - (lnOnsetRef - g * lnFlopsOverRef));
}

/**
 * Search box for the exponents. Figure 3's steepest fall is one grid step (a factor 2) per doubling of epochs or of
 * model size, an exponent of 1; twice that leaves the optimum well inside the box. Non-negative bounds are what make
 * the law monotone.
 */
const EXPONENT_SEARCH_MAX = 2;
/** Coarse grid nodes per parameter before the pattern-search refinement. */
const COARSE_NODES = 21;
const REFINE_MIN_STEP = 1e-10;

interface Sample {
  readonly lnFlopsOverRef: number;
  readonly lnEpochs: number;
  readonly lnObserved: number;
}

function sumSquaredLogError(p: Params, samples: readonly Sample[]): number {
  return sumSquaredLogErrorAt(p.lnOnsetRef, p.g, p.d, samples);
}

/** The same, on scalars: the coarse grid calls it thousands of times and should not allocate. */
function sumSquaredLogErrorAt(lnOnsetRef: number, g: number, d: number, samples: readonly Sample[]): number {
  let total = 0;
  for (const s of samples) {
    const r = lnPredictAt(lnOnsetRef, g, d, s.lnFlopsOverRef, s.lnEpochs) - s.lnObserved;
    total += r * r;
  }
  return total;
}

/**
 * Deterministic minimisation over a bounded box: the best node of a coarse grid, then a compass search (try +-step
 * along each axis, halve the steps when nothing improves). The hinge makes the objective piecewise smooth, which is
 * why a derivative-free search is used.
 */
function minimise(samples: readonly Sample[], lower: Params, upper: Params): Params {
  const keys = ['lnOnsetRef', 'g', 'd'] as const;
  const span = (key: (typeof keys)[number]) => upper[key] - lower[key];
  const nodes = (key: (typeof keys)[number]) =>
    Array.from({ length: COARSE_NODES }, (_, i) => lower[key] + (span(key) * i) / (COARSE_NODES - 1));
  let best: Params = lower;
  let bestError = Number.POSITIVE_INFINITY;
  for (const lnOnsetRef of nodes('lnOnsetRef')) {
    for (const g of nodes('g')) {
      for (const d of nodes('d')) {
        const error = sumSquaredLogErrorAt(lnOnsetRef, g, d, samples);
        if (error < bestError) {
          best = { lnOnsetRef, g, d };
          bestError = error;
        }
      }
    }
  }
  const steps = { lnOnsetRef: 0, g: 0, d: 0 };
  for (const key of keys) steps[key] = span(key) / (COARSE_NODES - 1);
  while (keys.some((key) => steps[key] > REFINE_MIN_STEP)) {
    let improved = false;
    for (const key of keys) {
      for (const sign of [1, -1]) {
        const value = Math.min(upper[key], Math.max(lower[key], best[key] + sign * steps[key]));
        const candidate = { ...best, [key]: value };
        const error = sumSquaredLogError(candidate, samples);
        if (error < bestError) {
          best = candidate;
          bestError = error;
          improved = true;
        }
      }
    }
    if (!improved) for (const key of keys) steps[key] /= 2;
  }
  return best;
}

function flopsPerImageOf(model: Figure3Point['model']): number {
  return countNfnet(model, FACTS.pretrainResolution.value, FACTS.jftClasses.value).flops;
}

/**
 * Fits k, g and d of lr = 1.6 x min(1, (E / (k F^(-g)))^(-d)) to Figure 3 (Smith et al. 2023, digitized) by least
 * squares on ln lr, with g, d in [0, 2] and E0 at the smallest model within the epochs studied; then counts how many
 * of the points the snapped prediction reproduces.
 */
export function fitLearningRateLaw(
  points: readonly Figure3Point[] = FIGURE3_OPTIMAL_LEARNING_RATE,
): LearningRateLaw {
  if (points.length < 3)
    throw new PlannerInputError('points', 'the learning-rate law needs three or more (model, epochs) optima');
  // One layer count per distinct model, not per point: counting walks every layer.
  const flopsByModel = new Map<Figure3Point['model'], number>();
  for (const p of points) if (!flopsByModel.has(p.model)) flopsByModel.set(p.model, flopsPerImageOf(p.model));
  const flops = points.map((p) => flopsByModel.get(p.model) as number);
  const referenceFlopsPerImage = Math.min(...flops);
  const samples: Sample[] = points.map((p, i) => {
    requirePositiveFinite(p.epochs, `points[${i}].epochs`);
    requirePositiveFinite(p.optimalLearningRate, `points[${i}].optimalLearningRate`);
    return {
      lnFlopsOverRef: Math.log((flops[i] as number) / referenceFlopsPerImage),
      lnEpochs: Math.log(p.epochs),
      lnObserved: Math.log(p.optimalLearningRate),
    };
  });
  const lnEpochs = samples.map((s) => s.lnEpochs);
  const best = minimise(
    samples,
    { lnOnsetRef: Math.min(...lnEpochs), g: 0, d: 0 },
    { lnOnsetRef: Math.max(...lnEpochs), g: EXPONENT_SEARCH_MAX, d: EXPONENT_SEARCH_MAX },
  );
  const onsetEpochsAtReference = Math.exp(best.lnOnsetRef);
  const coefficients = {
    shortRunLearningRate: FACTS.shortRunLearningRate.value,
    onsetCoefficient: onsetEpochsAtReference * referenceFlopsPerImage ** best.g,
    onsetFlopsExponent: best.g,
    epochsExponent: best.d,
    onsetEpochsAtReference,
    referenceFlopsPerImage,
  };
  const checks: LearningRatePointCheck[] = points.map((p, i) => {
    const predictedLearningRate = predictLearningRate({ coefficients }, flops[i] as number, p.epochs);
    const observedGridLearningRate = snapLearningRate(p.optimalLearningRate);
    const predictedGridLearningRate = snapLearningRate(predictedLearningRate);
    return {
      model: p.model,
      epochs: p.epochs,
      flopsPerImage: flops[i] as number,
      observedLearningRate: p.optimalLearningRate,
      observedGridLearningRate,
      predictedLearningRate,
      predictedGridLearningRate,
      reproduced: predictedGridLearningRate === observedGridLearningRate,
    };
  });
  const sse = sumSquaredLogError(best, samples);
  return {
    id: 'optimal_learning_rate',
    form: 'lr = lr0 x min(1, (E / E0(F))^(-d)), E0(F) = k x F^(-g)',
    coefficients,
    gridFactor: FACTS.learningRateGridFactor.value,
    quality: {
      n: points.length,
      reproducedExactly: checks.filter((c) => c.reproduced).length,
      rmseLog: Math.sqrt(sse / points.length),
      points: checks,
    },
    provenance:
      `fitted: k, g, d by least squares on ln lr over ${points.length} optima (Smith et al. 2023 Figure 3, ` +
      'digitized; F from the NFNet layer count at 224 px, 30k classes); lr0 = 1.6 stated ' +
      '(FACTS.shortRunLearningRate); grid factor 2 stated (FACTS.learningRateGridFactor)',
  };
}

function requirePositiveFinite(value: number, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new PlannerInputError(field, `${field} must be a positive finite number; got ${value}`);
}

/**
 * The continuous optimum lr = lr0 x min(1, (E / (k F^(-g)))^(-d)) (fitted law; lr0 stated). Use snapLearningRate for
 * the value to train with.
 */
export function predictLearningRate(
  law: Pick<LearningRateLaw, 'coefficients'>,
  flopsPerImage: number,
  epochs: number,
): number {
  requirePositiveFinite(flopsPerImage, 'flopsPerImage');
  requirePositiveFinite(epochs, 'epochs');
  const c = law.coefficients;
  const lnLearningRate = lnPredictAt(
    Math.log(c.onsetEpochsAtReference),
    c.onsetFlopsExponent,
    c.epochsExponent,
    Math.log(flopsPerImage / c.referenceFlopsPerImage),
    Math.log(epochs),
  );
  // Before the onset the law is the stated value itself; exp(ln 1.6) would differ from 1.6 in the last bit.
  return lnLearningRate === LN_SHORT_RUN ? c.shortRunLearningRate : Math.exp(lnLearningRate);
}

/**
 * The paper's "tune within 2 trials" (FACTS.learningRateTrials): the optimum falls slowly and monotonically with model
 * size and epochs, so try the predicted optimum snapped to the grid and the next grid value below it (one factor of
 * FACTS.learningRateGridFactor). Given the optimum found for a smaller configuration, the new optimum is no larger
 * and at most one step lower: try that value and half of it.
 */
export function learningRateTrials(
  law: Pick<LearningRateLaw, 'coefficients'>,
  flopsPerImage: number,
  epochs: number,
  previousOptimalLearningRate?: number,
): [number, number] {
  if (previousOptimalLearningRate === undefined)
    return learningRateTrialsFrom(snapLearningRate(predictLearningRate(law, flopsPerImage, epochs)));
  requirePositiveFinite(previousOptimalLearningRate, 'previousOptimalLearningRate');
  return learningRateTrialsFrom(previousOptimalLearningRate);
}

/** The FACTS.learningRateTrials (2) values to try from `first`: it, and one grid factor below it. */
export function learningRateTrialsFrom(first: number): [number, number] {
  return [first, first / FACTS.learningRateGridFactor.value];
}
