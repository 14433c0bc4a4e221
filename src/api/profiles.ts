/**
 * Profiles (a team's named calibration: its runs, the surface fitted to them, a version history), the outcomes of
 * runs planned with them, and the calibration report: request and response schemas and examples.
 */
import { z } from 'zod';
import type { RunsFit } from '../core/fits/fitRuns.js';
import { MAX_LOSS, MIN_EPOCHS, MIN_LOSS } from '../core/fits/runs.js';
import { MAX_EPOCHS } from '../core/planner/request.js';
import { IntervalSchema } from './common.js';
import { responseExamples } from './examples.js';
import { FITS_REQUEST_EXAMPLE } from './fits/examples.js';
import { FitsRequestSchema, FitsResponseSchema, RunCostSchema } from './fits/schemas.js';
import { IdSchema, ProfileNameSchema } from './profileReference.js';

/** The stored answer of POST /v1/fits to its example request (src/api/examples.ts), as a profile version holds it. */
const FITS_EXAMPLE = responseExamples('fitRuns')[0] as RunsFit;

const Timestamp = z.string().describe('ISO 8601, UTC.');
const VersionNumber = z.number().int().min(1).max(999_999_999);

const CalibrationInputFields = {
  description: z.string().max(500).optional().describe('What the runs are: dataset, recipe, hardware.'),
  runs: FitsRequestSchema.shape.runs,
  datasetImages: FitsRequestSchema.shape.datasetImages,
  bootstrap: FitsRequestSchema.shape.bootstrap,
};

export const ProfileCreateSchema = z
  .strictObject({ name: ProfileNameSchema, ...CalibrationInputFields })
  .describe('A new profile: its runs are fitted (as POST /v1/fits) into version 1.');

export const ProfileUpdateSchema = z
  .strictObject(CalibrationInputFields)
  .describe('The runs (and options) of the next version; they are fitted again. Send If-Match.');

export const ProfileSchema = z
  .object({
    name: ProfileNameSchema,
    version: VersionNumber.describe('This version; each refit makes a new, immutable one.'),
    latestVersion: VersionNumber,
    description: z.string().optional(),
    createdAt: Timestamp.describe('When the profile was created.'),
    versionCreatedAt: Timestamp.describe('When this version was fitted.'),
    runs: FitsRequestSchema.shape.runs,
    datasetImages: z.number().optional(),
    bootstrap: FitsRequestSchema.shape.bootstrap,
    fit: FitsResponseSchema.describe(
      'The POST /v1/fits answer for these runs; plans against the profile use its `law`, exactly as a plan sent with that `law`.',
    ),
  })
  .describe('One version of a profile.');

export const ProfileSummarySchema = z.object({
  name: ProfileNameSchema,
  version: VersionNumber,
  description: z.string().optional(),
  createdAt: Timestamp,
  versionCreatedAt: Timestamp,
  runCount: z.number().int().min(0),
  law: FitsResponseSchema.shape.law,
});

export const MAX_PAGE_SIZE = 100;

export const ProfileListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe('Page size (default 20).'),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page, as given (opaque).'),
});

export const ProfileListSchema = z
  .object({
    items: z.array(ProfileSummarySchema).describe("Your team's profiles by name, latest versions."),
    nextCursor: z.string().optional().describe('Present when there are more: send it as `cursor`.'),
  })
  .describe('A page of profiles.');

export const ProfileParamsSchema = z.strictObject({ name: ProfileNameSchema });
export const ProfileVersionParamsSchema = z.strictObject({
  name: ProfileNameSchema,
  version: z.coerce.number().int().min(1).max(999_999_999).describe('A version number, from 1.'),
});
export const OutcomeParamsSchema = z.strictObject({
  name: ProfileNameSchema,
  id: IdSchema.describe('The id POST /v1/profiles/{name}/outcomes returned.'),
});

export const IfMatchHeadersSchema = z.object({
  'if-match': z
    .string()
    .max(1000)
    .optional()
    .describe('The ETag of the latest version, as a GET answered it (or *).'),
});

