/**
 * Schemas shared by the planner's routes: budgets, model names, training configurations and their predictions.
 * Field names are part of the API contract (issue: planner and REST API v1).
 */
import { z } from 'zod';
import { NFNET_VARIANTS } from '../core/architecture/variants.js';
import { MAX_DATASET_IMAGES } from '../core/cost/costModel.js';
import {
  MAX_BATCH_SIZE,
  MAX_CORES,
  MAX_EPOCHS,
  MAX_PREVIOUS_LEARNING_RATE,
  MIN_DATASET_IMAGES,
  MIN_EPOCHS,
  OBJECTIVES,
  STRATEGIES,
} from '../core/planner/request.js';
import { WARNING_CODES } from '../core/planner/warnings.js';
import { MAX_INTERVAL_LEVEL, MIN_INTERVAL_LEVEL } from '../core/uncertainty/intervals.js';
import {
  ACCELERATORS,
  GPU_ACCELERATORS,
  MAX_UTILIZATION,
  MIN_UTILIZATION,
} from '../core/units/accelerators.js';
import { type BudgetUnit, MAX_BUDGET_AMOUNT, MAX_PEAK_TFLOPS } from '../core/units/budget.js';
import { MAX_ACCELERATOR_COUNT, MAX_PRICE_PER_ACCELERATOR_HOUR } from '../core/units/hardware.js';
import { TPU_V3_BASES } from '../core/units/tpuV3.js';
import { ProfileUsedSchema } from './profileReference.js';

/** Longest model name accepted in a query or a run: the longest variant name is 3 characters; this bounds the echo. */
export const MAX_MODEL_NAME_LENGTH = 20;

export const ModelNameSchema = z
  .enum(NFNET_VARIANTS)
  .describe('NFNet variant: F0..F7 (widths 256/512/1536/1536) or F0+..F7+ (widths 384/768/2048/2048).')
  .meta({ id: 'ModelName' });

const budgetAmount = z
  .number()
  .positive()
  .max(MAX_BUDGET_AMOUNT)
  .describe(
    'How much compute, in `unit`. After conversion it must lie between 1 and 1e9 TPU-v4 core hours (the paper studied 400 to 110k).',
  );

/** A budget in a unit that takes no option. */
const plainBudget = <Unit extends BudgetUnit>(unit: Unit, description: string) =>
  z.strictObject({ amount: budgetAmount, unit: z.literal(unit) }).describe(description);

/**
 * A compute budget, one branch per unit, told apart by `unit`: each unit takes only its own options (a GPU for
 * gpu_hours, a conversion basis for tpu_v3_core_hours), so a client's types refuse an option the server would.
 */
export const BudgetSchema = z
  .discriminatedUnion('unit', [
    plainBudget('tpu_v4_core_hours', 'TPU-v4 core hours, as in the paper.'),
    plainBudget('tpu_v4_chip_hours', 'TPU-v4 chip hours (2 cores per chip).'),
    z
      .strictObject({
        amount: budgetAmount,
        unit: z.literal('tpu_v3_core_hours'),
        tpuV3Basis: z
          .enum(TPU_V3_BASES)
          .optional()
          .describe(
            "vit (default; the paper's own conversions, measured on ViT-g/14, ViT-G/14 and SoViT-400m/14: ~0.566 TPU-v4 per TPU-v3 core hour) or nfnet_f7plus (opt-in; the paper's unexplained F7+ estimate, 110k v4 per 250k v3).",
          ),
      })
      .describe(
        "TPU-v3 core hours, converted by the paper's own measured conversions (or the F7+ estimate).",
      ),
    plainBudget(
      'flops',
      "Total training FLOPs, spent as 3 x each model's forward FLOPs per image x images seen.",
    ),
    z
      .strictObject({
        amount: budgetAmount,
        unit: z.literal('gpu_hours'),
        accelerator: z
          .enum(GPU_ACCELERATORS)
          .optional()
          .describe('a100 (312 TFLOP/s dense bf16 peak), h100 or h200 (989), b200 (2250); or peakTflops.'),
        peakTflops: z
          .number()
          .positive()
          .max(MAX_PEAK_TFLOPS)
          .optional()
          .describe('Dense bf16 peak of another accelerator, TFLOP/s (instead of accelerator).'),
        utilization: z
          .number()
          .min(MIN_UTILIZATION)
          .max(MAX_UTILIZATION)
          .optional()
          .describe("Fraction of peak sustained; default the NFNet family's measured TPU-v4 utilization."),
      })
      .describe(
        'GPU hours (give accelerator or peakTflops), spent as the training FLOPs those hours deliver.',
      ),
  ])
  .describe('A compute budget in one of five units.')
  .meta({ id: 'Budget' });

