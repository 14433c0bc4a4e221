/**
 * GET /v1/models: the NFNet variants, counted layer by layer, with their cost per epoch.
 */
import { z } from 'zod';
import { MAX_CLASSES, MAX_RESOLUTION } from '../../core/architecture/count.js';
import { ModelNameSchema } from '../common.js';

export const ModelsQuerySchema = z.strictObject({
  resolution: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_RESOLUTION)
    .default(224)
    .describe('Square input resolution in pixels (default 224, the pre-training resolution).'),
  classes: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_CLASSES)
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
    resolution: z.number().int().min(1).max(MAX_RESOLUTION),
    classes: z.number().int().min(1).max(MAX_CLASSES),
    models: z.array(ModelSchema),
    provenance: z.string(),
  })
  .describe('The 16 NFNet variants at the requested resolution and class count.')
  .meta({ id: 'Models' });
