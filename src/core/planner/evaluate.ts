import { type NfnetVariant, parseVariant } from '../architecture/variants.js';
import { PlannerInputError } from '../errors.js';
import { describeConfiguration, type TrainingConfiguration } from './configuration.js';
import type { PlannerContext } from './context.js';
import { customLossSurface } from './customLaw.js';
import { type PlanUncertainty, planUncertainty } from './plan.js';
import { type ConfigurationProvenance, configurationProvenance } from './provenance.js';
import { type CustomLaw, checkSettings, MAX_EPOCHS, MIN_EPOCHS, type NormalizedRequest } from './request.js';
import { collectWarnings, type PlanWarning } from './warnings.js';

export interface EvaluateRequest {
  readonly model: string;
  /** Epochs over the dataset (JFT-4B unless datasetImages is given). */
  readonly epochs: number;
  readonly datasetImages?: number;
  readonly batchSize?: number;
  readonly cores?: number;
  readonly previousOptimalLearningRate?: number;
  readonly intervalLevel?: number;
  /** A caller's loss surface instead of the paper's, as PlanRequest.law. */
  readonly law?: CustomLaw;
}

export interface Evaluation extends TrainingConfiguration {
  readonly uncertainty?: PlanUncertainty;
  readonly warnings: PlanWarning[];
  readonly provenance: ConfigurationProvenance;
}

/** An evaluation request checked: its variant and epochs, and the settings it shares with a plan. */
export interface CheckedEvaluateRequest {
  readonly variant: NfnetVariant;
  readonly epochs: number;
  readonly settings: NormalizedRequest;
}

/**
 * The gate of an evaluation: the variant and epochs, then the same settings check as a plan's (checkSettings), with no
 * budget, since an evaluation has none.
 */
export function checkEvaluateRequest(
  context: PlannerContext,
  request: EvaluateRequest,
): CheckedEvaluateRequest {
  if (typeof request !== 'object' || request === null)
    throw new PlannerInputError('body', 'the request must be an object with a model and epochs');
  const variant = parseVariant(request.model, 'model');
  const epochs = request.epochs;
  if (typeof epochs !== 'number' || !Number.isFinite(epochs) || epochs < MIN_EPOCHS || epochs > MAX_EPOCHS)
    throw new PlannerInputError(
      'epochs',
      `epochs must be a number from ${MIN_EPOCHS} to ${MAX_EPOCHS}; got ${String(epochs)}`,
    );
  try {
    const settings = checkSettings(context, {
      ...(request.datasetImages === undefined
        ? {}
        : { constraints: { datasetImages: request.datasetImages } }),
      ...(request.batchSize === undefined ? {} : { batchSize: request.batchSize }),
      ...(request.cores === undefined ? {} : { hardware: { cores: request.cores } }),
      ...(request.previousOptimalLearningRate === undefined
        ? {}
        : { previousOptimalLearningRate: request.previousOptimalLearningRate }),
      ...(request.intervalLevel === undefined ? {} : { intervalLevel: request.intervalLevel }),
    });
    return { variant, epochs, settings };
  } catch (error) {
    throw error instanceof PlannerInputError ? asEvaluateField(error) : error;
  }
}

/** An evaluation's fields are flat: the error names the field the caller sent, not its place in a plan request. */
const EVALUATE_FIELD: Readonly<Record<string, string>> = {
  'constraints.datasetImages': 'datasetImages',
  'hardware.cores': 'cores',
};

function asEvaluateField(error: PlannerInputError): PlannerInputError {
  const field = EVALUATE_FIELD[error.field];
  return field === undefined
    ? error
    : new PlannerInputError(field, error.message.replaceAll(error.field, field));
}

/**
 * One configuration (variant, epochs, dataset size): its cost, predicted JFT loss and ImageNet top-1, learning rate
 * and trials, with the same laws and checks as a plan.
 */
export function evaluateConfiguration(context: PlannerContext, request: EvaluateRequest): Evaluation {
  const { variant, epochs, settings: normalized } = checkEvaluateRequest(context, request);
  const surface = request.law === undefined ? context.paperLossSurface : customLossSurface(request.law);
  const configuration = describeConfiguration(context, surface, context.byName[variant], epochs, normalized);
  // Intervals need an ensemble of the laws in use: the paper's, or the one a caller's law brings (as in plan()).
  const uncertainty =
    surface === context.paperLossSurface || surface.ensemble !== undefined ? context.uncertainty : undefined;
  return {
    ...(uncertainty && { uncertainty: planUncertainty(uncertainty, normalized.intervalLevel, surface) }),
    ...configuration,
    warnings: collectWarnings({ context, request: normalized, recommendation: configuration, surface }),
    provenance: configurationProvenance(context, surface),
  };
}
