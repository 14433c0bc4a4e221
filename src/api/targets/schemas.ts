/**
 * POST /v1/targets: the smallest budget for a target loss or top-1.
 */
import { z } from 'zod';
import { MAX_TARGET_JFT_VALIDATION_LOSS } from '../../core/targets/target.js';
import {
  BatchSizeSchema,
  ConstraintsSchema,
  HardwareSchema,
  IntervalLevelSchema,
  ObjectiveSchema,
  PreviousLearningRateSchema,
  StrategySchema,
} from '../common.js';
import { CustomLawSchema, PlanSchema } from '../plans/schemas.js';
import { ProfileReferenceSchema } from '../profileReference.js';

export const LossTargetSchema = z
  .strictObject({
    jftValidationLoss: z
      .number()
      .positive()
      .max(MAX_TARGET_JFT_VALIDATION_LOSS)
      .describe('Reach this JFT-4B held-out loss.'),
  })
  .describe('A JFT-4B held-out loss to reach.')
  .meta({ id: 'LossTarget' });

export const Top1TargetSchema = z
  .strictObject({
    // No upper bound here: above 100% is a target no budget reaches, which the core answers with a 422 that states
    // the reachable limit, not a 400.
    imagenetTop1Percent: z
      .number()
      .positive()
      .describe('Reach this ImageNet top-1 (%) after fine-tuning; at or above the reachable limit is a 422.'),
  })
  .describe('An ImageNet top-1 accuracy (%) after fine-tuning to reach.')
  .meta({ id: 'Top1Target' });

export const TargetRequestSchema = z
  .strictObject({
    target: z
      .union([LossTargetSchema, Top1TargetSchema], {
        error: 'give exactly one of jftValidationLoss and imagenetTop1Percent',
      })
      .describe('Exactly one of jftValidationLoss and imagenetTop1Percent.'),
    objective: ObjectiveSchema.optional().describe("What the plans optimise (default: the target's kind)."),
    strategy: StrategySchema.optional(),
    constraints: ConstraintsSchema.optional(),
    // The run's setup changes no budget, only what the plan at the budget found says of it: wall clock, price and the
    // learning rate at the run's batch size.
    hardware: HardwareSchema.optional(),
    batchSize: BatchSizeSchema.optional(),
    previousOptimalLearningRate: PreviousLearningRateSchema.optional(),
    law: CustomLawSchema.optional(),
    intervalLevel: IntervalLevelSchema.optional().describe(
      "Level of the budget's interval (byLaw) and of the plan's intervals (default 0.9).",
    ),
    profile: ProfileReferenceSchema.optional(),
  })
  .describe('A target to reach at the smallest budget.')
  .meta({ id: 'TargetRequest' });

const LawBudgetSchema = z.object({
  method: z.enum(['surface_compute_optimal', 'frontier_power_law', 'finetune_compute_optimal']),
  tpuV4CoreHours: z.number(),
  withinAcceptedBudgets: z.boolean(),
  withinFittedRange: z
    .boolean()
    .describe('Inside the compute range the law was fitted on (else extrapolated).'),
  tpuV4CoreHoursInterval: z
    .object({ lower: z.number(), upper: z.number() })
    .optional()
    .describe(
      "byLaw only: the budget's interval over the ensemble's members at the request's intervalLevel (absent when some fit without a model never reaches the target).",
    ),
  source: z.string(),
});

export const TargetResponseSchema = z
  .object({
    target: z.object({
      kind: z.enum(['jft_validation_loss', 'imagenet_top1_percent']),
      jftValidationLoss: z.number().optional(),
      imagenetTop1Percent: z.number().optional(),
    }),
    objective: ObjectiveSchema,
    byLaw: LawBudgetSchema.describe(
      'The budget by the surface the planner uses (JFT loss surface for a loss, fine-tuning surface for top-1) at its compute optimum over a continuum of model sizes.',
    ),
    frontierPowerLaw: LawBudgetSchema.optional().describe(
      'Loss targets with the paper laws: the frontier L* = a C^-b fitted to Figure 2’s lower envelope (the paper’s log-log claim).',
    ),
    agreement: z
      .object({
        byLawOverByPlanner: z.number(),
        frontierPowerLawOverByPlanner: z.number().optional(),
      })
      .describe('Each law’s budget over the planner’s (1 is agreement).'),
    byPlanner: z
      .object({
        tpuV4CoreHours: z
          .number()
          .describe(
            "The smallest budget whose plan meets the target. Under equal_rate the plan's prediction is not monotone in the budget: where the pick switches to a larger model it trains fewer epochs, so a somewhat larger budget can miss the target again.",
          ),
        crossing: z
          .enum(['continuous', 'model_switch', 'smallest_budget'])
          .describe('continuous: met exactly there; model_switch: met where the recommended model changes.'),
        plansEvaluated: z.number().int().min(0).max(1_000_000),
        plan: PlanSchema,
      })
      .describe('The budget found by planning (the fitted surface through the planner), with its plan.'),
    source: z.string(),
  })
  .describe('The smallest budget for a target, two ways.')
  .meta({ id: 'TargetBudget' });
