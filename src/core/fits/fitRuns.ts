/**
 * POST /v1/fits in the core (issue 5, item 4): the paper's loss surface L(F, D) = E + A / F^alpha + B / D^beta
 * (Hoffmann et al. 2022 approach 3, as ../laws/surface.ts fits it to Figure 2) fitted to a caller's own runs, with
 * the compute-optimal allocation exponents it implies and seeded percentile-bootstrap intervals. Stateless: the
 * returned `law` is what PlanRequest.law takes to plan with it.
 */

import type { CostModel } from '../cost/costModel.js';
import { InfeasibleError, PlannerInputError } from '../errors.js';
import { type AllocationExponents, fittedAllocationExponents } from '../laws/allocation.js';
import { SURFACE_FORMULA } from '../laws/lossLaw.js';
import {
  fitSurface,
  fitSurfaceParameters,
  MIN_SURFACE_OBSERVATIONS,
  type PreparedSurfaceObservations,
  prepareSurfaceObservations,
  refitSurfaceFrom,
  SURFACE_HUBER_DELTA,
  type SurfaceCoefficients,
  type SurfaceFitQuality,
  type SurfaceObservation,
  type SurfaceParameters,
  surfaceCoefficientsOf,
  surfaceFitQuality,
} from '../laws/surface.js';
import {
  customLossSurface,
  MAX_ENSEMBLE_MODEL_SIZES,
  MIN_ENSEMBLE_MODEL_SIZES,
} from '../planner/customLaw.js';
import type { CustomLaw, CustomLawEnsemble } from '../planner/request.js';
import { forEachResample, type PercentileInterval, percentileInterval } from './bootstrap.js';
import { type RunsCostLaw, runsCostLaw } from './runCostLaw.js';
import {
  coverageOf,
  observationsOf,
  type ResolvedRun,
  type RunCoverage,
  type RunInput,
  resolveDatasetImages,
  resolveRuns,
} from './runs.js';

export interface BootstrapOptions {
  /** Resamples to refit, 1 to MAX_BOOTSTRAP_SAMPLES; default DEFAULT_BOOTSTRAP_SAMPLES. */
  readonly samples?: number;
  /** Seed of the resampling generator, an integer from 0 to 2^32 - 1; default 0. */
  readonly seed?: number;
}

export interface FitRunsRequest {
  readonly runs: readonly RunInput[];
  /** Images in one epoch of the runs' dataset; default JFT-4B's 4e9 (stated). */
  readonly datasetImages?: number;
  /** Give it (even empty) to get 95% intervals. */
  readonly bootstrap?: BootstrapOptions;
}

export const DEFAULT_BOOTSTRAP_SAMPLES = 1_000;
export const MAX_BOOTSTRAP_SAMPLES = 10_000;
/**
 * Largest samples x runs accepted. One warm-started refit costs about 6 microseconds per run on the development
 * machine (bench/fits.ts), so this keeps a request within about ten seconds.
 */
export const MAX_BOOTSTRAP_RUN_SAMPLES = 1_000_000;
const MAX_SEED = 2 ** 32 - 1;
/** E, A, B, alpha and beta. */
const SURFACE_COEFFICIENTS = 5;
/** The interval the issue asks for: 95%, from the 2.5th to the 97.5th percentile. */
export const BOOTSTRAP_LEVEL = 0.95;
/** The id a fitted law carries when sent back as PlanRequest.law. */
export const RUNS_LAW_ID = 'runs_loss_surface';

export interface RunsAllocation {
  /** Each of model size, cost per epoch and epochs grows as C^exponent at the surface's optimum. */
  readonly exponents: AllocationExponents;
  readonly costLaw: RunsCostLaw;
  readonly source: string;
}

export interface CoefficientIntervals {
  readonly E: PercentileInterval;
  readonly A: PercentileInterval;
  readonly B: PercentileInterval;
  readonly alpha: PercentileInterval;
  readonly beta: PercentileInterval;
}

