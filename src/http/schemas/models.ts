/**
 * GET /v1/models, GET /v1/evaluate and GET /v1/convert: schemas.
 */
import { z } from 'zod';
import { MAX_DATASET_IMAGES } from '../../core/cost/costModel.js';
import { MAX_EPOCHS, MIN_DATASET_IMAGES } from '../../core/planner/request.js';
import { GPU_ACCELERATORS } from '../../core/units/accelerators.js';
import { BUDGET_UNITS } from '../../core/units/budget.js';
import { TPU_V3_BASES } from '../../core/units/tpuV3.js';
import {
  BatchSizeSchema,
  ConfigurationProvenanceSchema,
  ConvertedBudgetSchema,
  CoresSchema,
  ModelNameSchema,
  PreviousLearningRateSchema,
  TrainingConfigurationSchema,
  WarningSchema,
} from './common.js';

export const ModelsQuerySchema = z.strictObject({
  resolution: z.coerce
    .number()
    .int()
    .min(1)
    .max(8192)
    .default(224)
    .describe('Square input resolution in pixels (default 224, the pre-training resolution).'),
  classes: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(30_000)
    .describe('Classifier outputs (default 30,000, JFT-4B).'),
});

const stages = (max: number) => z.array(z.number().int().min(1).max(max)).length(4);
export const ModelSchema = z.object({
  name: ModelNameSchema,
  depths: stages(100).describe('Blocks per stage.'),
  widths: stages(10_000).describe('Output channels per stage.'),
  params: z
    .number()
    .int()
    .min(0)
    .max(1e13)
    .describe('Parameters at this class count (independent of resolution).'),
  macs: z.number().describe('Multiply-accumulates of one forward pass at this resolution.'),
  flops: z.number().describe('2 x macs.'),
  costPerEpochTpuV4CoreHours: z
    .number()
    .describe('TPU-v4 core hours for one JFT-4B epoch at the pre-training setup (224 px, 30k classes).'),
  costSource: z.enum(['digitized', 'interpolated']),
  trainedInPaper: z.boolean(),
  imagesPerSecondPerCore: z.number().describe('Implied by the cost: JFT-4B images / (cost x 3600).'),
  achievedTflopsPerCore: z
    .number()
    .describe('Implied training TFLOP/s per core (3 x forward FLOPs per image).'),
  utilization: z.number().describe('achievedTflopsPerCore / 137.5 (TPU-v4 bf16 peak per core).'),
});

export const ModelsResponseSchema = z.object({
  resolution: z.number().int(),
  classes: z.number().int(),
  models: z.array(ModelSchema),
  provenance: z.string(),
});

export const EvaluateQuerySchema = z.strictObject({
  model: z.string().min(1).max(20).describe('NFNet variant, e.g. F3+ (URL-encode the plus: F3%2B).'),
  epochs: z.coerce.number().positive().max(MAX_EPOCHS).describe('Epochs over the dataset.'),
  datasetImages: z.coerce
    .number()
    .min(MIN_DATASET_IMAGES)
    .max(MAX_DATASET_IMAGES)
    .optional()
    .describe('Images per epoch (default JFT-4B, 4.0e9).'),
  batchSize: z.coerce.number().pipe(BatchSizeSchema).optional(),
  cores: z.coerce.number().pipe(CoresSchema).optional(),
  previousOptimalLearningRate: z.coerce.number().pipe(PreviousLearningRateSchema).optional(),
});

export const EvaluationSchema = TrainingConfigurationSchema.extend({
  warnings: z.array(WarningSchema),
  provenance: ConfigurationProvenanceSchema,
}).describe('One configuration: cost, predictions, learning rate and trials.');

export const ConvertQuerySchema = z.strictObject({
  amount: z.coerce.number().positive().max(1e30).describe('How much compute, in unit.'),
  unit: z.enum(BUDGET_UNITS),
  accelerator: z.enum(GPU_ACCELERATORS).optional(),
  peakTflops: z.coerce.number().positive().max(1e6).optional(),
  utilization: z.coerce.number().positive().max(1).optional(),
  tpuV3Basis: z.enum(TPU_V3_BASES).optional(),
});

export const ConvertResponseSchema = ConvertedBudgetSchema.extend({
  tpuV4CoreHoursPerUnit: z.number().describe('TPU-v4 core hours one unit of the requested budget is worth.'),
});
