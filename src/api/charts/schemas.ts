/**
 * GET /v1/charts/frontier.svg and GET /v1/charts/learning-rate.svg: schemas.
 */
import { z } from 'zod';
import { ObjectiveSchema, StrategySchema } from '../common.js';
import { budgetQuery } from '../frontier/schemas.js';

export const FrontierChartQuerySchema = z.strictObject({
  metric: ObjectiveSchema.default('jft_loss').describe('jft_loss (Figure 2) or imagenet_top1 (Figure 1).'),
  budget: budgetQuery('Mark the recommended plan for this budget').optional(),
  strategy: StrategySchema.optional(),
});

export const LearningRateChartQuerySchema = z
  .strictObject({})
  .describe('No parameters; any query parameter is rejected, as on every other route.');

export const SvgSchema = z.string().describe('A standalone SVG document.');