export const ProfileDeletedSchema = z
  .object({
    name: ProfileNameSchema,
    deletedVersions: VersionNumber.describe('Versions deleted with it.'),
  })
  .describe('What was deleted.');

export const OutcomeCreateSchema = z
  .strictObject({
    planId: IdSchema.optional().describe('The id POST /v1/plans returned with record: true.'),
    model: z.string().min(1).max(20).describe('NFNet variant trained.'),
    // A run's bounds (POST /v1/fits), so the calibration report can evaluate the profile's law at it and the run can
    // join the profile's runs.
    epochs: z
      .number()
      .min(MIN_EPOCHS)
      .max(MAX_EPOCHS)
      .describe("Epochs trained, over the profile's dataset."),
    loss: z.number().min(MIN_LOSS).max(MAX_LOSS).describe('Held-out loss reached.'),
    imagenetTop1Percent: z.number().min(0).max(100).optional(),
    costTpuV4CoreHours: RunCostSchema.optional(),
    addToRuns: z
      .boolean()
      .optional()
      .describe("Also add the run to the profile's runs and refit: the profile gets a new version."),
  })
  .describe('What a run trained with a plan reached.');

export const OutcomeSchema = OutcomeCreateSchema.omit({ addToRuns: true })
  .extend({
    id: IdSchema,
    profileVersion: VersionNumber.describe(
      "The version whose law predicts this outcome: its plan's, or the latest.",
    ),
    createdAt: Timestamp,
    refittedVersion: VersionNumber.optional().describe('With addToRuns: the version the run was added in.'),
  })
  .describe('A recorded outcome.');

const CalibrationEntrySchema = z.object({
  outcomeId: IdSchema,
  planId: IdSchema.optional(),
  model: z.string(),
  epochs: z.number(),
  profileVersion: VersionNumber,
  observed: z.object({
    jftValidationLoss: z.number(),
    imagenetTop1Percent: z.number().optional(),
    costTpuV4CoreHours: z.number().optional(),
  }),
  predicted: z.object({
    jftValidationLoss: z.number(),
    jftValidationLossPredictionInterval: IntervalSchema.optional(),
    imagenetTop1Percent: z
      .number()
      .optional()
      .describe("By the paper's fine-tuning law (a profile calibrates the JFT loss only)."),
    imagenetTop1PercentPredictionInterval: IntervalSchema.optional(),
    costTpuV4CoreHours: z.number().optional().describe('What the plan or the cost law put the run at.'),
    source: z
      .enum(['plan', 'profile_law'])
      .describe(
        "plan: the recorded plan's prediction for this model and epochs; profile_law: the version's law evaluated at them.",
      ),
  }),
  error: z.object({
    jftValidationLoss: z.number().describe('observed - predicted.'),
    relative: z.number().describe('(observed - predicted) / observed.'),
    imagenetTop1Percent: z
      .number()
      .optional()
      .describe('observed - predicted, in percentage points (when the outcome gave top-1).'),
    costRelative: z
      .number()
      .optional()
      .describe('(observed - predicted) / observed cost (when the outcome gave its cost).'),
  }),
  covered: z
    .boolean()
    .optional()
    .describe('Whether the prediction interval held the observed loss (when the prediction had one).'),
  top1Covered: z
    .boolean()
    .optional()
    .describe('Whether the top-1 prediction interval held the observed top-1 (when both are there).'),
});

const CoverageSchema = z
  .object({
    n: z.number().int().min(0).describe('Outcomes whose prediction carried an interval.'),
    covered: z.number().int().min(0),
    coverage: z.number().min(0).max(1).describe('covered / n; compare with the level the plans asked for.'),
  })
  .nullable()
  .describe('Null when no prediction carried an interval.');

