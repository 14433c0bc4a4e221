/**
 * GET /v1/frontier: the planner's answers over a grid of budgets, for plotting.
 */
import { z } from 'zod';
import { MAX_FRONTIER_POINTS } from '../../core/planner/frontierSeries.js';
import { OBJECTIVES } from '../../core/planner/request.js';
import { MAX_BUDGET_TPU_V4_CORE_HOURS, MIN_BUDGET_TPU_V4_CORE_HOURS } from '../../core/units/budget.js';
import {
  IntervalLevelQuerySchema,
  ObjectiveSchema,
  PredictionsSchema,
  UncertaintySchema,
} from '../common.js';

export const budgetQuery = (what: string) =>
  z.coerce
    .number()
    .min(MIN_BUDGET_TPU_V4_CORE_HOURS)
    .max(MAX_BUDGET_TPU_V4_CORE_HOURS)
    .describe(`${what}, in TPU-v4 core hours.`);

export const FrontierQuerySchema = z.strictObject({
  from: budgetQuery("Smallest budget (default 400, the paper's smallest)").optional(),
  to: budgetQuery("Largest budget (default 110,000, the paper's largest)").optional(),
  points: z.coerce
    .number()
    .int()
    .min(2)
    .max(MAX_FRONTIER_POINTS)
    .optional()
    .describe('Budgets on the log grid (default 25).'),
  // A fresh enum, not the named Objective: a query parameter keeps its own description in the document.
  objective: z
    .enum(OBJECTIVES)
    .optional()
    .describe('What the series predict: jft_loss (default) or imagenet_top1.'),
  intervalLevel: IntervalLevelQuerySchema.optional(),
});

const StrategyPointSchema = z.object({
  ideal: z.object({ epochs: z.number(), costPerEpochTpuV4CoreHours: z.number(), flopsPerImage: z.number() }),
  recommendation: z.object({
    model: z.string(),
    epochs: z.number(),
    costPerEpochTpuV4CoreHours: z.number(),
    predicted: PredictionsSchema,
  }),
});

export const FrontierResponseSchema = z
  .object({
    uncertainty: UncertaintySchema.optional(),
    objective: ObjectiveSchema,
    series: z.array(
      z.object({
        tpuV4CoreHours: z.number(),
        frontierJftValidationLoss: z.number().describe('The fitted frontier L* = a C^-b at this budget.'),
        equalRate: StrategyPointSchema,
        fitted: StrategyPointSchema,
      }),
    ),
    measured: z.object({
      figure: z.enum(['Figure 2', 'Figure 1']),
      metric: z.string(),
      provenance: z.literal('digitized'),
      points: z.array(
        z.object({ model: z.string(), epochs: z.number(), tpuV4CoreHours: z.number(), value: z.number() }),
      ),
    }),
  })
  .describe(
    "Per budget on a log grid: ideal and recommended configurations of both strategies, plus the paper's runs.",
  )
  .meta({ id: 'Frontier' });