export interface BootstrapResult {
  readonly samples: number;
  readonly seed: number;
  readonly level: number;
  readonly method: string;
  readonly coefficients: CoefficientIntervals;
  /** Null when no resample had both exponents above zero. */
  readonly allocationExponents: {
    readonly flopsPerImage: PercentileInterval;
    readonly costPerEpoch: PercentileInterval;
    readonly epochs: PercentileInterval;
  } | null;
  /** Resamples whose alpha or beta fell to zero: they have no allocation and are left out of its intervals. */
  readonly samplesWithoutAllocation: number;
}

/**
 * Each power-law term has two coefficients of its own, which the data fix only through differences between distinct
 * values of its variable: with E shared, runs on k model sizes and m lengths pin down k - 1 and m - 1 such differences
 * and one level. So A and alpha need three or more sizes and B and beta three or more lengths; below that a
 * one-parameter family of surfaces (E moving with them) fits the runs exactly as well, and the optimizer's choice among
 * them, bootstrap intervals included, says nothing about the world.
 */
export const MIN_DISTINCT_VALUES_PER_TERM = 3;

export type FitWarningCode =
  | 'model_size_term_not_identified'
  | 'length_term_not_identified'
  | 'law_without_ensemble';

export interface FitWarning {
  readonly code: FitWarningCode;
  readonly message: string;
}

/** The identifiability warnings for runs covering this many distinct model sizes and training lengths. */
export function identifiabilityWarnings({
  modelSizes: sizes,
  trainingLengths: lengths,
}: RunCoverage): FitWarning[] {
  const warnings: FitWarning[] = [];
  const family =
    'other values fit these runs equally well, so the fitted ones (and their bootstrap intervals) are one arbitrary choice; E moves with them';
  if (sizes < MIN_DISTINCT_VALUES_PER_TERM)
    warnings.push({
      code: 'model_size_term_not_identified',
      message: `A and alpha need runs on at least ${MIN_DISTINCT_VALUES_PER_TERM} model sizes; these cover ${sizes}: ${family}. Add runs on another model size.`,
    });
  if (lengths < MIN_DISTINCT_VALUES_PER_TERM)
    warnings.push({
      code: 'length_term_not_identified',
      message: `B and beta need runs of at least ${MIN_DISTINCT_VALUES_PER_TERM} training lengths; these cover ${lengths}: ${family}. Add runs of another length.`,
    });
  return warnings;
}

export interface RunsRollout {
  readonly heldOutFlopsPerImage: number;
  readonly runsHeldOut: number;
  /** Relative RMSE of the held-out runs' losses, predicted by the fit to the others. */
  readonly rmseRelative: number;
  readonly maxRelativeError: number;
  readonly source: string;
}

/**
 * The rollout check of scaling-law ladders (OLMo-core's, and the law selection's here): refit without the runs of the
 * largest model size and predict them, the extrapolation a plan at that size makes. Needs 3 sizes (two left to fit a
 * size term) and MIN_SURFACE_OBSERVATIONS runs left.
 */
function rollout(observations: readonly SurfaceObservation[]): RunsRollout | undefined {
  const sizes = [...new Set(observations.map((o) => o.flopsPerImage))];
  if (sizes.length < 3) return undefined;
  const largest = Math.max(...sizes);
  const kept = observations.filter((o) => o.flopsPerImage !== largest);
  const held = observations.filter((o) => o.flopsPerImage === largest);
  if (kept.length < MIN_SURFACE_OBSERVATIONS) return undefined;
  const quality = surfaceFitQuality(fitSurface(kept).coefficients, held);
  return {
    heldOutFlopsPerImage: largest,
    runsHeldOut: held.length,
    rmseRelative: quality.rmseRelative,
    maxRelativeError: quality.maxRelativeError,
    source: `fitted to the ${kept.length} runs of the ${sizes.length - 1} smaller sizes; the ${held.length} runs at ${largest.toPrecision(4)} FLOPs per image predicted`,
  };
}

