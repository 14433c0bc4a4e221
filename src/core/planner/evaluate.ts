import { parseVariant } from '../architecture/variants.js';
import { PlannerInputError } from '../errors.js';
import { describeConfiguration, type TrainingConfiguration } from './configuration.js';
import type { PlannerContext } from './context.js';
import { customLossSurface } from './customLaw.js';
import { type PlanUncertainty, planUncertainty } from './plan.js';
import { type ConfigurationProvenance, configurationProvenance } from './provenance.js';
import { type CustomLaw, MAX_EPOCHS, normalizeRequest } from './request.js';
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

/**
 * One configuration (variant, epochs, dataset size): its cost, predicted JFT loss and ImageNet top-1, learning rate
 * and trials, with the same laws and checks as a plan.
 */
export function evaluateConfiguration(context: PlannerContext, request: EvaluateRequest): Evaluation {
  const variant = parseVariant(request.model, 'model');
  const epochs = request.epochs;
  if (typeof epochs !== 'number' || !Number.isFinite(epochs) || epochs <= 0 || epochs > MAX_EPOCHS)
    throw new PlannerInputError(
      'epochs',
      `epochs must be a number greater than 0 and at most ${MAX_EPOCHS}; got ${String(epochs)}`,
    );
  const normalized = normalizeRequest(context, {
    budget: { amount: 1, unit: 'tpu_v4_core_hours' },
    constraints: request.datasetImages === undefined ? {} : { datasetImages: request.datasetImages },
    ...(request.batchSize === undefined ? {} : { batchSize: request.batchSize }),
    ...(request.cores === undefined ? {} : { hardware: { cores: request.cores } }),
    ...(request.previousOptimalLearningRate === undefined
      ? {}
      : { previousOptimalLearningRate: request.previousOptimalLearningRate }),
    ...(request.intervalLevel === undefined ? {} : { intervalLevel: request.intervalLevel }),
  });
  const surface = request.law === undefined ? context.paperLossSurface : customLossSurface(request.law);
  const configuration = describeConfiguration(context, surface, context.byName[variant], epochs, normalized);
  // The ensemble is the paper laws'; it says nothing of a caller's surface (as in plan()).
  const uncertainty = surface === context.paperLossSurface ? context.uncertainty : undefined;
  return {
    ...(uncertainty && { uncertainty: planUncertainty(uncertainty, normalized.intervalLevel) }),
    ...configuration,
    warnings: collectWarnings({ context, request: normalized, recommendation: configuration, surface }),
    provenance: configurationProvenance(context, surface),
  };
}
