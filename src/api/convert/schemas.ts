/**
 * GET /v1/convert: a budget in TPU-v4 core hours.
 */
import { z } from 'zod';
import { GPU_ACCELERATORS, MAX_UTILIZATION, MIN_UTILIZATION } from '../../core/units/accelerators.js';
import { BUDGET_UNITS, MAX_BUDGET_AMOUNT, MAX_PEAK_TFLOPS } from '../../core/units/budget.js';
import { TPU_V3_BASES } from '../../core/units/tpuV3.js';
import { ConvertedBudgetSchema } from '../common.js';

export const ConvertQuerySchema = z.strictObject({
  amount: z.coerce.number().positive().max(MAX_BUDGET_AMOUNT).describe('How much compute, in unit.'),
  unit: z.enum(BUDGET_UNITS).describe('The unit of amount.'),
  accelerator: z.enum(GPU_ACCELERATORS).optional().describe('gpu_hours only: a100, h100, h200 or b200.'),
  peakTflops: z.coerce
    .number()
    .positive()
    .max(MAX_PEAK_TFLOPS)
    .optional()
    .describe('gpu_hours only: dense bf16 peak TFLOP/s of another accelerator.'),
  utilization: z.coerce
    .number()
    .min(MIN_UTILIZATION)
    .max(MAX_UTILIZATION)
    .optional()
    .describe("gpu_hours only: fraction of peak sustained (default: the NFNet family's TPU-v4 utilization)."),
  tpuV3Basis: z
    .enum(TPU_V3_BASES)
    .optional()
    .describe("tpu_v3_core_hours only: vit (default, the paper's own conversions) or nfnet_f7plus."),
});

export const ConvertResponseSchema = ConvertedBudgetSchema.extend({
  tpuV4CoreHoursPerUnit: z.number().describe('TPU-v4 core hours one unit of the requested budget is worth.'),
})
  .describe('The budget in TPU-v4 core hours, with the basis of the conversion.')
  .meta({ id: 'Conversion' });
