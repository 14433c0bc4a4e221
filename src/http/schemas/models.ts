/**
 * GET /v1/models, GET /v1/evaluate and GET /v1/convert: schemas.
 */
import { z } from 'zod';
import { ProfileReferenceSchema } from '../../api/profileReference.js';
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
  IntervalLevelSchema,
  ModelNameSchema,
  PreviousLearningRateSchema,
  TrainingConfigurationSchema,
  UncertaintySchema,
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
    .describe(
      'TPU-v4 core hours for one JFT-4B epoch at the pre-training setup (224 px, 30k classes), from the family cost law.',
    ),
  costFamily: z
    .enum(['deep', 'wide'])
    .describe('Which coefficient of the family cost law prices it: deep F0-F7 or wide F0+-F7+.'),
  trainedInPaper: z.boolean(),
  measuredCostPerEpochTpuV4CoreHours: z
    .number()
    .optional()
    .describe(
      "Trained variants: the geometric mean of core hours / epochs over the variant's Figure 2 points.",
    ),
  costLawResidualPercent: z.number().optional().describe('Trained variants: measured / law - 1, in percent.'),
  imagesPerSecondPerCore: z.number().describe('Implied by the cost: JFT-4B images / (cost x 3600).'),
  achievedTflopsPerCore: z
    .number()
    .describe('Implied training TFLOP/s per core (3 x forward FLOPs per image).'),
  utilization: z.number().describe('achievedTflopsPerCore / 137.5 (TPU-v4 bf16 peak per core).'),
});

export const ModelsResponseSchema = z
  .object({
    resolution: z.number().int().min(1).max(8192),
    classes: z.number().int().min(1).max(10_000_000),
    models: z.array(ModelSchema),
    provenance: z.string(),
  })
  .describe('The 16 NFNet variants at the requested resolution and class count.');

export const EvaluateQuerySchema = z.strictObject({
  model: z.string().min(1).max(20).describe('NFNet variant, e.g. F3+ (URL-encode the plus: F3%2B).'),
  epochs: z.coerce.number().positive().max(MAX_EPOCHS).describe('Epochs over the dataset.'),
  datasetImages: z.coerce
    .number()
    .min(MIN_DATASET_IMAGES)
    .max(MAX_DATASET_IMAGES)
    .optional()
    .describe('Images per epoch (default JFT-4B, 4.0e9).'),
  batchSize: z.coerce
    .number()
    .pipe(BatchSizeSchema)
    .optional()
    .describe(BatchSizeSchema.description ?? ''),
  cores: z.coerce
    .number()
    .pipe(CoresSchema)
    .optional()
    .describe('TPU-v4 cores, for a wall-clock estimate (cost / cores).'),
  previousOptimalLearningRate: z.coerce
    .number()
    .pipe(PreviousLearningRateSchema)
    .optional()
    .describe(PreviousLearningRateSchema.description ?? ''),
  intervalLevel: z.coerce
    .number()
    .pipe(IntervalLevelSchema)
    .optional()
    .describe(IntervalLevelSchema.description ?? ''),
  profile: ProfileReferenceSchema.optional(),
});

export const EvaluationSchema = TrainingConfigurationSchema.extend({
  uncertainty: UncertaintySchema.optional(),
  warnings: z.array(WarningSchema),
  provenance: ConfigurationProvenanceSchema,
}).describe('One configuration: cost, predictions, learning rate and trials.');

export const ConvertQuerySchema = z.strictObject({
  amount: z.coerce.number().positive().max(1e30).describe('How much compute, in unit.'),
  unit: z.enum(BUDGET_UNITS).describe('The unit of amount.'),
  accelerator: z.enum(GPU_ACCELERATORS).optional().describe('gpu_hours only: a100, h100, h200 or b200.'),
  peakTflops: z.coerce
    .number()
    .positive()
    .max(1e6)
    .optional()
    .describe('gpu_hours only: dense bf16 peak TFLOP/s of another accelerator.'),
  utilization: z.coerce
    .number()
    .positive()
    .max(1)
    .optional()
    .describe("gpu_hours only: fraction of peak sustained (default: the NFNet family's TPU-v4 utilization)."),
  tpuV3Basis: z
    .enum(TPU_V3_BASES)
    .optional()
    .describe("tpu_v3_core_hours only: vit (default, the paper's own conversions) or nfnet_f7plus."),
});

export const ConvertResponseSchema = ConvertedBudgetSchema.extend({
  tpuV4CoreHoursPerUnit: z.number().describe('TPU-v4 core hours one unit of the requested budget is worth.'),
}).describe('The budget in TPU-v4 core hours, with the basis of the conversion.');