/**
 * The law's ensemble in compact form (planner/request.ts, CustomLawEnsemble): the cluster jackknife's fits, the
 * surface refitted without each model size's runs (one bounded L-BFGS run warm-started at the full-data optimum, as
 * the bootstrap's refits), and the residual scatter of a run, rmseRelative sqrt(n / (n - 5)). The model size is the
 * cluster because a model's runs share its errors (uncertainty/lawEnsemble.ts says why). None, with the reason, when
 * the runs cover fewer than MIN_ENSEMBLE_MODEL_SIZES sizes (a fit without one would not pin down the size term), more
 * than MAX_ENSEMBLE_MODEL_SIZES (a refit each), no more runs than coefficients, or a refit loses a term.
 */
function jackknifeEnsemble(
  runs: readonly ResolvedRun[],
  data: PreparedSurfaceObservations,
  theta: SurfaceParameters,
  point: SurfaceCoefficients,
  quality: SurfaceFitQuality,
): { ensemble: CustomLawEnsemble } | { reason: string } {
  const sizes = [...new Set(runs.map((r) => r.flopsPerImage))];
  if (sizes.length < MIN_ENSEMBLE_MODEL_SIZES || sizes.length > MAX_ENSEMBLE_MODEL_SIZES)
    return {
      reason: `the ensemble needs runs on ${MIN_ENSEMBLE_MODEL_SIZES} to ${MAX_ENSEMBLE_MODEL_SIZES} model sizes (one refit without each); these cover ${sizes.length}`,
    };
  if (runs.length <= SURFACE_COEFFICIENTS)
    return {
      reason: `the residual scatter needs more runs than the surface's ${SURFACE_COEFFICIENTS} coefficients`,
    };
  const leaveOneModelOut: { heldOut: string; coefficients: SurfaceCoefficients }[] = [];
  for (const size of sizes) {
    const weights = Float64Array.from(runs, (r) => (r.flopsPerImage === size ? 0 : 1));
    const coefficients = surfaceCoefficientsOf(refitSurfaceFrom(theta, data, weights).theta);
    if (!(coefficients.alpha > 0 && coefficients.beta > 0))
      return {
        reason: `without the runs at ${size} FLOPs per image the loss no longer falls with ${coefficients.alpha > 0 ? 'training length' : 'model size'}, so that refit is no law to plan with`,
      };
    leaveOneModelOut.push({ heldOut: String(size), coefficients });
  }
  const ensemble: CustomLawEnsemble = {
    leaveOneModelOut,
    residualLogSd: quality.rmseRelative * Math.sqrt(runs.length / (runs.length - SURFACE_COEFFICIENTS)),
  };
  // What a plan will accept back (the one check of a caller's law): runs scattered past what any surface describes,
  // or refits at the edge of the fitting box, give a law a plan would refuse.
  try {
    customLossSurface({ coefficients: point, ensemble });
  } catch (error) {
    if (error instanceof PlannerInputError)
      return { reason: `its ensemble would be refused: ${error.message}` };
    throw error;
  }
  return { ensemble };
}

function optionalRollout(observations: readonly SurfaceObservation[]): { rollout?: RunsRollout } {
  const check = rollout(observations);
  return check === undefined ? {} : { rollout: check };
}

export interface RunsFit {
  readonly formula: string;
  readonly units: { readonly flopsPerImage: string; readonly imagesSeen: string; readonly value: string };
  readonly datasetImages: number;
  readonly coefficients: SurfaceCoefficients;
  readonly quality: SurfaceFitQuality;
  readonly method: { readonly huberDelta: number; readonly startsTried: number; readonly objective: number };
  readonly allocation: RunsAllocation;
  readonly bootstrap?: BootstrapResult;
  /** How the law extrapolates: fitted without the largest model size, its runs predicted (absent for < 3 sizes). */
  readonly rollout?: RunsRollout;
  /** Send this back verbatim as PlanRequest.law to plan with the fitted surface (and its ensemble, for intervals). */
  readonly law: CustomLaw & { readonly id: string };
  /** Coefficients the runs do not pin down (see MIN_DISTINCT_VALUES_PER_TERM); empty when all are identified. */
  readonly warnings: FitWarning[];
  readonly provenance: string;
}

