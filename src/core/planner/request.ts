import { isNfnetVariant, NFNET_VARIANTS } from '../architecture/variants.js';
import { MAX_DATASET_IMAGES } from '../cost/costModel.js';
import { FACTS } from '../dataset/facts.js';
import { PlannerInputError } from '../errors.js';
import { DEFAULT_INTERVAL_LEVEL, MAX_INTERVAL_LEVEL, MIN_INTERVAL_LEVEL } from '../uncertainty/intervals.js';
import { type BudgetInput, type ConvertedBudget, toTpuV4CoreHours } from '../units/budget.js';
import {
  type HardwareInput,
  MAX_ACCELERATOR_COUNT,
  type ResolvedHardware,
  resolveHardware,
} from '../units/hardware.js';
import type { LossSurface, ModelEntry, PlannerContext } from './context.js';
import { type CustomLaw, customLossSurface } from './customLaw.js';

export type { CustomLaw, CustomLawEnsemble } from './customLaw.js';

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
/**
 * Fewest epochs a run or an epoch cap may have: fewer see less than one image even of the largest dataset accepted,
 * and a subnormal cap sends the ideal model size to infinity.
 */
export const MIN_EPOCHS = 1 / MAX_DATASET_IMAGES;
/** Smallest dataset accepted: 1,000 images. Below that the word "pre-training" no longer applies. */
export const MIN_DATASET_IMAGES = 1_000;
/** Largest previous optimal learning rate accepted: 100, far above any rate an NFNet trains at (0.1 x B / 256). */
export const MAX_PREVIOUS_LEARNING_RATE = 100;

export interface PlanConstraints {
  readonly models?: readonly string[];
  readonly minEpochs?: number;
  readonly maxEpochs?: number;
  readonly datasetImages?: number;
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

/** What a plan, an evaluation and a target search share: everything of a plan request but its budget and law. */
export type PlanSettings = Omit<PlanRequest, 'budget' | 'law'>;

/** Settings with defaults filled and every bound checked. */
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

/**
 * Checks the settings (everything but the budget and the law) and fills their defaults. The limits are the exported
 * constants, which the API's schemas import: one set of numbers for both shells.
 */
export function checkSettings(context: PlannerContext, request: PlanSettings): NormalizedRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    throw new PlannerInputError('body', 'the request must be an object');
  const constraints = request.constraints === undefined ? {} : request.constraints;
  if (typeof constraints !== 'object' || constraints === null || Array.isArray(constraints))
    throw new PlannerInputError('constraints', 'constraints must be an object');
  const minEpochs =
    constraints.minEpochs === undefined
      ? 0
      : requireNumber(constraints.minEpochs, 'constraints.minEpochs', 0, MAX_EPOCHS);
  const maxEpochs =
    constraints.maxEpochs === undefined
      ? Number.POSITIVE_INFINITY
      : requireNumber(constraints.maxEpochs, 'constraints.maxEpochs', MIN_EPOCHS, MAX_EPOCHS);
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
    if (constraints.models.length > NFNET_VARIANTS.length)
      throw new PlannerInputError(
        'constraints.models',
        `constraints.models lists at most the ${NFNET_VARIANTS.length} variants; got ${constraints.models.length}`,
      );
    // Exact names, as the API's schema documents them: "F3+", not "f3+" or "F3 " (an unencoded + in a URL).
    const allowed = new Set(
      constraints.models.map((name, i) => {
        if (typeof name === 'string' && isNfnetVariant(name)) return name;
        throw new PlannerInputError(
          `constraints.models.${i}`,
          `constraints.models.${i} must be one of ${NFNET_VARIANTS.join(', ')}; got ${JSON.stringify(name)}`,
        );
      }),
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
            MAX_PREVIOUS_LEARNING_RATE,
          ),
        }),
  };
}

/** The one checked plan request: the settings, the budget converted, and the loss surface to plan with. */
export interface CheckedPlanRequest extends NormalizedRequest {
  readonly budget: ConvertedBudget;
  readonly surface: LossSurface;
  /** The caller sent its own law (so there is no top-1 law and no ensemble for it). */
  readonly customLaw: boolean;
}

/**
 * The planner's one gate (the pattern of a single options check that the algorithm then trusts): every field of a
 * plan request checked, in both shells, against the limits the API's schemas import. Throws PlannerInputError naming
 * the first field that fails.
 */
export function checkPlanRequest(context: PlannerContext, request: PlanRequest): CheckedPlanRequest {
  const settings = checkSettings(context, request);
  return {
    ...settings,
    budget: toTpuV4CoreHours(request.budget, context.laws.costModel),
    ...checkLaw(context, request.law),
  };
}

/** The loss surface a request plans with: the paper's, or the caller's law, checked. */
export function checkLaw(
  context: PlannerContext,
  law: CustomLaw | undefined,
): { readonly surface: LossSurface; readonly customLaw: boolean } {
  return law === undefined
    ? { surface: context.paperLossSurface, customLaw: false }
    : { surface: customLossSurface(law), customLaw: true };
}
