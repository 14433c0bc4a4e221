/**
 * A caller's own training runs, checked and turned into loss-surface observations (issue 5, item 4).
 * Each run gives its model size one way (an NFNet variant or forward FLOPs per image), its training length one way
 * (epochs of the dataset or images seen), optionally what it cost, and the validation loss it reached.
 */

import { parseVariant } from '../architecture/variants.js';
import { MAX_DATASET_IMAGES } from '../cost/costModel.js';
import { FACTS } from '../dataset/facts.js';
import { InfeasibleError, PlannerInputError } from '../errors.js';
import { flopsByVariant } from '../laws/lossLaw.js';
import type { SurfaceObservation } from '../laws/surface.js';
import { MAX_EPOCHS, MIN_DATASET_IMAGES } from '../planner/request.js';
import { MAX_BUDGET_TPU_V4_CORE_HOURS } from '../units/budget.js';

export interface RunInput {
  /** An NFNet variant ("F3+"); F is then its forward FLOPs per image at 224 px and 30k classes. Or flopsPerImage. */
  readonly model?: string;
  readonly flopsPerImage?: number;
  /** Epochs over the dataset (JFT-4B's 4e9 images unless the request gives datasetImages). Or imagesSeen. */
  readonly epochs?: number;
  readonly imagesSeen?: number;
  /** What the run cost; with two or more model sizes, these give the cost law the allocation uses. */
  readonly costTpuV4CoreHours?: number;
  /** Validation loss the run reached. */
  readonly loss: number;
}

/** A run with its size and length resolved. */
export interface ResolvedRun {
  readonly flopsPerImage: number;
  readonly imagesSeen: number;
  readonly loss: number;
  readonly costTpuV4CoreHours?: number;
}

/** Five coefficients need at least five runs (issue 5: "at least 5 runs; say so in a 422 otherwise"). */
export const MIN_RUNS = 5;
/** Largest number of runs accepted: far more than any scaling study trains, and a fit stays within about a second. */
export const MAX_RUNS = 10_000;
/** Forward FLOPs per image accepted: 1 MFLOP (a toy network) to 10 PFLOP (far beyond any image model). */
export const MIN_FLOPS_PER_IMAGE = 1e6;
export const MAX_FLOPS_PER_IMAGE = 1e16;
/** Images seen accepted: up to MAX_EPOCHS passes over the largest dataset accepted. */
export const MAX_IMAGES_SEEN = MAX_EPOCHS * MAX_DATASET_IMAGES;
/** Losses accepted: at most 1,000 nats, far above any cross-entropy a training run reports. */
export const MAX_LOSS = 1_000;
/**
 * ...and at least 1e-6 nats, as far below any held-out loss a run reports. Lower bounds keep the fit finite: a loss
 * under about 1e-154 beside ordinary ones overflows the squared relative error, and a loss or a length near the
 * subnormal range gives the optimizer a non-finite start (both found by the HTTP fuzz, tests/http/fuzz).
 */
export const MIN_LOSS = 1e-6;
/**
 * A run's cost, when given: at least 1e-6 TPU-v4 core hours (3.6 ms of one core, below anything that trains), at most
 * the largest budget. Without a floor, a cost near the subnormal range makes its relative error in a calibration
 * report overflow (a cost of 1e-200 against a prediction of thousands of core hours).
 */
export const MIN_RUN_COST_TPU_V4_CORE_HOURS = 1e-6;
/** A run sees at least one image. */
export const MIN_IMAGES_SEEN = 1;
/** Fewer epochs see less than one image even of the largest dataset accepted. */
export const MIN_EPOCHS = 1 / MAX_DATASET_IMAGES;

/** The dataset one epoch passes over: JFT-4B (stated) unless the caller says otherwise. */
export function resolveDatasetImages(datasetImages: unknown): number {
  if (datasetImages === undefined) return FACTS.jftImages.value;
  return requireRange(datasetImages, 'datasetImages', MIN_DATASET_IMAGES, MAX_DATASET_IMAGES, true);
}

/**
 * Checks every run and resolves F and D: F = forward FLOPs per image of the named variant (countNfnet at the
 * pre-training setup, 224 px and 30k classes, as the paper's laws use) or as given; D = epochs x datasetImages or
 * as given. PlannerInputError names the field ("runs.3.model") for anything malformed or out of range;
 * InfeasibleError when there are fewer than MIN_RUNS runs or they do not span two model sizes and two lengths,
 * without which the surface's exponents cannot be told apart.
 */