export const CalibrationSchema = z
  .object({
    profile: z.object({ name: ProfileNameSchema, latestVersion: VersionNumber }),
    outcomes: z.array(CalibrationEntrySchema).describe('Every recorded outcome, oldest first.'),
    summary: z.object({
      n: z.number().int().min(0),
      meanRelativeError: z
        .number()
        .nullable()
        .describe('Mean of (observed - predicted) / observed: the bias.'),
      meanAbsoluteRelativeError: z.number().nullable(),
      rmseRelative: z.number().nullable(),
      intervals: CoverageSchema,
      imagenetTop1: z
        .object({
          n: z.number().int().min(0),
          meanError: z
            .number()
            .nullable()
            .describe('Mean of observed - predicted, percentage points: the bias.'),
          meanAbsoluteError: z.number().nullable(),
          rmse: z.number().nullable(),
          intervals: CoverageSchema,
        })
        .nullable()
        .describe('Over the outcomes that gave top-1; null when none did.'),
      cost: z
        .object({
          n: z.number().int().min(0),
          meanRelativeError: z
            .number()
            .nullable()
            .describe(
              'Mean of (observed - predicted) / observed: positive when runs cost more than planned.',
            ),
          meanAbsoluteRelativeError: z.number().nullable(),
          rmseRelative: z.number().nullable(),
        })
        .nullable()
        .describe('Over the outcomes that gave their cost; null when none did.'),
    }),
    source: z.string(),
  })
  .describe('Predicted against observed for every recorded outcome of the profile.');

export const PROFILE_CREATE_EXAMPLE = {
  name: 'vision',
  description: 'NFNet F0-F3 on our 300M-image set',
  ...FITS_REQUEST_EXAMPLE,
} as const;

export const PROFILE_EXAMPLE = {
  name: 'vision',
  version: 1,
  latestVersion: 1,
  description: 'NFNet F0-F3 on our 300M-image set',
  createdAt: '2026-12-05T20:00:00.000Z',
  versionCreatedAt: '2026-12-05T20:00:00.000Z',
  runs: FITS_REQUEST_EXAMPLE.runs,
  bootstrap: FITS_REQUEST_EXAMPLE.bootstrap,
  fit: FITS_EXAMPLE,
} as const;

export const OUTCOME_CREATE_EXAMPLE = {
  planId: '0f8c1c56-2f43-4d55-9a4c-3f1f3f7b9d10',
  model: 'F3',
  epochs: 2,
  loss: 2.57,
  costTpuV4CoreHours: 9800,
} as const;

export const OUTCOME_EXAMPLE = {
  ...OUTCOME_CREATE_EXAMPLE,
  id: '6a0f9a2e-7d0a-4a58-8f8e-2f7b1c9d3e41',
  profileVersion: 1,
  createdAt: '2026-12-06T08:00:00.000Z',
} as const;

export const PROFILE_LIST_EXAMPLE = {
  items: [
    {
      name: PROFILE_EXAMPLE.name,
      version: 1,
      description: PROFILE_EXAMPLE.description,
      createdAt: PROFILE_EXAMPLE.createdAt,
      versionCreatedAt: PROFILE_EXAMPLE.versionCreatedAt,
      runCount: PROFILE_EXAMPLE.runs.length,
      law: FITS_EXAMPLE.law,
    },
  ],
  nextCursor: 'eyJhZnRlciI6InZpc2lvbiJ9',
} as const;

/** How the calibration report's numbers are made, stated in every report. */
export const CALIBRATION_SOURCE =
  "JFT loss and cost: relative error (observed - predicted) / observed per outcome; ImageNet top-1: observed - predicted in percentage points, predicted by the paper's fine-tuning law; coverage: the share of prediction intervals holding the observed value (core/calibration/calibrationSummary.ts)";

export const CALIBRATION_EXAMPLE = {
  profile: { name: 'vision', latestVersion: 1 },
  outcomes: [
    {
      outcomeId: OUTCOME_EXAMPLE.id,
      planId: OUTCOME_EXAMPLE.planId,
      model: 'F3',
      epochs: 2,
      profileVersion: 1,
      observed: { jftValidationLoss: 2.57 },
      predicted: { jftValidationLoss: 2.5731, source: 'plan' },
      error: { jftValidationLoss: -0.0031, relative: -0.0012062 },
    },
  ],
  summary: {
    n: 1,
    meanRelativeError: -0.0012062,
    meanAbsoluteRelativeError: 0.0012062,
    rmseRelative: 0.0012062,
    intervals: null,
    imagenetTop1: null,
    cost: null,
  },
  source: CALIBRATION_SOURCE,
} as const;
