/**
 * POST /v1/plans and /v1/plans/batch: request and response schemas (field names are the API contract).
 */
import { z } from 'zod';
import {
  MAX_ENSEMBLE_MODEL_SIZES,
  MAX_HELD_OUT_LENGTH,
  MAX_LAW_COEFFICIENT,
  MAX_LAW_EXPONENT,
  MAX_LAW_GAMMA,
  MAX_LAW_ID_LENGTH,
  MAX_RESIDUAL_LOG_SD,
  MIN_ENSEMBLE_MODEL_SIZES,
  MIN_LAW_GAMMA,
} from '../../core/planner/customLaw.js';
import {
  BatchSizeSchema,
  BudgetSchema,
  ConfigurationProvenanceSchema,
  ConstraintsSchema,
  ConvertedBudgetSchema,
  HardwareSchema,
  IntervalLevelSchema,
  IntervalSchema,
  ObjectiveSchema,
  PreviousLearningRateSchema,
  ResolvedHardwareSchema,
  StrategySchema,
  TrainingConfigurationSchema,
  UncertaintySchema,
  WarningSchema,
} from '../common.js';
import { ProblemSchema } from '../problem.js';
import { IdSchema, ProfileReferenceSchema } from '../profileReference.js';

const positiveCoefficient = z.number().positive().max(MAX_LAW_COEFFICIENT);
const SurfaceCoefficientsSchema = z
  .strictObject({
    E: positiveCoefficient.describe('Irreducible loss.'),
    A: positiveCoefficient.describe('Model-size term coefficient (F in FLOPs per image).'),
    B: positiveCoefficient.describe('Data term coefficient (D in images seen).'),
    alpha: z.number().positive().max(MAX_LAW_EXPONENT).describe('Model-size exponent.'),
    beta: z.number().positive().max(MAX_LAW_EXPONENT).describe('Data exponent.'),
    gamma: z
      .number()
      .min(MIN_LAW_GAMMA)
      .max(MAX_LAW_GAMMA)
      .optional()
      .describe('Joint exponent of the two terms (default 1, the additive form).'),
  })
  .describe('L(F, D) = E + (A / F^alpha + B / D^beta)^gamma; gamma 1 is the additive form.')
  .meta({ id: 'LawCoefficients' });

export const CustomLawEnsembleSchema = z
  .strictObject({
    leaveOneModelOut: z
      .array(
        z.strictObject({
          heldOut: z
            .string()
            .min(1)
            .max(MAX_HELD_OUT_LENGTH)
            .describe('The model size left out (POST /v1/fits names it by its forward FLOPs per image).'),
          coefficients: SurfaceCoefficientsSchema,
        }),
      )
      .min(MIN_ENSEMBLE_MODEL_SIZES)
      .max(MAX_ENSEMBLE_MODEL_SIZES)
      .describe('The surface refitted without each model size’s runs: the cluster jackknife’s fits.'),
    residualLogSd: z
      .number()
      .min(0)
      .max(MAX_RESIDUAL_LOG_SD)
      .describe('Standard deviation of a run’s log loss around the surface, sqrt(sum r^2 / (n - 5)).'),
  })
  .describe(
    'What plans made with this law need for intervals and pick shares: 200 members are mixed from these fits with the paper ensemble’s seed.',
  )
  .meta({ id: 'LawEnsemble' });

export const CustomLawSchema = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .max(MAX_LAW_ID_LENGTH)
      .optional()
      .describe('A name for the law, echoed in provenance.lossLawId.'),
    coefficients: SurfaceCoefficientsSchema,
    ensemble: CustomLawEnsembleSchema.optional(),
  })
  .describe(
    "Plan with your own JFT-style loss surface instead of the paper's (send the `law` POST /v1/fits returned).",
  )
  .meta({ id: 'Law' });

export const PlanRequestSchema = z
  .strictObject({
    budget: BudgetSchema,
    objective: ObjectiveSchema.optional(),
    strategy: StrategySchema.optional(),
    constraints: ConstraintsSchema.optional(),
    hardware: HardwareSchema.optional(),
    batchSize: BatchSizeSchema.optional(),
    previousOptimalLearningRate: PreviousLearningRateSchema.optional(),
    law: CustomLawSchema.optional(),
    intervalLevel: IntervalLevelSchema.optional(),
    profile: ProfileReferenceSchema.optional(),
    record: z
      .boolean()
      .optional()
      .describe(
        "Store the plan (needs a key with scope write): the answer is 201 with its `id` and a Location; post the run's outcome against the id.",
      ),
  })
  .describe('What to plan: a budget, and optionally an objective, a strategy, constraints and hardware.')
  .meta({ id: 'PlanRequest' });