/**
 * Fits the surface to the caller's runs: multi-start bounded L-BFGS on the Huber (delta 1e-3) loss of log-loss
 * residuals, exactly as the paper's law is fitted (so the 36 Figure 2 runs give fitJftLossLaw's coefficients);
 * allocation exponents from fittedAllocationExponents (F* ~ C^(beta / (alpha + g beta)) and so on) with the cost
 * law's exponent g; and, with `bootstrap`, percentile intervals over resamples of the runs drawn with replacement
 * (mulberry32 seeded with `seed`), each refitted by one L-BFGS run warm-started from the full-data optimum. The cost
 * law is held at its full-data fit across resamples, so the allocation intervals carry the loss fit's uncertainty
 * only. Deterministic: the same request gives bit-identical output.
 */
export function fitRuns(request: FitRunsRequest, costModel: Pick<CostModel, 'flopsPowerLaw'>): RunsFit {
  if (typeof request !== 'object' || request === null)
    throw new PlannerInputError('runs', 'the request must be an object with runs');
  const datasetImages = resolveDatasetImages(request.datasetImages);
  const runs = resolveRuns(request.runs, datasetImages);
  const bootstrapOptions = resolveBootstrap(request.bootstrap, runs.length);
  const observations = observationsOf(runs);
  const data = prepareSurfaceObservations(observations);
  const fit = fitSurfaceParameters(data);
  const coefficients = surfaceCoefficientsOf(fit.theta);
  if (!(coefficients.alpha > 0 && coefficients.beta > 0))
    throw new InfeasibleError(
      `in these runs the loss does not fall with ${coefficients.alpha > 0 ? 'training length' : 'model size'} (fitted ${coefficients.alpha > 0 ? 'beta' : 'alpha'} = 0), so the surface implies no compute-optimal allocation and cannot be planned with; add runs that vary it`,
      { coefficients },
    );
  const costLaw = runsCostLaw(runs, costModel);
  const allocation: RunsAllocation = {
    exponents: fittedAllocationExponents(coefficients, costLaw),
    costLaw,
    source: `closed-form optimum of the fitted surface under ${costLaw.description}`,
  };

  let bootstrap: BootstrapResult | undefined;
  if (bootstrapOptions !== undefined) {
    const { samples, seed } = bootstrapOptions;
    const columns = Array.from({ length: 5 }, () => new Float64Array(samples));
    const exponentColumns = Array.from({ length: 3 }, () => new Float64Array(samples));
    let withAllocation = 0;
    forEachResample(runs.length, samples, seed, (counts, s) => {
      const c = surfaceCoefficientsOf(refitSurfaceFrom(fit.theta, data, counts).theta);
      (columns[0] as Float64Array)[s] = c.E;
      (columns[1] as Float64Array)[s] = c.A;
      (columns[2] as Float64Array)[s] = c.B;
      (columns[3] as Float64Array)[s] = c.alpha;
      (columns[4] as Float64Array)[s] = c.beta;
      if (c.alpha > 0 && c.beta > 0) {
        const e = fittedAllocationExponents(c, costLaw);
        (exponentColumns[0] as Float64Array)[withAllocation] = e.flopsPerImage;
        (exponentColumns[1] as Float64Array)[withAllocation] = e.costPerEpoch;
        (exponentColumns[2] as Float64Array)[withAllocation] = e.epochs;
        withAllocation++;
      }
    });
    const interval = (column: Float64Array | undefined, count = samples) =>
      percentileInterval((column as Float64Array).subarray(0, count), BOOTSTRAP_LEVEL);
    bootstrap = {
      samples,
      seed,
      level: BOOTSTRAP_LEVEL,
      method:
        `percentile bootstrap: ${samples} resamples of the ${runs.length} runs with replacement (mulberry32, seed ${seed}), ` +
        'each refitted by bounded L-BFGS warm-started at the full-data optimum; 2.5th and 97.5th percentiles ' +
        '(linear interpolation between order statistics); cost law held at its full-data fit',
      coefficients: {
        E: interval(columns[0]),
        A: interval(columns[1]),
        B: interval(columns[2]),
        alpha: interval(columns[3]),
        beta: interval(columns[4]),
      },
      allocationExponents:
        withAllocation === 0
          ? null
          : {
              flopsPerImage: interval(exponentColumns[0], withAllocation),
              costPerEpoch: interval(exponentColumns[1], withAllocation),
              epochs: interval(exponentColumns[2], withAllocation),
            },
      samplesWithoutAllocation: samples - withAllocation,
    };
  }

  const quality = surfaceFitQuality(coefficients, observations);
  const jackknife = jackknifeEnsemble(runs, data, fit.theta, coefficients, quality);
  const warnings = identifiabilityWarnings(coverageOf(runs));
  if ('reason' in jackknife)
    warnings.push({
      code: 'law_without_ensemble',
      message: `Plans made with this law carry point predictions only: ${jackknife.reason}.`,
    });
  return {
    formula: SURFACE_FORMULA,
    units: {
      flopsPerImage: 'forward FLOPs per image',
      imagesSeen: `images seen in training (epochs x ${datasetImages} images)`,
      value: 'validation loss as the runs report it',
    },
    datasetImages,
    coefficients,
    quality,
    method: { huberDelta: SURFACE_HUBER_DELTA, startsTried: fit.startsTried, objective: fit.objective },
    allocation,
    ...(bootstrap === undefined ? {} : { bootstrap }),
    ...optionalRollout(observations),
    law: {
      id: RUNS_LAW_ID,
      coefficients,
      ...('ensemble' in jackknife && { ensemble: jackknife.ensemble }),
    },
    warnings,
    provenance: `fitted to ${runs.length} caller-supplied runs; Huber (delta 1e-3) fit of log loss, Hoffmann et al. 2022 approach 3, as the paper's Figure 2 law`,
  };
}

