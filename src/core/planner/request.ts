import { parseVariant } from '../architecture/variants.js';
import { MAX_DATASET_IMAGES } from '../cost/costModel.js';
import { FACTS } from '../dataset/facts.js';
import { PlannerInputError } from '../errors.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import { DEFAULT_INTERVAL_LEVEL, MAX_INTERVAL_LEVEL, MIN_INTERVAL_LEVEL } from '../uncertainty/intervals.js';
import type { BudgetInput } from '../units/budget.js';
import {
  type HardwareInput,
  MAX_ACCELERATOR_COUNT,
  type ResolvedHardware,
  resolveHardware,
} from '../units/hardware.js';
import type { ModelEntry, PlannerContext } from './context.js';

export const OBJECTIVES = ['jft_loss', 'imagenet_top1'] as const;
export type Objective = (typeof OBJECTIVES)[number];
export const STRATEGIES = ['equal_rate', 'fitted'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Largest batch size accepted: 2^20 images, far beyond any batch NFNets were trained with (4096, stated). */
export const MAX_BATCH_SIZE = 1_048_576;
/** Largest core count accepted for wall-clock estimates: 2^20 cores. */
export const MAX_CORES = MAX_ACCELERATOR_COUNT;
/** Largest epoch bound accepted: far past the paper's 8, where no law here means anything. */
export const MAX_EPOCHS = 10_000;
/** Smallest dataset accepted: 1,000 images. Below that the word "pre-training" no longer applies. */
export const MIN_DATASET_IMAGES = 1_000;

export interface PlanConstraints {
  readonly models?: readonly string[];
  readonly minEpochs?: number;
  readonly maxEpochs?: number;
  readonly datasetImages?: number;
}

/** A loss surface fitted elsewhere (POST /v1/fits) and sent back to plan with. */
export interface CustomLaw {
  readonly id?: string;
  readonly coefficients: SurfaceCoefficients;
  /** What its plans need for intervals and pick shares; without it they carry point predictions. */
  readonly ensemble?: CustomLawEnsemble;
}

/**
 * A caller's law's ensemble in compact form: the surface refitted without each model size's runs (the cluster
 * jackknife's fits) and the residual scatter of a run around it. A plan mixes its 200 members from these as it mixes
 * the paper's laws' (uncertainty/lawEnsemble.ts).
 */
export interface CustomLawEnsemble {
  readonly leaveOneModelOut: readonly {
    /** The model size left out, as the runs named it (a variant, or its FLOPs per image). */
    readonly heldOut: string;
    readonly coefficients: SurfaceCoefficients;
  }[];
  /** Standard deviation of a run's log loss around the surface: sqrt(sum r^2 / (n - p)), r the log residuals. */
  readonly residualLogSd: number;
}

export interface PlanRequest {
  readonly budget: BudgetInput;
  readonly objective?: Objective;
  readonly strategy?: Strategy;
  readonly constraints?: PlanConstraints;
  readonly hardware?: HardwareInput;
  readonly batchSize?: number;
  readonly previousOptimalLearningRate?: number;
  readonly law?: CustomLaw;
  /** Level of the confidence and prediction intervals, 0.5 to 0.99 (default 0.9). */
  readonly intervalLevel?: number;
}

/** A request with defaults filled and every bound checked. */
export interface NormalizedRequest {
  readonly objective: Objective;
  readonly strategy: Strategy;
  readonly models: readonly ModelEntry[];
  readonly minEpochs: number;
  readonly maxEpochs: number;
  readonly datasetImages: number;
  readonly batchSize: number;
  readonly hardware?: ResolvedHardware;
  readonly previousOptimalLearningRate?: number;
  readonly intervalLevel: number;
}

function requireNumber(value: unknown, field: string, min: number, max: number, integer = false): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok)
    throw new PlannerInputError(
      field,
      `${field} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}; got ${String(value)}`,
    );
  return value as number;
}

function requirePositive(value: unknown, field: string, max: number, integer = false): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value > 0 &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok)
    throw new PlannerInputError(
      field,
      `${field} must be ${integer ? 'a whole number' : 'a number'} greater than 0 and at most ${max}; got ${String(value)}`,
    );
  return value as number;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, field: string): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new PlannerInputError(
    field,
    `${field} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`,
  );
}

function optionalHardware(
  context: PlannerContext,
  input: HardwareInput | undefined,
): { hardware?: ResolvedHardware } {
  const hardware = resolveHardware(input, context.laws.costModel);
  return hardware === undefined ? {} : { hardware };
}

/** Checks everything but the budget (the unit converter checks that) and the custom law. */
export function normalizeRequest(context: PlannerContext, request: PlanRequest): NormalizedRequest {
  const constraints = request.constraints ?? {};
  const minEpochs =
    constraints.minEpochs === undefined
      ? 0
      : requireNumber(constraints.minEpochs, 'constraints.minEpochs', 0, MAX_EPOCHS);
  const maxEpochs =
    constraints.maxEpochs === undefined
      ? Number.POSITIVE_INFINITY
      : requirePositive(constraints.maxEpochs, 'constraints.maxEpochs', MAX_EPOCHS);
  if (minEpochs > maxEpochs)
    throw new PlannerInputError(
      'constraints.minEpochs',
      `constraints.minEpochs (${minEpochs}) must not exceed constraints.maxEpochs (${maxEpochs})`,
    );
  let models = context.models;
  if (constraints.models !== undefined) {
    if (!Array.isArray(constraints.models) || constraints.models.length === 0)
      throw new PlannerInputError(
        'constraints.models',
        'constraints.models must list at least one NFNet variant',
      );
    const allowed = new Set(
      constraints.models.map((name, i) => parseVariant(name, `constraints.models.${i}`)),
    );
    models = context.models.filter((m) => allowed.has(m.name));
  }
  return {
    objective: oneOf(request.objective, OBJECTIVES, 'jft_loss', 'objective'),
    strategy: oneOf(request.strategy, STRATEGIES, 'equal_rate', 'strategy'),
    models,
    minEpochs,
    maxEpochs,
    datasetImages:
      constraints.datasetImages === undefined
        ? FACTS.jftImages.value
        : requireNumber(
            constraints.datasetImages,
            'constraints.datasetImages',
            MIN_DATASET_IMAGES,
            MAX_DATASET_IMAGES,
          ),
    batchSize:
      request.batchSize === undefined
        ? FACTS.batchSize.value
        : requirePositive(request.batchSize, 'batchSize', MAX_BATCH_SIZE, true),
    ...optionalHardware(context, request.hardware),
    intervalLevel:
      request.intervalLevel === undefined
        ? DEFAULT_INTERVAL_LEVEL
        : requireNumber(request.intervalLevel, 'intervalLevel', MIN_INTERVAL_LEVEL, MAX_INTERVAL_LEVEL),
    ...(request.previousOptimalLearningRate === undefined
      ? {}
      : {
          previousOptimalLearningRate: requirePositive(
            request.previousOptimalLearningRate,
            'previousOptimalLearningRate',
            100,
          ),
        }),
  };
}