export function resolveRuns(runs: unknown, datasetImages: number): ResolvedRun[] {
  if (!Array.isArray(runs)) throw new PlannerInputError('runs', 'runs must be an array of training runs');
  if (runs.length > MAX_RUNS)
    throw new PlannerInputError('runs', `at most ${MAX_RUNS} runs are accepted; got ${runs.length}`);
  const variants = runs.map((run: unknown, i) => {
    if (typeof run !== 'object' || run === null || Array.isArray(run))
      throw new PlannerInputError(
        `runs.${i}`,
        `runs.${i} must be an object with a loss, a model size and a length`,
      );
    const { model, flopsPerImage } = run as RunInput;
    if ((model === undefined) === (flopsPerImage === undefined))
      throw new PlannerInputError(
        `runs.${i}.model`,
        `runs.${i} must give exactly one of model (an NFNet variant) and flopsPerImage; got ${model === undefined ? 'neither' : 'both'}`,
      );
    return model === undefined ? undefined : parseVariant(model, `runs.${i}.model`);
  });
  const flopsOfVariant = flopsByVariant(variants.filter((v) => v !== undefined));
  const resolved = (runs as RunInput[]).map((run, i): ResolvedRun => {
    const variant = variants[i];
    const flopsPerImage =
      variant === undefined
        ? requireRange(run.flopsPerImage, `runs.${i}.flopsPerImage`, MIN_FLOPS_PER_IMAGE, MAX_FLOPS_PER_IMAGE)
        : (flopsOfVariant.get(variant) as number);
    if ((run.epochs === undefined) === (run.imagesSeen === undefined))
      throw new PlannerInputError(
        `runs.${i}.epochs`,
        `runs.${i} must give exactly one of epochs and imagesSeen; got ${run.epochs === undefined ? 'neither' : 'both'}`,
      );
    const imagesSeen =
      run.epochs === undefined
        ? requireRange(run.imagesSeen, `runs.${i}.imagesSeen`, MIN_IMAGES_SEEN, MAX_IMAGES_SEEN)
        : requireRange(run.epochs, `runs.${i}.epochs`, MIN_EPOCHS, MAX_EPOCHS) * datasetImages;
    if (imagesSeen < MIN_IMAGES_SEEN)
      throw new PlannerInputError(
        `runs.${i}.epochs`,
        `runs.${i}.epochs x datasetImages must be at least ${MIN_IMAGES_SEEN} image; got ${describe(imagesSeen)}`,
      );
    const loss = requireRange(run.loss, `runs.${i}.loss`, MIN_LOSS, MAX_LOSS);
    return {
      flopsPerImage,
      imagesSeen,
      loss,
      ...(run.costTpuV4CoreHours === undefined
        ? {}
        : {
            costTpuV4CoreHours: requireRange(
              run.costTpuV4CoreHours,
              `runs.${i}.costTpuV4CoreHours`,
              MIN_RUN_COST_TPU_V4_CORE_HOURS,
              MAX_BUDGET_TPU_V4_CORE_HOURS,
            ),
          }),
    };
  });
  if (resolved.length < MIN_RUNS)
    throw new InfeasibleError(
      `fitting L(F, D) = E + A / F^alpha + B / D^beta needs at least ${MIN_RUNS} runs (one per coefficient); got ${resolved.length}`,
      { minRuns: MIN_RUNS, runs: resolved.length },
    );
  const { modelSizes: sizes, trainingLengths: lengths } = coverageOf(resolved);
  if (sizes < 2 || lengths < 2)
    throw new InfeasibleError(
      `the runs must cover at least two model sizes and two training lengths to tell the model-size and data terms apart; got ${sizes} size(s) and ${lengths} length(s)`,
      { modelSizes: sizes, trainingLengths: lengths },
    );
  return resolved;
}

/** How many distinct model sizes (F) and training lengths (D) the runs cover. */
export function coverageOf(runs: readonly ResolvedRun[]): RunCoverage {
  return {
    modelSizes: new Set(runs.map((r) => r.flopsPerImage)).size,
    trainingLengths: new Set(runs.map((r) => r.imagesSeen)).size,
  };
}

export interface RunCoverage {
  readonly modelSizes: number;
  readonly trainingLengths: number;
}

export function observationsOf(runs: readonly ResolvedRun[]): SurfaceObservation[] {
  return runs.map((r) => ({ flopsPerImage: r.flopsPerImage, imagesSeen: r.imagesSeen, value: r.loss }));
}

function requireRange(value: unknown, field: string, min: number, max: number, inclusiveMin = true): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value > max ||
    (inclusiveMin ? value < min : value <= min)
  )
    throw new PlannerInputError(
      field,
      `${field} must be a number ${inclusiveMin ? 'from' : 'above'} ${min} ${inclusiveMin ? 'to' : 'and at most'} ${max}; got ${describe(value)}`,
    );
  return value;
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}
