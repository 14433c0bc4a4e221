/**
 * POST /v1/fits: the loss surface fitted to a caller's runs.
 */
import { z } from 'zod';
import { MAX_DATASET_IMAGES } from '../../core/cost/costModel.js';
import { MAX_BOOTSTRAP_SAMPLES, MIN_DISTINCT_VALUES_PER_TERM } from '../../core/fits/fitRuns.js';
import {
  MAX_FLOPS_PER_IMAGE,
  MAX_IMAGES_SEEN,
  MAX_LOSS,
  MAX_RUNS,
  MIN_EPOCHS,
  MIN_FLOPS_PER_IMAGE,
  MIN_IMAGES_SEEN,
  MIN_LOSS,
  MIN_RUN_COST_TPU_V4_CORE_HOURS,
  MIN_RUNS,
} from '../../core/fits/runs.js';
import { MAX_EPOCHS, MIN_DATASET_IMAGES } from '../../core/planner/request.js';
import { MAX_BUDGET_TPU_V4_CORE_HOURS } from '../../core/units/budget.js';
import { MAX_MODEL_NAME_LENGTH } from '../common.js';
import { CustomLawEnsembleSchema } from '../plans/schemas.js';

const runModel = z
  .string()
  .min(1)
  .max(MAX_MODEL_NAME_LENGTH)
  .describe('NFNet variant (F is then its FLOPs per image); or flopsPerImage.');
const runFlopsPerImage = z
  .number()
  .min(MIN_FLOPS_PER_IMAGE)
  .max(MAX_FLOPS_PER_IMAGE)
  .describe('Forward FLOPs per image; or model.');
const runEpochs = z
  .number()
  .min(MIN_EPOCHS)
  .max(MAX_EPOCHS)
  .describe('Epochs over the dataset; or imagesSeen.');
const runImagesSeen = z
  .number()
  .min(MIN_IMAGES_SEEN)
  .max(MAX_IMAGES_SEEN)
  .describe('Images seen in training; or epochs.');
/** What a run cost, as a run in POST /v1/fits or an outcome reports it. */
export const RunCostSchema = z
  .number()
  .min(MIN_RUN_COST_TPU_V4_CORE_HOURS)
  .max(MAX_BUDGET_TPU_V4_CORE_HOURS)
  .describe('What the run cost, in TPU-v4 core hours.');
const runResult = {
  costTpuV4CoreHours: RunCostSchema.optional(),
  loss: z.number().min(MIN_LOSS).max(MAX_LOSS).describe('Held-out loss the run reached.'),
};

/** A run gives its size one way (model or flopsPerImage) and its length one way (epochs or imagesSeen). */
export const RunSchema = z
  .union(
    [
      z.strictObject({ model: runModel, epochs: runEpochs, ...runResult }),
      z.strictObject({ model: runModel, imagesSeen: runImagesSeen, ...runResult }),
      z.strictObject({ flopsPerImage: runFlopsPerImage, epochs: runEpochs, ...runResult }),
      z.strictObject({ flopsPerImage: runFlopsPerImage, imagesSeen: runImagesSeen, ...runResult }),
    ],
    { error: 'a run gives a loss, its size (model or flopsPerImage) and its length (epochs or imagesSeen)' },
  )
  .describe(
    'One training run: its size (model or flopsPerImage), its length (epochs or imagesSeen), the loss it reached.',
  )
  .meta({ id: 'Run' });

export const FitsRequestSchema = z
  .strictObject({
    runs: z.array(RunSchema).max(MAX_RUNS).describe(`Your runs: at least ${MIN_RUNS} (fewer is a 422).`),
    datasetImages: z.number().min(MIN_DATASET_IMAGES).max(MAX_DATASET_IMAGES).optional(),
    bootstrap: z
      .strictObject({
        samples: z
          .number()
          .int()
          .min(1)
          .max(MAX_BOOTSTRAP_SAMPLES)
          .optional()
          .describe('Resamples (default 1000).'),
        seed: z
          .number()
          .int()
          .min(0)
          .max(4_294_967_295)
          .optional()
          .describe('Seed: same request, same answer.'),
      })
      .optional()
      .describe('Percentile bootstrap intervals (95%) for every coefficient and exponent.'),
  })
  .describe('Runs to fit the loss surface to.')
  .meta({ id: 'FitRequest' });

const Interval = z.object({ lower: z.number(), upper: z.number() });
const Exponents = z.object({ flopsPerImage: z.number(), costPerEpoch: z.number(), epochs: z.number() });
const Coefficients = z.object({
  E: z.number(),
  A: z.number(),
  B: z.number(),
  alpha: z.number(),
  beta: z.number(),
});

export const FitsResponseSchema = z
  .object({
    formula: z.string(),
    units: z.object({ flopsPerImage: z.string(), imagesSeen: z.string(), value: z.string() }),
    datasetImages: z.number(),
    coefficients: Coefficients,
    quality: z.object({
      n: z.number().int().min(0).max(MAX_RUNS),
      rmseRelative: z.number(),
      r2Log: z.number(),
      maxRelativeError: z.number(),
    }),
    method: z.object({
      huberDelta: z.number(),
      startsTried: z.number().int().min(0).max(1e6),
      objective: z.number(),
    }),
    allocation: z.object({
      exponents: Exponents,
      costLaw: z.object({
        coefficient: z.number(),
        exponent: z.number(),
        source: z.enum(['paper_cost_model', 'runs']),
        modelSizes: z.number().int().min(0).max(MAX_RUNS),
        r2Log: z.number(),
        description: z.string(),
      }),
      source: z.string(),
    }),
    bootstrap: z
      .object({
        samples: z.number().int().min(1).max(MAX_BOOTSTRAP_SAMPLES),
        seed: z.number().int().min(0).max(4_294_967_295),
        level: z.number(),
        method: z.string(),
        coefficients: z.object({ E: Interval, A: Interval, B: Interval, alpha: Interval, beta: Interval }),
        allocationExponents: z
          .object({ flopsPerImage: Interval, costPerEpoch: Interval, epochs: Interval })
          .nullable(),
        samplesWithoutAllocation: z.number().int().min(0).max(MAX_BOOTSTRAP_SAMPLES),
      })
      .optional(),
    rollout: z
      .object({
        heldOutFlopsPerImage: z.number(),
        runsHeldOut: z.number().int().min(1).max(MAX_RUNS),
        rmseRelative: z.number(),
        maxRelativeError: z.number(),
        source: z.string(),
      })
      .optional()
      .describe(
        'The rollout check: the surface fitted without the largest model size, its runs predicted (with 3 or more sizes).',
      ),
    law: z
      .object({
        id: z.string(),
        coefficients: Coefficients,
        ensemble: CustomLawEnsembleSchema.optional(),
      })
      .describe(
        'Send this back verbatim as `law` in POST /v1/plans to plan with your surface; with its `ensemble` (runs on 4 to 32 model sizes), those plans carry intervals and pick shares.',
      ),
    warnings: z
      .array(
        z.object({
          code: z.enum([
            'model_size_term_not_identified',
            'length_term_not_identified',
            'law_without_ensemble',
          ]),
          message: z.string(),
        }),
      )
      .describe(
        `Coefficients your runs do not pin down (each power-law term needs runs on at least ${MIN_DISTINCT_VALUES_PER_TERM} distinct values of its variable), and law_without_ensemble when the law comes without what plans need for intervals, with the reason. Empty when every coefficient is identified and the ensemble made.`,
      ),
    provenance: z.string(),
  })
  .describe('The surface fitted to your runs.')
  .meta({ id: 'Fit' });