function resolveBootstrap(
  bootstrap: BootstrapOptions | undefined,
  runs: number,
): { samples: number; seed: number } | undefined {
  if (bootstrap === undefined) return undefined;
  if (typeof bootstrap !== 'object' || bootstrap === null || Array.isArray(bootstrap))
    throw new PlannerInputError('bootstrap', 'bootstrap must be an object with optional samples and seed');
  const samples = bootstrap.samples ?? DEFAULT_BOOTSTRAP_SAMPLES;
  if (!(Number.isInteger(samples) && samples >= 1 && samples <= MAX_BOOTSTRAP_SAMPLES))
    throw new PlannerInputError(
      'bootstrap.samples',
      `bootstrap.samples must be a whole number from 1 to ${MAX_BOOTSTRAP_SAMPLES}; got ${String(samples)}`,
    );
  if (samples * runs > MAX_BOOTSTRAP_RUN_SAMPLES)
    throw new PlannerInputError(
      'bootstrap.samples',
      `bootstrap.samples x runs must be at most ${MAX_BOOTSTRAP_RUN_SAMPLES} to keep the request quick; with ${runs} runs use at most ${Math.floor(MAX_BOOTSTRAP_RUN_SAMPLES / runs)} samples`,
    );
  const seed = bootstrap.seed ?? 0;
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED))
    throw new PlannerInputError(
      'bootstrap.seed',
      `bootstrap.seed must be a whole number from 0 to ${MAX_SEED}; got ${String(seed)}`,
    );
  return { samples, seed };
}