const AlternativeSchema = TrainingConfigurationSchema.extend({
  reason: z
    .enum([
      'smaller_neighbour',
      'larger_neighbour',
      'other_strategy',
      'other_objective',
      'best_predicted',
      'runner_up',
    ])
    .describe(
      "Why it is listed: the next smaller or larger variant (by FLOPs per image) at the same budget; the pick of the other strategy or of the other objective; or (fitted) the lowest prediction, when a near tie was settled in favour of a run inside the paper's measured range.",
    ),
  strategy: StrategySchema,
  objective: ObjectiveSchema,
})
  .describe('Another configuration worth considering at the same budget.')
  .meta({ id: 'Alternative' });

export const PlanSchema = z
  .object({
    id: IdSchema.optional().describe('With record: true, the id the plan is stored under.'),
    uncertainty: UncertaintySchema.optional(),
    budget: ConvertedBudgetSchema,
    objective: ObjectiveSchema,
    strategy: StrategySchema,
    ideal: z
      .object({
        epochs: z.number().describe('Ideal epochs over the dataset under the strategy.'),
        costPerEpochTpuV4CoreHours: z.number().describe('Ideal cost of one epoch: the model size, in cost.'),
        flopsPerImage: z
          .number()
          .describe(
            'Ideal forward FLOPs per image (may lie between variants); equal_rate recommends the variant nearest it in log FLOPs.',
          ),
        source: z.string().describe('The rule or fitted law it comes from.'),
        epochsInterval: IntervalSchema.optional().describe("The ensemble's interval on the ideal epochs."),
        costPerEpochTpuV4CoreHoursInterval: IntervalSchema.optional(),
        flopsPerImageInterval: IntervalSchema.optional().describe(
          "The ensemble members' ideal sizes (equal_rate for jft_loss: the stated rule, so the point).",
        ),
      })
      .describe('The allocation the strategy would make if any model size existed.'),
    recommendation: TrainingConfigurationSchema,
    alternatives: z.array(AlternativeSchema),
    hardware: ResolvedHardwareSchema.optional(),
    warnings: z.array(WarningSchema).describe('Where the plan leaves what the paper measured.'),
    provenance: ConfigurationProvenanceSchema.extend({
      paper: z.string(),
      budget: z.string(),
      ideal: z.string(),
      pick: z.string().describe('The rule that chose the recommendation among the variants.'),
      hardware: z.string().optional().describe('How the wall clock is computed on the given hardware.'),
    }).describe('Where each number comes from: digitized data, stated facts or fitted laws (by id).'),
  })
  .describe(
    'A pre-training plan: the run to launch (recommendation), the ideal allocation, alternatives, warnings.',
  )
  .meta({ id: 'Plan' });

export const MAX_BATCH_ITEMS = 1000;

/**
 * What POST /v1/plans/batch validates as a whole: a list of 1 to 1,000 objects. Each item is then checked on its own
 * (a bad item is a problem in its slot, not a failed batch), so the route validates with this, while the document and
 * the types say what an item must be (BatchRequestSchema).
 */
export const BatchEnvelopeSchema = z.strictObject({
  profile: ProfileReferenceSchema.optional(),
  items: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_BATCH_ITEMS),
});

export const BatchRequestSchema = z
  .strictObject({
    profile: ProfileReferenceSchema.optional().describe(
      'Plan every item against this profile (items may not name one of their own). Needs a key with scope read.',
    ),
    items: z
      .array(PlanRequestSchema)
      .min(1)
      .max(MAX_BATCH_ITEMS)
      .describe(
        'Up to 1,000 plan requests, each shaped like the body of POST /v1/plans. Each is validated on its own: a bad item yields a problem in its slot, not a failed batch.',
      ),
  })
  .describe('Many plan requests at once.')
  .meta({ id: 'BatchRequest' });

export const BatchItemSchema = z
  .union([PlanSchema, ProblemSchema])
  .describe('One item of a batch: its plan, or the problem (with its status) that item met.')
  .meta({ id: 'BatchItem' });

export const BatchResponseSchema = z
  .object({
    results: z
      .array(BatchItemSchema)
      .describe(
        'One entry per item, in order: a plan, or a problem object (with status) for an item that failed.',
      ),
    succeeded: z.number().int().min(0).max(MAX_BATCH_ITEMS),
    failed: z.number().int().min(0).max(MAX_BATCH_ITEMS),
  })
  .describe('Batch results.')
  .meta({ id: 'BatchResponse' });