export const ConstraintsSchema = z
  .strictObject({
    models: z
      .array(ModelNameSchema)
      .min(1)
      .max(NFNET_VARIANTS.length)
      .optional()
      .describe('Only these variants may be recommended (default: all 16).'),
    minEpochs: z.number().min(0).max(MAX_EPOCHS).optional().describe('Fewest epochs over the dataset.'),
    maxEpochs: z
      .number()
      .min(MIN_EPOCHS)
      .max(MAX_EPOCHS)
      .optional()
      .describe('Most epochs over the dataset.'),
    datasetImages: z
      .number()
      .min(MIN_DATASET_IMAGES)
      .max(MAX_DATASET_IMAGES)
      .optional()
      .describe('Images in one epoch of your dataset (default JFT-4B, 4.0e9).'),
  })
  .describe('Limits on the recommendation.')
  .meta({ id: 'Constraints' });

export const ObjectiveSchema = z
  .enum(OBJECTIVES)
  .describe('What to optimise: JFT-4B held-out loss (default) or ImageNet top-1 after fine-tuning.')
  .meta({ id: 'Objective' });
export const StrategySchema = z
  .enum(STRATEGIES)
  .describe(
    "equal_rate (default): the paper's rule, model size and epochs scale at the same rate, 1 epoch at 5k core hours. fitted: the lowest predicted objective from the fitted laws.",
  )
  .meta({ id: 'Strategy' });

export const BatchSizeSchema = z
  .number()
  .int()
  .min(1)
  .max(MAX_BATCH_SIZE)
  .describe('Images per step (default 4096, as in the paper).');
export const CoresSchema = z.number().int().min(1).max(MAX_CORES).describe('TPU-v4 cores the run will use.');

export const HardwareSchema = z
  .strictObject({
    cores: CoresSchema.optional().describe(
      'TPU-v4 cores (the same as accelerator tpu_v4_core with this count).',
    ),
    accelerator: z
      .enum(ACCELERATORS)
      .optional()
      .describe('The device the run will use: TPU v4/v5p chips or cores, TPU v5e/v6e chips, or a GPU.'),
    count: z.number().int().min(1).max(MAX_ACCELERATOR_COUNT).optional().describe('How many of them.'),
    utilization: z
      .number()
      .min(MIN_UTILIZATION)
      .max(MAX_UTILIZATION)
      .optional()
      .describe(
        "Fraction of peak sustained (not for TPU-v4, whose cost the paper measured); default the NFNet family's TPU-v4 utilization.",
      ),
    pricePerAcceleratorHour: z
      .number()
      .positive()
      .max(MAX_PRICE_PER_ACCELERATOR_HOUR)
      .optional()
      .describe('Price of one device for one hour, in any currency; gives each run its price.'),
  })
  .describe('Your hardware, for the wall clock and the price: cores, or accelerator and count.')
  .meta({ id: 'Hardware' });

export const ResolvedHardwareSchema = z
  .object({
    accelerator: z.enum(ACCELERATORS),
    count: z.number().int().min(1).max(MAX_ACCELERATOR_COUNT),
    peakTflopsPerAccelerator: z.number().describe('Dense bf16 peak of one device (vendor documentation).'),
    utilization: z
      .number()
      .optional()
      .describe('Fraction of peak assumed (absent on TPU-v4: measured cost).'),
    pricePerAcceleratorHour: z.number().optional(),
    basis: z.string().describe('How the wall clock is computed, with sources.'),
  })
  .describe('The hardware as understood.')
  .meta({ id: 'ResolvedHardware' });
export const PreviousLearningRateSchema = z
  .number()
  .positive()
  .max(MAX_PREVIOUS_LEARNING_RATE)
  .describe(
    'The optimal learning rate found for a smaller configuration; the trials become it and half of it.',
  );

export const IntervalSchema = z
  .object({ lower: z.number(), upper: z.number() })
  .describe('An interval at the level stated in the response (uncertainty.level).')
  .meta({ id: 'Interval' });

export const PredictionsSchema = z
  .object({
    jftValidationLoss: z
      .number()
      .describe('Predicted JFT-4B held-out loss (fitted loss surface), at most ln 30000 (a uniform guess).'),
    jftValidationLossConfidenceInterval: IntervalSchema.optional().describe(
      "Where the law's value lies given the data's uncertainty: quantiles of the ensemble members' predictions.",
    ),
    jftValidationLossPredictionInterval: IntervalSchema.optional().describe(
      "Where one new run's measured loss may fall: the confidence interval with the law's residual scatter added.",
    ),
    imagenetTop1Percent: z
      .number()
      .describe(
        "Predicted ImageNet top-1 (%) after the paper's fine-tuning (fitted fine-tuning law), at least 0.1 (chance).",
      ),
    imagenetTop1PercentConfidenceInterval: IntervalSchema.optional().describe(
      "The fine-tuning law's value given the data's uncertainty (ensemble quantiles).",
    ),
    imagenetTop1PercentPredictionInterval: IntervalSchema.optional().describe(
      "Where one new run's top-1 may fall: the confidence interval with the law's residual scatter added.",
    ),
  })
  .describe('Predictions of the fitted laws for this configuration.')
  .meta({ id: 'Predictions' });

