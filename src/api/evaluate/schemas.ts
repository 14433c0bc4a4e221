/**
 * GET /v1/evaluate: one configuration, chosen by the caller.
 */
import { z } from 'zod';
import { MAX_DATASET_IMAGES } from '../../core/cost/costModel.js';
import {
  MAX_BATCH_SIZE,
  MAX_CORES,
  MAX_EPOCHS,
  MAX_PREVIOUS_LEARNING_RATE,
  MIN_DATASET_IMAGES,
  MIN_EPOCHS,
} from '../../core/planner/request.js';
import {
  BatchSizeSchema,
  ConfigurationProvenanceSchema,
  IntervalLevelQuerySchema,
  MAX_MODEL_NAME_LENGTH,
  PreviousLearningRateSchema,
  TrainingConfigurationSchema,
  UncertaintySchema,
  WarningSchema,
} from '../common.js';
import { ProfileReferenceSchema } from '../profileReference.js';

export const EvaluateQuerySchema = z.strictObject({
  model: z
    .string()
    .min(1)
    .max(MAX_MODEL_NAME_LENGTH)
    .describe('NFNet variant, e.g. F3+ (URL-encode the plus: F3%2B).'),
  epochs: z.coerce.number().min(MIN_EPOCHS).max(MAX_EPOCHS).describe('Epochs over the dataset.'),
  datasetImages: z.coerce
    .number()
    .min(MIN_DATASET_IMAGES)
    .max(MAX_DATASET_IMAGES)
    .optional()
    .describe('Images per epoch (default JFT-4B, 4.0e9).'),
  // Query parameters arrive as text: coerced, then held to the same bounds as the body fields, written here on the
  // coerced number so the document states them (a pipe would document only "number").
  batchSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_BATCH_SIZE)
    .optional()
    .describe(BatchSizeSchema.description ?? ''),
  cores: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_CORES)
    .optional()
    .describe('TPU-v4 cores, for a wall-clock estimate (cost / cores).'),
  previousOptimalLearningRate: z.coerce
    .number()
    .positive()
    .max(MAX_PREVIOUS_LEARNING_RATE)
    .optional()
    .describe(PreviousLearningRateSchema.description ?? ''),
  intervalLevel: IntervalLevelQuerySchema.optional(),
  profile: ProfileReferenceSchema.optional(),
});

export const EvaluationSchema = TrainingConfigurationSchema.extend({
  uncertainty: UncertaintySchema.optional(),
  warnings: z.array(WarningSchema),
  provenance: ConfigurationProvenanceSchema,
})
  .describe('One configuration: cost, predictions, learning rate and trials.')
  .meta({ id: 'Evaluation' });
