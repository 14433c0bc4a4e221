/**
 * GET /v1/charts/frontier.svg and GET /v1/charts/learning-rate.svg: schemas.
 */
import { z } from 'zod';
import { OBJECTIVES, STRATEGIES } from '../../core/planner/request.js';
import { IntervalLevelQuerySchema } from '../common.js';
import { budgetQuery } from '../frontier/schemas.js';

export const FrontierChartQuerySchema = z.strictObject({
  // Fresh enums, not the named Objective and Strategy: a query parameter keeps its own description and default.
  metric: z.enum(OBJECTIVES).default('jft_loss').describe('jft_loss (Figure 2) or imagenet_top1 (Figure 1).'),
  budget: budgetQuery('Mark the recommended plan for this budget').optional(),
  strategy: z
    .enum(STRATEGIES)
    .optional()
    .describe('Which strategy plans the marked budget: equal_rate (default) or fitted.'),
  intervalLevel: IntervalLevelQuerySchema.optional(),
});

export const LearningRateChartQuerySchema = z
  .strictObject({})
  .describe('No parameters; any query parameter is rejected, as on every other route.');

export const SvgSchema = z.string().describe('A standalone SVG document.');