export const LearningRateSchema = z
  .object({
    value: z
      .number()
      .describe(
        "Base learning rate to start with: the law's optimum on the paper's factor-2 grid at batch 4096, scaled by batchSize / 4096.",
      ),
    trials: z
      .array(z.number())
      .length(2)
      .readonly()
      .describe('The two learning rates to try (the paper tunes within 2 trials).'),
    schedule: z.string().describe('The schedule the rate is for.'),
  })
  .describe('Learning rate from the fitted Figure 3 law.')
  .meta({ id: 'LearningRate' });

export const ModelSummarySchema = z
  .object({
    name: ModelNameSchema,
    params: z.number().int().min(0).max(1e13).describe('Parameters at 224 px and 30k classes.'),
    flopsPerImage: z.number().describe('Forward FLOPs per 224 px image (2 x MACs).'),
    costPerEpochTpuV4CoreHours: z
      .number()
      .describe(
        'TPU-v4 core hours for one epoch of the dataset, from the family cost law (every variant alike).',
      ),
    trainedInPaper: z
      .boolean()
      .describe('One of the six variants the paper trained (F0, F1, F3, F3+, F7, F7+).'),
  })
  .describe('A variant, as recommended.')
  .meta({ id: 'ModelSummary' });

export const TrainingConfigurationSchema = z
  .object({
    model: ModelSummarySchema,
    epochs: z.number().describe('Epochs over the dataset.'),
    imagesSeen: z.number().describe('epochs x dataset images.'),
    steps: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('ceil(imagesSeen / batchSize).'),
    batchSize: BatchSizeSchema,
    learningRate: LearningRateSchema,
    predicted: PredictionsSchema,
    costTpuV4CoreHours: z.number().describe('Pre-training cost on TPU-v4.'),
    trainingFlops: z.number().describe('Training FLOPs: 3 x forward FLOPs per image x images seen.'),
    finetuneCostTpuV4CoreHours: z
      .number()
      .describe('ImageNet fine-tuning cost: 1.6k for F7+ (stated), scaled by FLOPs at 384 px.'),
    wallClockHours: z
      .number()
      .optional()
      .describe(
        'On the given hardware: TPU-v4 cost / cores on TPU-v4, else training FLOPs / (count x peak x utilization).',
      ),
    acceleratorHours: z.number().optional().describe('wallClockHours x count.'),
    price: z.number().optional().describe('acceleratorHours x hardware.pricePerAcceleratorHour, when given.'),
    pickShare: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        "In a plan: the share of the ensemble's members under which this run is the best of the candidates, by the plan's objective (an alternative listed for the other objective is scored by the plan's, not its own).",
      ),
  })
  .describe('A training run: the model, epochs, learning rate, predictions, cost and time.')
  .meta({ id: 'Configuration' });

export const IntervalLevelSchema = z
  .number()
  .min(MIN_INTERVAL_LEVEL)
  .max(MAX_INTERVAL_LEVEL)
  .describe('Level of the confidence and prediction intervals (default 0.9).');

/** intervalLevel as a query parameter: text coerced to a number, held to the body field's bounds, which the document states. */
export const IntervalLevelQuerySchema = z.coerce
  .number()
  .min(MIN_INTERVAL_LEVEL)
  .max(MAX_INTERVAL_LEVEL)
  .describe(IntervalLevelSchema.description ?? '');

export const UncertaintySchema = z
  .object({
    level: z.number().describe('Level of every interval in this response.'),
    members: z.number().int().min(1).max(100_000).describe("Members of the ensemble of the paper's laws."),
    seed: z.number().int().describe('The seed the ensemble was drawn with: the same on every pod.'),
    resampling: z.string().describe('How the members were made.'),
  })
  .describe(
    "How the intervals and pick shares were made (present when the ensemble is ready and the paper's laws are used).",
  )
  .meta({ id: 'Uncertainty' });

export const WarningSchema = z
  .object({
    code: z.enum(WARNING_CODES).describe('Stable machine-readable code.'),
    message: z.string().describe('What it means, for a person.'),
  })
  .describe('Where a result leaves what the paper measured.')
  .meta({ id: 'Warning' });

export const ConfigurationProvenanceSchema = z
  .object({
    costPerEpoch: z.string(),
    jftValidationLoss: z.string(),
    imagenetTop1Percent: z.string(),
    learningRate: z.string(),
    finetuneCost: z.string(),
    lossLawId: z
      .string()
      .describe("Id of the JFT loss law used: jft_loss_surface, or the id of a caller's law."),
    profile: ProfileUsedSchema.optional().describe('Set when the request named a profile.'),
  })
  .describe('Where each number of a configuration comes from.')
  .meta({ id: 'ConfigurationProvenance' });

export const ConvertedBudgetSchema = z
  .object({
    tpuV4CoreHours: z.number().describe('The budget in TPU-v4 core hours.'),
    requested: BudgetSchema,
    basis: z.string().describe('How it was converted, in words, with sources.'),
    trainingFlops: z
      .number()
      .optional()
      .describe(
        "flops and gpu_hours budgets: the training FLOPs they buy, spent at each model's own FLOPs per image.",
      ),
  })
  .describe(
    'A budget in TPU-v4 core hours, with the budget as sent (requested) and the basis of the conversion.',
  )
  .meta({ id: 'ConvertedBudget' });
